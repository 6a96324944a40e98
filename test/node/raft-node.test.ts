// A member's Raft loop on a real WAL, driven by hand as a follower: when its fdatasync runs on its
// own thread, the acknowledgement of an append leaves the node before it applies the commands the
// same append committed (they wait for the sync, not the sync for them), and applies every committed
// command exactly once, in order, whatever the sync mode. Its appliedIndex (which reads, snapshots
// and status go by) counts only what was applied. A node rehearses the apply of its oldest pending
// proposal (the warm-up of a rested leader) on its state machine's scratch state, and nothing else;
// a rehearsal that throws is contained and ends rehearsals.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RaftCore } from '../../src/raft/core.js';
import { defaultRaftConfig, emptyMessage, EntryType, MessageType, type Entry, type Message } from '../../src/raft/types.js';
import { PeerTransport, type OutgoingBatch } from '../../src/transport/peer-transport.js';
import { WriteAheadLog } from '../../src/wal/wal.js';
import type { SyncMode } from '../../src/wal/disk-io.js';
import { RaftNode } from '../../src/node/raft-node.js';
import { createNodeLogger } from '../../src/node/logger.js';
import { encodeCommandFrame, RequestIds } from '../../src/node/command-frame.js';
import type { StateMachine } from '../../src/node/state-machine.js';
import { waitUntil } from '../support/wait-until.js';
import { withTempDir } from '../wal/wal-fixtures.js';

const LEADER = 'n1';
const FOLLOWER = 'n2';
const TERM = 1;

/** What the follower did, in order: sends to the leader and commands applied. */
type Event = { kind: 'ack'; index: number } | { kind: 'apply'; index: number };

/** Records every acknowledgement when it leaves the node (its batch is sent), instead of delivering it. */
class RecordingTransport extends PeerTransport {
  constructor(private readonly events: Event[]) {
    super(FOLLOWER, [LEADER], 1);
  }

  protected sendBatch(_peer: string, batch: OutgoingBatch): void {
    for (const message of batch.messages) {
      if (message.type === MessageType.AppendResponse && !message.reject) this.events.push({ kind: 'ack', index: message.index });
    }
  }

  protected closeChannels(): void {}
}

class RecordingMachine implements StateMachine<number> {
  constructor(private readonly events: Event[]) {}

  apply(_command: Uint8Array, index: number): number {
    this.events.push({ kind: 'apply', index });
    return index;
  }

  snapshot(): Uint8Array {
    return new Uint8Array(0);
  }

  restore(): void {}
}

const proposer = new RequestIds().proposer;

/** A text command, after the room the command frame's header needs. */
function encodeText(command: string, headroom: number): Uint8Array {
  const bytes = new Uint8Array(headroom + command.length);
  bytes.set(Buffer.from(command), headroom);
  return bytes;
}

function entry(index: number): Entry {
  const data = encodeCommandFrame(proposer, index, encodeText, `set k${index}`);
  return { term: TERM, index, type: EntryType.Normal, data };
}

/** The leader's append of entry `index` (after index - 1), committing through `commit`. */
function append(index: number, commit: number): Message {
  return { ...emptyMessage(MessageType.Append, LEADER, FOLLOWER, TERM), logTerm: index === 1 ? 0 : TERM, index: index - 1, entries: [entry(index)], commit };
}

/** A follower of a three-member cluster on `wal`, recording what it sends into `events`; ticks a minute apart. */
async function followerNode(wal: WriteAheadLog, stateMachine: StateMachine<number>, events: Event[], transport = new RecordingTransport(events)): Promise<RaftNode<number>> {
  return new RaftNode<number>({
    core: new RaftCore(defaultRaftConfig(FOLLOWER, [LEADER, FOLLOWER, 'n3'])),
    wal,
    transport,
    stateMachine,
    tickMs: 60_000,
    snapshotEveryEntries: 1_000_000,
    logger: await createNodeLogger(FOLLOWER, 'silent'),
  });
}

async function followerRun(syncMode: SyncMode, appends: number): Promise<{ events: Event[]; appliedIndex: number }> {
  const events: Event[] = [];
  let appliedIndex = -1;
  await withTempDir(async (dir) => {
    const { wal } = await WriteAheadLog.open(dir, { syncMode });
    const node = await followerNode(wal, new RecordingMachine(events), events);
    node.start();
    try {
      // As under a sequential client: each append carries the commit of the one before.
      for (let index = 1; index <= appends; index++) {
        node.step(append(index, index - 1), 0);
        await waitUntil(() => events.some((e) => e.kind === 'ack' && e.index === index), `the append of ${index} is acknowledged`);
        assert.equal(node.appliedIndex, Math.max(0, ...events.filter((e) => e.kind === 'apply').map((e) => e.index)), 'appliedIndex counts only applied commands');
      }
      await waitUntil(() => events.filter((e) => e.kind === 'apply').length === appends - 1, 'the committed commands are applied');
      appliedIndex = node.appliedIndex;
    } finally {
      node.stop();
      await wal.close();
    }
  });
  return { events, appliedIndex };
}

test('a follower syncing on its own thread acknowledges an append before applying what it committed', async () => {
  const appends = 6;
  const { events, appliedIndex } = await followerRun('sync', appends);
  for (let index = 2; index <= appends; index++) {
    const ackAt = events.findIndex((e) => e.kind === 'ack' && e.index === index);
    const applyAt = events.findIndex((e) => e.kind === 'apply' && e.index === index - 1);
    assert.ok(ackAt >= 0 && applyAt > ackAt, `the append of ${index} is acknowledged before ${index - 1} is applied: ${JSON.stringify(events)}`);
  }
  assert.deepEqual(events.filter((e) => e.kind === 'apply').map((e) => e.index), [1, 2, 3, 4, 5], 'each committed command once, in order');
  assert.equal(appliedIndex, appends - 1);
});

test('a follower whose fdatasync blocks its thread acknowledges an append within the turn that handles it', async () => {
  await withTempDir(async (dir) => {
    const { wal } = await WriteAheadLog.open(dir, { syncMode: 'sync' });
    const events: Event[] = [];
    const transport = new RecordingTransport(events);
    const node = await followerNode(wal, new RecordingMachine(events), events, transport);
    node.start();
    try {
      for (let index = 1; index <= 3; index++) {
        const datasyncsBefore = wal.stats.datasyncs;
        node.step(append(index, index - 1), 0);
        // As when a held frame is handed over on its precise timer: the node drives at once.
        transport.onHeldFrameDelivered();
        // Written, synced and acknowledged before the drive returned: no later turn or microtask.
        assert.ok(events.some((e) => e.kind === 'ack' && e.index === index), `the append of ${index} was not acknowledged in its turn: ${JSON.stringify(events)}`);
        assert.equal(wal.stats.datasyncs, datasyncsBefore + 1, 'one fdatasync for the append');
      }
      assert.deepEqual(events.filter((e) => e.kind === 'apply').map((e) => e.index), [1, 2], 'the commands it committed were applied after');
    } finally {
      node.stop();
      await wal.close();
    }
  });
});

for (const syncMode of ['async', 'auto'] as const) {
  test(`a follower applies each committed command once, in order, in '${syncMode}' sync mode`, async () => {
    const { events, appliedIndex } = await followerRun(syncMode, 5);
    assert.deepEqual(events.filter((e) => e.kind === 'apply').map((e) => e.index), [1, 2, 3, 4]);
    assert.equal(appliedIndex, 4);
  });
}

class RehearsingMachine extends RecordingMachine {
  readonly rehearsed: string[] = [];

  rehearse(command: Uint8Array): void {
    this.rehearsed.push(Buffer.from(command).toString());
  }
}

test('a node rehearses the apply of its oldest pending proposal, and nothing without one or once stopped', async () => {
  await withTempDir(async (dir) => {
    const { wal } = await WriteAheadLog.open(dir, { syncMode: 'sync' });
    const events: Event[] = [];
    const machine = new RehearsingMachine(events);
    // A follower that knows no leader keeps its proposals pending (refused, retried at its ticks).
    const node = await followerNode(wal, machine, events);
    try {
      node.rehearseNextApply();
      assert.deepEqual(machine.rehearsed, [], 'nothing pending, nothing rehearsed');
      assert.equal(node.proposalsPending, 0);
      const first = node.propose(encodeText, 'set first', 60_000);
      const second = node.propose(encodeText, 'set second', 60_000);
      first.catch(() => {});
      second.catch(() => {});
      assert.equal(node.proposalsPending, 2, 'both await their commit');
      node.rehearseNextApply();
      node.rehearseNextApply();
      assert.deepEqual(machine.rehearsed, ['set first', 'set first'], 'the oldest pending command, each time');
      assert.deepEqual(events, [], 'a rehearsal applies and sends nothing');
      node.stop();
      await assert.rejects(first);
      assert.equal(node.proposalsPending, 0, 'a stopped node fails its proposals');
      node.rehearseNextApply();
      assert.equal(machine.rehearsed.length, 2, 'a stopped node rehearses nothing');
    } finally {
      node.stop();
      await wal.close();
    }
  });
});

test('a rehearsal that throws never reaches the caller, and ends rehearsals', async () => {
  await withTempDir(async (dir) => {
    const { wal } = await WriteAheadLog.open(dir, { syncMode: 'sync' });
    let calls = 0;
    const machine = new (class extends RecordingMachine {
      rehearse(): void {
        calls++;
        throw new Error('a broken rehearsal');
      }
    })([]);
    const node = await followerNode(wal, machine, []);
    try {
      node.propose(encodeText, 'set k', 60_000).catch(() => {});
      node.rehearseNextApply();
      node.rehearseNextApply();
      assert.equal(calls, 1);
    } finally {
      node.stop();
      await wal.close();
    }
  });
});

/** A transport for a one-member cluster: there is nobody to send to. */
class SoloTransport extends PeerTransport {
  constructor() {
    super(LEADER, [], 1);
  }

  protected sendBatch(): void {}

  protected closeChannels(): void {}
}

/** The started leader of a one-member cluster, once its own empty entry is applied (proposals then go straight into the log). */
async function soloLeader(wal: WriteAheadLog, stateMachine: StateMachine<number>): Promise<RaftNode<number>> {
  const node = new RaftNode<number>({
    core: new RaftCore(defaultRaftConfig(LEADER, [LEADER])),
    wal,
    transport: new SoloTransport(),
    stateMachine,
    tickMs: 60_000,
    snapshotEveryEntries: 1_000_000,
    logger: await createNodeLogger(LEADER, 'silent'),
  });
  node.start();
  node.campaign();
  await node.linearizableRead(10_000);
  return node;
}

test('proposeThen answers each proposal from the apply loop, right after its apply, and a throwing answer harms nothing', async () => {
  await withTempDir(async (dir) => {
    const { wal } = await WriteAheadLog.open(dir, { syncMode: 'sync' });
    const log: string[] = [];
    const machine = new (class extends RecordingMachine {
      override apply(command: Uint8Array, index: number): number {
        log.push(`apply ${index}`);
        return super.apply(command, index);
      }
    })([]);
    const node = await soloLeader(wal, machine);
    try {
      log.length = 0;
      const failures: Error[] = [];
      const answered = new Promise<void>((resolve) => {
        node.proposeThen(encodeText, 'set a', 10_000, (result) => log.push(`answer ${result}`), (error) => failures.push(error));
        node.proposeThen(encodeText, 'set b', 10_000, () => {
          log.push('answer that throws');
          throw new Error('a broken answer');
        }, (error) => failures.push(error));
        node.proposeThen(encodeText, 'set c', 10_000, (result) => {
          log.push(`answer ${result}`);
          resolve();
        }, (error) => failures.push(error));
      });
      await answered;
      // The three share one Ready. Promises would answer after the whole apply loop: apply, apply, apply, answer...
      const first = Number(log[0]!.split(' ')[1]);
      assert.deepEqual(log, [`apply ${first}`, `answer ${first}`, `apply ${first + 1}`, 'answer that throws', `apply ${first + 2}`, `answer ${first + 2}`]);
      assert.deepEqual(failures, []);
      // The node goes on: a later proposal commits and is answered as usual.
      assert.equal(await node.propose(encodeText, 'set d', 10_000), first + 3);
    } finally {
      node.stop();
      await wal.close();
    }
  });
});

test('a commit that makes nothing durable is applied and answered before its hard state is appended', async () => {
  await withTempDir(async (dir) => {
    const { wal } = await WriteAheadLog.open(dir, { syncMode: 'sync' });
    const node = await soloLeader(wal, new RecordingMachine([]));
    try {
      const appendsBefore = wal.stats.appends;
      const appendsAtAnswer = await new Promise<number>((resolve, reject) => node.proposeThen(encodeText, 'set k', 10_000, () => resolve(wal.stats.appends), reject));
      // The entry (with its term and vote) was appended and synced; the commit that followed it
      // is appended (for the next flush) only after the answer.
      assert.equal(appendsAtAnswer, appendsBefore + 1, 'only the entry was appended when the answer was given');
      await waitUntil(() => wal.stats.appends === appendsBefore + 2, 'the commit index is appended after the answer');
    } finally {
      node.stop();
      await wal.close();
    }
  });
});

test('proposeThen reports a stopped node through its failure callback', async () => {
  await withTempDir(async (dir) => {
    const { wal } = await WriteAheadLog.open(dir, { syncMode: 'sync' });
    const node = await followerNode(wal, new RecordingMachine([]), []);
    try {
      const outcomes: string[] = [];
      // A follower without a leader keeps it pending until stopped.
      node.proposeThen(encodeText, 'set early', 60_000, () => outcomes.push('applied'), (error) => outcomes.push(`failed: ${error.message}`));
      assert.equal(outcomes.length, 0, 'pending until stopped');
      node.stop();
      node.proposeThen(encodeText, 'set late', 60_000, () => outcomes.push('applied'), (error) => outcomes.push(`failed: ${error.message}`));
      assert.deepEqual(outcomes, ['failed: node stopped', 'failed: node stopped']);
    } finally {
      node.stop();
      await wal.close();
    }
  });
});

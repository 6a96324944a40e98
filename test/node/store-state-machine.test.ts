// The store as a replicated state machine: a rehearsal of a command (the leader's warm-up before
// an apply, see RaftNode.rehearseNextApply) runs the command on scratch state and leaves the
// replicated store exactly as it was, whatever the command and however many rehearsals run.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { V2Store, encodeV2Request, newV2Request, type V2Request } from '../../src/store/index.js';
import { StoreStateMachine } from '../../src/node/store-state-machine.js';

const TIME_MS = Date.UTC(2026, 10, 21);

const commands: V2Request[] = [
  newV2Request({ method: 'PUT', path: '/dir/a', value: 'one', timeMs: TIME_MS }),
  newV2Request({ method: 'PUT', path: '/dir/a', value: 'two', prevValue: 'one', timeMs: TIME_MS }),
  newV2Request({ method: 'PUT', path: '/dir/b', value: 'x', prevExist: false, expirationMs: TIME_MS + 60_000, timeMs: TIME_MS }),
  newV2Request({ method: 'POST', path: '/queue', value: 'job', timeMs: TIME_MS }),
  newV2Request({ method: 'DELETE', path: '/dir/b', timeMs: TIME_MS }),
  newV2Request({ method: 'DELETE', path: '/dir/missing', timeMs: TIME_MS }),
  newV2Request({ method: 'QGET', path: '/dir', recursive: true, timeMs: TIME_MS }),
  newV2Request({ method: 'SYNC', path: '/', timeMs: TIME_MS + 120_000 }),
];

/** Everything a client or a snapshot can see of a store: its snapshot bytes, index and counters. */
function observable(store: V2Store): { image: string; index: number; stats: string } {
  return { image: Buffer.from(store.save()).toString('base64'), index: store.index, stats: store.statsJson() };
}

test('a rehearsal leaves the replicated store as it was, and the real apply gives the answer it gives without one', () => {
  const rehearsed = new StoreStateMachine(new V2Store());
  const plain = new StoreStateMachine(new V2Store());
  for (const request of commands) {
    const command = encodeV2Request(request);
    const before = observable(rehearsed.store);
    rehearsed.rehearse(command);
    rehearsed.rehearse(command);
    assert.deepEqual(observable(rehearsed.store), before, `rehearsing ${request.method} ${request.path} changed the store`);
    assert.deepEqual(rehearsed.apply(command), plain.apply(command), `${request.method} ${request.path}`);
    assert.deepEqual(observable(rehearsed.store), observable(plain.store));
  }
});

test('many rehearsals of in-order creates (a scratch store renewed as it goes) leave the store alone', () => {
  const machine = new StoreStateMachine(new V2Store());
  machine.apply(encodeV2Request(commands[0]!));
  const before = observable(machine.store);
  const create = encodeV2Request(newV2Request({ method: 'POST', path: '/queue', value: 'job', timeMs: TIME_MS }));
  for (let i = 0; i < 5_000; i++) machine.rehearse(create);
  assert.deepEqual(observable(machine.store), before);
  const created = machine.apply(create);
  assert.ok('node' in created! && created.node.key === `/queue/${String(before.index + 1).padStart(20, '0')}`, JSON.stringify(created));
});

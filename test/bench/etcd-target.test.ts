// The etcd bench target and its delay proxy: the delay line runs work on time (never early, soon
// after; how soon is bench/timer-precision.bench.ts's figure) and keeps its order when its delay
// changes, the proxy delays each direction by
// delayMs, keeps the byte order and gives every chunk its own due time; the target starts a real
// etcd 3.4 whose writes pay the delayed quorum round trip (except in a hot start), reports its
// floor, and leaves nothing behind.
// Without /usr/bin/etcd the etcd tests fail: CI installs it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { DelayLine } from '../../src/bench/delay-line.js';
import { DelayProxy } from '../../src/bench/delay-proxy.js';
import { startEtcdCluster } from '../../src/bench/etcd-cluster.js';
import { median } from '../../src/bench/median.js';
import { etcdTargetSettings, startEtcdTarget } from '../../src/bench/etcd-target.js';
import { ETCD_BINARY, realEtcdAvailable } from '../support/real-etcd.js';

const DELAY_MS = 40;
const CHUNKS = 20;
const CHUNK_BYTES = 16;
const CHUNK_GAP_MS = 5;
/** Lateness allowed to any chunk on a busy shared machine; a delay that added up would be far over. */
const LATE_MS_MAX = 35;
/**
 * The typical chunk leaves soon after its due time. The bound is generous because CI machines are
 * shared and loaded; it catches delays that add up (chunks ~2.5 ms apart behind a 40 ms delay
 * would be hundreds of ms late) and lost wake-ups, not sub-millisecond precision, which
 * bench/timer-precision.bench.ts measures.
 */
const LATE_MS_MEDIAN_MAX = 5;
const PROXY_TEST_TIMEOUT_MS = 10_000;

/** When each data event arrived and how many bytes had arrived by then. */
class ArrivalLog {
  readonly events: Array<{ atMs: number; totalBytes: number }> = [];
  readonly bytes: Buffer[] = [];
  private totalBytes = 0;

  record(chunk: Buffer): void {
    this.totalBytes += chunk.length;
    this.bytes.push(chunk);
    this.events.push({ atMs: performance.now(), totalBytes: this.totalBytes });
  }

  /** When the last byte of chunk `index` arrived. */
  chunkArrivalMs(index: number): number {
    const event = this.events.find((e) => e.totalBytes >= (index + 1) * CHUNK_BYTES);
    assert.ok(event, `chunk ${index} never arrived`);
    return event.atMs;
  }
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

function chunk(index: number): Buffer {
  return Buffer.from(`chunk ${String(index).padStart(9, '0')}\n`);
}

/** Delays from `fromMs[i]` to `toMs[i]` all at least DELAY_MS, on time typically, never far late. */
function assertDelayed(direction: string, fromMs: number[], toMs: number[]): void {
  const lateMs = fromMs.map((from, i) => toMs[i] - from - DELAY_MS);
  assert.ok(Math.min(...lateMs) >= -1e-6, `${direction}: a chunk arrived ${-Math.min(...lateMs)} ms early`);
  assert.ok(Math.max(...lateMs) < LATE_MS_MAX, `${direction}: a chunk arrived ${Math.max(...lateMs)} ms late`);
  assert.ok(median(lateMs) < LATE_MS_MEDIAN_MAX, `${direction}: median lateness ${median(lateMs)} ms`);
}

test('the delay line runs each item delayMs after its push, in order, never early and soon after', { timeout: PROXY_TEST_TIMEOUT_MS }, async () => {
  const line = new DelayLine(DELAY_MS);
  const pushedMs: number[] = [];
  const ranMs: number[] = [];
  const order: number[] = [];
  for (let i = 0; i < CHUNKS; i++) {
    pushedMs.push(performance.now());
    line.push(() => {
      ranMs.push(performance.now());
      order.push(i);
    });
    await new Promise((resolve) => setTimeout(resolve, i % 2 === 0 ? 0 : CHUNK_GAP_MS));
  }
  await new Promise((resolve) => setTimeout(resolve, DELAY_MS + LATE_MS_MAX));
  assert.deepEqual(order, Array.from({ length: CHUNKS }, (_, i) => i));
  const lateMs = pushedMs.map((pushed, i) => ranMs[i] - pushed - DELAY_MS);
  assert.ok(Math.min(...lateMs) >= 0, `an item ran ${-Math.min(...lateMs)} ms early`);
  assert.ok(Math.max(...lateMs) < LATE_MS_MAX, `an item ran ${Math.max(...lateMs)} ms late`);
  assert.ok(median(lateMs) < LATE_MS_MEDIAN_MAX, `median lateness ${median(lateMs)} ms`);
  line.close();
  assert.throws(() => line.push(() => {}), /closed/);
});

test('a delay line whose delay is cut keeps its order: later items wait behind earlier ones, then follow at once', { timeout: PROXY_TEST_TIMEOUT_MS }, async () => {
  const line = new DelayLine(DELAY_MS);
  const order: string[] = [];
  const ranMs = new Map<string, number>();
  const push = (name: string): void => line.push(() => {
    order.push(name);
    ranMs.set(name, performance.now());
  });
  const startMs = performance.now();
  push('slow');
  line.setDelayMs(0);
  assert.equal(line.delayMs, 0);
  push('fast after slow');
  await new Promise((resolve) => setTimeout(resolve, DELAY_MS + LATE_MS_MAX));
  assert.deepEqual(order, ['slow', 'fast after slow'], 'nothing overtakes');
  assert.ok(ranMs.get('fast after slow')! - startMs >= DELAY_MS, 'the later item waited behind the earlier one');
  const fastPushedMs = performance.now();
  push('fast');
  await new Promise((resolve) => setTimeout(resolve, LATE_MS_MAX));
  assert.ok(ranMs.get('fast')! - fastPushedMs < DELAY_MS, 'with nothing ahead, the new delay applies');
  line.setDelayMs(DELAY_MS);
  assert.throws(() => line.setDelayMs(-1), RangeError);
  assert.equal(line.delayMs, DELAY_MS, 'a refused delay changes nothing');
  line.close();
});

test('the delay proxy delays each direction by delayMs, in order, each chunk on its own clock', { timeout: PROXY_TEST_TIMEOUT_MS }, async () => {
  assert.equal(chunk(0).length, CHUNK_BYTES);
  const atServer = new ArrivalLog();
  let serverEndMs = 0;
  const echo = createServer({ allowHalfOpen: true }, (socket: Socket) => {
    socket.on('data', (data: Buffer) => {
      atServer.record(data);
      socket.write(data);
    });
    socket.on('end', () => {
      serverEndMs = performance.now();
      socket.end();
    });
  });
  const proxy = await DelayProxy.start({ targetHost: '127.0.0.1', targetPort: await listen(echo), delayMs: DELAY_MS });
  try {
    const atClient = new ArrivalLog();
    const client = createConnection({ host: '127.0.0.1', port: proxy.port, allowHalfOpen: true });
    client.on('data', (data: Buffer) => atClient.record(data));
    const closed = new Promise<void>((resolve) => client.on('close', () => resolve()));
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
    const sentMs: number[] = [];
    for (let i = 0; i < CHUNKS; i++) {
      sentMs.push(performance.now());
      client.write(chunk(i));
      await new Promise((resolve) => setTimeout(resolve, CHUNK_GAP_MS));
    }
    const endSentMs = performance.now();
    client.end();
    await closed;

    const sent = Buffer.concat(Array.from({ length: CHUNKS }, (_, i) => chunk(i)));
    assert.deepEqual(Buffer.concat(atServer.bytes), sent, 'the server gets the bytes in order');
    assert.deepEqual(Buffer.concat(atClient.bytes), sent, 'the echo comes back in order');
    const atServerMs = sentMs.map((_, i) => atServer.chunkArrivalMs(i));
    assertDelayed('client to server', sentMs, atServerMs);
    assertDelayed('server to client', atServerMs, sentMs.map((_, i) => atClient.chunkArrivalMs(i)));
    assert.ok(serverEndMs - endSentMs >= DELAY_MS - 1e-6, 'the end of the stream is delayed like its bytes');
  } finally {
    await proxy.close();
    await new Promise((resolve) => echo.close(resolve));
  }
});

test('the delay proxy refuses connections beyond its limit and cuts open ones on close', { timeout: PROXY_TEST_TIMEOUT_MS }, async () => {
  const sink = createServer((socket) => socket.resume());
  const proxy = await DelayProxy.start({ targetHost: '127.0.0.1', targetPort: await listen(sink), delayMs: 1, connectionsMax: 1 });
  const first = createConnection({ host: '127.0.0.1', port: proxy.port });
  const firstClosed = new Promise<void>((resolve) => first.on('close', () => resolve()));
  first.on('error', () => {});
  await new Promise<void>((resolve) => first.once('connect', () => resolve()));
  const second = createConnection({ host: '127.0.0.1', port: proxy.port });
  second.on('error', () => {});
  await new Promise<void>((resolve) => second.on('close', () => resolve()));
  assert.equal(proxy.openSockets, 2, 'only the first connection is proxied');
  await proxy.close();
  await firstClosed;
  assert.equal(proxy.openSockets, 0);
  await new Promise((resolve) => sink.close(resolve));
});

test('etcd target settings: spec keys win over --nodes and --delay; unknown keys, geo and leader placement are refused', () => {
  assert.deepEqual(etcdTargetSettings({ seed: 1, extra: {} }), { members: 3 });
  assert.deepEqual(etcdTargetSettings({ seed: 1, extra: { delayMs: '40' } }), { members: 3, delayMs: 40 });
  assert.deepEqual(etcdTargetSettings({ seed: 1, nodes: 5, delayMs: 10, extra: {} }), { members: 5, delayMs: 10 });
  assert.deepEqual(etcdTargetSettings({ seed: 1, nodes: 5, delayMs: 10, extra: { members: '1', delayMs: '0' } }), { members: 1, delayMs: 0 });
  assert.throws(() => etcdTargetSettings({ seed: 1, extra: { delay: '40' } }), /unknown setting delay \(known: delayMs, members\)/);
  assert.throws(() => etcdTargetSettings({ seed: 1, extra: { delayMs: 'soon' } }), /delayMs must be in \[0, 2000\], got soon/);
  assert.throws(() => etcdTargetSettings({ seed: 1, geo: 'tri-region', extra: {} }), /geo preset does not apply/);
  assert.throws(() => etcdTargetSettings({ seed: 1, leaderRegion: 'n2', extra: {} }), /cannot move the leadership/);
});

test('a missing etcd binary is named in the error', async () => {
  await assert.rejects(startEtcdCluster({ binaryPath: '/nonexistent/etcd' }), /etcd binary not found at \/nonexistent\/etcd: install .* RAFTYARD_ETCD_BINARY/);
});

/**
 * A stand-in etcd binary: it logs each start, then either fails the way etcd does when its port
 * was taken ('taken': always; 'taken-once': only the first member to start; 'broken': another
 * failure), or serves /health on its client URL until it is stopped.
 */
function fakeEtcd(dir: string, behaviour: 'taken' | 'taken-once' | 'broken'): string {
  const path = join(dir, 'fake-etcd');
  writeFileSync(
    path,
    `#!${process.execPath}
const fs = require('node:fs');
const http = require('node:http');
const dir = ${JSON.stringify(dir)};
fs.appendFileSync(dir + '/starts', process.argv.find((arg) => arg.startsWith('--initial-cluster=')) + '\\n');
let fail = ${JSON.stringify(behaviour)} === 'taken';
if (${JSON.stringify(behaviour)} === 'taken-once') { try { fs.mkdirSync(dir + '/failed-once'); fail = true; } catch {} }
if (fail) { process.stderr.write('etcdmain: listen tcp 127.0.0.1:1: bind: address already in use\\n'); process.exit(1); }
if (${JSON.stringify(behaviour)} === 'broken') { process.stderr.write('etcdmain: cannot access data directory\\n'); process.exit(1); }
const url = new URL(process.argv.find((arg) => arg.startsWith('--listen-client-urls=')).split('=')[1]);
http.createServer((req, res) => res.end('{"health":"true"}')).listen(Number(url.port), url.hostname);
`,
  );
  chmodSync(path, 0o755);
  return path;
}

test('an etcd start whose port was taken is tried again on new ports, at most three times', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'raftyard-fake-etcd-'));
  // Each attempt names new ports in --initial-cluster. A failed attempt stops its other members,
  // perhaps before they get to record their start, but the member that failed it did record.
  const attempts = (): number => new Set(readFileSync(join(dir, 'starts'), 'utf8').split('\n').filter(Boolean)).size;
  const starts = (): number => readFileSync(join(dir, 'starts'), 'utf8').split('\n').filter(Boolean).length;
  try {
    const cluster = await startEtcdCluster({ binaryPath: fakeEtcd(dir, 'taken-once'), readyTimeoutMs: 10_000 });
    await cluster.stop();
    assert.equal(attempts(), 2, 'one member found its port taken, then a second attempt started');
    rmSync(join(dir, 'starts'));
    await assert.rejects(startEtcdCluster({ binaryPath: fakeEtcd(dir, 'taken'), readyTimeoutMs: 10_000 }), /address already in use/);
    assert.equal(attempts(), 3, 'three attempts');
    assert.ok(starts() >= 3 && starts() <= 9, `${starts()} member starts in three attempts of three members`);
    rmSync(join(dir, 'starts'));
    await assert.rejects(startEtcdCluster({ binaryPath: fakeEtcd(dir, 'broken'), readyTimeoutMs: 10_000 }), /cannot access data directory/);
    assert.equal(attempts(), 1, 'another failure is not tried again');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a client region the etcd target cannot place is refused before etcd starts', async () => {
  // A missing binary would fail the start: the region error proves the check came first.
  const binaryBefore = process.env.RAFTYARD_ETCD_BINARY;
  process.env.RAFTYARD_ETCD_BINARY = '/nonexistent/etcd';
  try {
    await assert.rejects(startEtcdTarget({ seed: 1, clientRegion: 'n1', extra: {} }), /--client-region n1: the members have no regions; start the target with --geo or --delay/);
    await assert.rejects(startEtcdTarget({ seed: 1, clientRegion: 'moon', extra: { delayMs: '10' } }), /--client-region: unknown place "moon"; known: n1, n2, n3/);
    await assert.rejects(startEtcdTarget({ seed: 1, clientRegion: 'n2', extra: { delayMs: '10' } }), /etcd binary not found at \/nonexistent\/etcd/);
  } finally {
    if (binaryBefore === undefined) delete process.env.RAFTYARD_ETCD_BINARY;
    else process.env.RAFTYARD_ETCD_BINARY = binaryBefore;
  }
});

/** Writes one key at `endpoint` and returns how long the answer took. */
async function timedPut(endpoint: string, key: string, value: string): Promise<number> {
  const startedMs = performance.now();
  const answer = await fetch(`${endpoint}/v2/keys/bench/${key}`, { method: 'PUT', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `value=${value}` });
  const tookMs = performance.now() - startedMs;
  assert.ok(answer.status === 201 || answer.status === 200, `PUT at ${endpoint} answered ${answer.status}`);
  return tookMs;
}

test('the etcd target starts real etcd whose writes pay the delayed round trips of its floor, and closes cleanly', async () => {
  assert.ok(realEtcdAvailable(), `etcd is missing at ${ETCD_BINARY}: install etcd-server (CI does) or set RAFTYARD_ETCD_BINARY`);
  const delayMs = 20;
  const rttMs = 2 * delayMs;
  const target = await startEtcdTarget({ seed: 1, extra: { delayMs: String(delayMs), members: '3' } });
  try {
    assert.equal(target.endpoints.length, 3);
    const leader = await target.leaderEndpoint!();
    const follower = target.endpoints.find((endpoint) => endpoint !== leader)!;
    assert.ok(target.endpoints.includes(leader), `leader ${leader} is one of the endpoints`);
    const atLeaderMs = await timedPut(leader, 'at-leader', 'one');
    assert.ok(atLeaderMs >= rttMs, `a write at the leader took ${atLeaderMs} ms, less than the ${rttMs} ms quorum round trip`);
    // At a follower the proposal goes to the leader and the commit comes back: one more round trip.
    const atFollowerMs = await timedPut(follower, 'at-follower', 'two');
    assert.ok(atFollowerMs >= 2 * rttMs, `a write at a follower took ${atFollowerMs} ms, less than two round trips`);
    const get = await fetch(`${follower}/v2/keys/bench/at-leader?quorum=true`);
    assert.equal(get.status, 200);
    assert.equal(((await get.json()) as { node: { value: string } }).node.value, 'one');

    const floor = await target.floorMs!();
    assert.equal(floor.parts.quorumRttMs, rttMs);
    assert.ok(floor.parts.fsyncMs > 0 && floor.parts.fsyncMs < 1_000, `fsync ${floor.parts.fsyncMs} ms`);
    assert.equal(floor.floorMs, rttMs + floor.parts.fsyncMs + floor.parts.clientRttMs);
    const viaFollower = await target.floorMs!([{ leaderEndpoint: leader, sentToEndpoint: follower }]);
    assert.equal(viaFollower.parts.forwardRttMs, rttMs);
    assert.equal(viaFollower.parts.fsyncMs, floor.parts.fsyncMs, 'the fsync is measured once');

    // The hot start's links: the proxies pass bytes on at once while its work runs, then delay again.
    const unshapedMs = await target.unshaped!(async () => {
      const tookMs: number[] = [];
      for (let i = 0; i < 5; i++) tookMs.push(await timedPut(leader, `hot-${i}`, 'x'));
      return median(tookMs);
    });
    assert.ok(unshapedMs < rttMs, `with the proxies undelayed a write still took ${unshapedMs} ms (median)`);
    const reshapedMs = await timedPut(leader, 'shaped-again', 'y');
    assert.ok(reshapedMs >= rttMs, `after the hot start a write took ${reshapedMs} ms, less than the ${rttMs} ms quorum round trip`);
  } finally {
    await target.close();
  }
  assert.ok(!existsSync(target.dataDir), 'the data directory is removed');
  await assert.rejects(fetch(`${target.endpoints[0]}/health`, { signal: AbortSignal.timeout(1_000) }), 'the members are gone');
});

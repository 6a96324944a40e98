// Commit latency under geo-delay against its physical floor: a 3-node cluster whose every link
// is 40 ms one way; sequential PUTs, then an open loop at 1000 writes/s (latency counted from
// each write's scheduled time), first at the leader, then through a follower. The floor is the
// leader's quorum round trip plus one fsync (through a follower, plus its round trip to the leader).
//   npx tsc -p . && node dist/bench/geo-latency.bench.js [--seconds 10] [--delay-ms 40] [--rate 1000]

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Agent, request } from 'node:http';
import { Cluster } from '../src/cluster/cluster.js';
import type { LinkConfig } from '../src/transport/link-config.js';
import { realClock } from '../src/transport/link-shaper.js';

const { values } = parseArgs({
  options: { seconds: { type: 'string' }, 'delay-ms': { type: 'string' }, rate: { type: 'string' } },
});
const phaseMs = 1000 * Number(values.seconds ?? 10);
const delayMs = Number(values['delay-ms'] ?? 40);
const ratePerSecond = Number(values.rate ?? 1000);
const NODES = 3;
const FSYNC_SAMPLES = 300;
const FSYNC_BLOCK = Buffer.alloc(4096, 7);
const WARMUP_WRITES = 20;
/** The open loop runs this long unrecorded first, to open its connections and warm the JIT. */
const OPEN_LOOP_WARMUP_MS = 1000;
/** Open-loop writes in flight at the most; more would mean the cluster cannot keep up. */
const IN_FLIGHT_MAX = 2000;
const VALUE = 'v'.repeat(64);

interface PhaseResult {
  name: string;
  floorMs: number;
  latenciesMs: number[];
  errors: number;
  /** Open-loop writes not sent because IN_FLIGHT_MAX were already waiting. */
  skipped: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

/** Median of a 4 KiB write + fdatasync overwriting a zero-filled (preallocated) file. */
function measureFsyncMs(): number {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'geo-fsync-'));
  const fd = fs.openSync(path.join(dir, 'floor'), 'w+');
  try {
    fs.writeSync(fd, Buffer.alloc(FSYNC_SAMPLES * FSYNC_BLOCK.length));
    fs.fsyncSync(fd);
    const samplesMs: number[] = [];
    for (let i = 0; i < FSYNC_SAMPLES; i++) {
      const startMs = performance.now();
      fs.writeSync(fd, FSYNC_BLOCK, 0, FSYNC_BLOCK.length, i * FSYNC_BLOCK.length);
      fs.fdatasyncSync(fd);
      samplesMs.push(performance.now() - startMs);
    }
    return percentile(samplesMs.sort((a, b) => a - b), 0.5);
  } finally {
    fs.closeSync(fd);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function everyLink(config: Partial<LinkConfig>): Record<string, Partial<LinkConfig>> {
  const links: Record<string, Partial<LinkConfig>> = {};
  for (let from = 1; from <= NODES; from++) {
    for (let to = 1; to <= NODES; to++) if (from !== to) links[`n${from}->n${to}`] = config;
  }
  return links;
}

/** One v2 PUT over a keep-alive connection; resolves true on 200/201. */
function put(agent: Agent, endpoint: string, key: string): Promise<boolean> {
  const body = `value=${VALUE}`;
  return new Promise((resolve) => {
    const req = request(
      `${endpoint}/v2/keys/geo/${key}`,
      {
        method: 'PUT',
        agent,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200 || res.statusCode === 201));
      },
    );
    req.on('error', () => resolve(false));
    req.end(body);
  });
}

function record(result: PhaseResult, ok: boolean, latencyMs: number): void {
  if (ok) result.latenciesMs.push(latencyMs);
  else result.errors++;
}

async function sequential(name: string, floorMs: number, endpoint: string): Promise<PhaseResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const result: PhaseResult = { name, floorMs, latenciesMs: [], errors: 0, skipped: 0 };
  for (let i = 0; i < WARMUP_WRITES; i++) await put(agent, endpoint, `warm${i}`);
  const endMs = performance.now() + phaseMs;
  for (let i = 0; performance.now() < endMs; i++) {
    const startMs = performance.now();
    const ok = await put(agent, endpoint, `s${i % 100}`);
    record(result, ok, performance.now() - startMs);
  }
  agent.destroy();
  return result;
}

/**
 * Writes at a fixed rate whatever the answers do; each latency runs from the write's scheduled
 * time, so a late generator or a stalled cluster shows in the figures instead of hiding. The
 * first OPEN_LOOP_WARMUP_MS of writes are sent but not recorded.
 */
async function openLoop(name: string, floorMs: number, endpoint: string): Promise<PhaseResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT_MAX });
  const result: PhaseResult = { name, floorMs, latenciesMs: [], errors: 0, skipped: 0 };
  const intervalMs = 1000 / ratePerSecond;
  const total = Math.floor((OPEN_LOOP_WARMUP_MS + phaseMs) / intervalMs);
  const startMs = performance.now() + 100;
  const recordFromMs = startMs + OPEN_LOOP_WARMUP_MS;
  let sent = 0;
  let answered = 0;
  let inFlight = 0;
  await new Promise<void>((allAnswered) => {
    const issue = (scheduledMs: number, key: string): void => {
      inFlight++;
      void put(agent, endpoint, key).then((ok) => {
        inFlight--;
        if (scheduledMs >= recordFromMs) record(result, ok, performance.now() - scheduledMs);
        if (++answered === total) allAnswered();
      });
    };
    const skip = (): void => {
      if (startMs + sent * intervalMs >= recordFromMs) result.skipped++;
      if (++answered === total) allAnswered();
    };
    const fire = (): void => {
      const nowMs = performance.now();
      for (; sent < total && startMs + sent * intervalMs <= nowMs; sent++) {
        if (inFlight >= IN_FLIGHT_MAX) skip();
        else issue(startMs + sent * intervalMs, `o${sent % 1000}`);
      }
      if (sent < total) realClock.setTimer(fire, startMs + sent * intervalMs - performance.now());
    };
    realClock.setTimer(fire, startMs - performance.now());
  });
  agent.destroy();
  return result;
}

const COLUMNS = ['writes', 'errors', 'skipped', 'floor ms', 'p50 ms', 'p99 ms', 'max ms', 'p50-floor', 'p99-floor'];
const NAME_WIDTH = 22;
const COLUMN_WIDTH = 10;

function printHeader(fsyncMs: number): void {
  console.log(`links ${delayMs} ms one way, fsync (4 KiB write + fdatasync, median) ${fsyncMs.toFixed(3)} ms`);
  console.log('phase'.padEnd(NAME_WIDTH) + COLUMNS.map((c) => c.padStart(COLUMN_WIDTH)).join(''));
}

function printPhase(r: PhaseResult): void {
  const sorted = [...r.latenciesMs].sort((a, b) => a - b);
  const counts = [sorted.length, r.errors, r.skipped].map(String);
  if (sorted.length === 0) {
    console.log(r.name.padEnd(NAME_WIDTH) + counts.map((c) => c.padStart(COLUMN_WIDTH)).join(''));
    return;
  }
  const p50 = percentile(sorted, 0.5);
  const p99 = percentile(sorted, 0.99);
  const figures = [r.floorMs, p50, p99, sorted[sorted.length - 1]!, p50 - r.floorMs, p99 - r.floorMs].map((ms) => ms.toFixed(2));
  console.log(r.name.padEnd(NAME_WIDTH) + [...counts, ...figures].map((c) => c.padStart(COLUMN_WIDTH)).join(''));
}

async function main(): Promise<void> {
  const fsyncMs = measureFsyncMs();
  const cluster = await Cluster.start({ nodes: NODES, links: everyLink({ delayMs }) });
  try {
    const leader = await cluster.leader();
    const follower = cluster.ids.find((id) => id !== leader)!;
    const leaderFloorMs = 2 * delayMs + fsyncMs;
    const followerFloorMs = leaderFloorMs + 2 * delayMs;
    printHeader(fsyncMs);
    printPhase(await sequential('leader sequential', leaderFloorMs, cluster.endpoint(leader)));
    printPhase(await openLoop(`leader ${ratePerSecond}/s`, leaderFloorMs, cluster.endpoint(leader)));
    printPhase(await sequential('follower sequential', followerFloorMs, cluster.endpoint(follower)));
    printPhase(await openLoop(`follower ${ratePerSecond}/s`, followerFloorMs, cluster.endpoint(follower)));
    const leaderAfter = await cluster.leader();
    if (leaderAfter !== leader) console.log(`warning: the leader changed during the run (${leader} -> ${leaderAfter})`);
  } finally {
    await cluster.stop();
  }
}

await main();

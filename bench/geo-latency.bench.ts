// Commit latency under geo-delay against its physical floor: a 3-node cluster whose every link
// is 40 ms one way; sequential PUTs, then an open loop at 1000 writes/s (latency counted from
// each write's scheduled time), first at the leader, then through a follower. Each of the four
// is one run of the harness, as `raftyard bench --target embedded --delay 40ms --clients 1
// --send-to leader` would do it: the harness measures the fsync on the cluster's disk and works
// out the floor of the path the writes took; this file only picks the four runs and lines them up.
//   npx tsc -p . && node dist/bench/geo-latency.bench.js [--seconds 10] [--delay-ms 40] [--rate 1000]

import { parseArgs } from 'node:util';
import { LIMITS, type BenchOptions, type SendTo } from '../src/bench/bench-options.js';
import { EMBEDDED_TARGET, registerEmbeddedTarget } from '../src/bench/embedded-target.js';
import { formatMs } from '../src/bench/figure-format.js';
import { floorPartsText, formatOverMs } from '../src/bench/floor-text.js';
import { parseBenchArgs } from '../src/bench/parse-args.js';
import { runBench } from '../src/bench/run-bench.js';

const { values } = parseArgs({
  options: { seconds: { type: 'string' }, 'delay-ms': { type: 'string' }, rate: { type: 'string' } },
});
const phaseMs = 1000 * Number(values.seconds ?? 10);
const delayMs = Number(values['delay-ms'] ?? 40);
const ratePerSec = Number(values.rate ?? 1000);
const NODES = 3;
const WARMUP_MS = 1000;
const VALUE_SIZE_BYTES = 64;
/** Open-loop clients per write in flight at the floor of the slowest path (through a follower). */
const OPEN_LOOP_CLIENT_HEADROOM = 2;

interface GeoRun {
  name: string;
  sendTo: SendTo;
  /** Open loop at `ratePerSec` when true; one sequential client otherwise. */
  open: boolean;
}

const RUNS: GeoRun[] = [
  { name: 'leader sequential', sendTo: 'leader', open: false },
  { name: `leader ${ratePerSec}/s`, sendTo: 'leader', open: true },
  { name: 'follower sequential', sendTo: 'follower', open: false },
  { name: `follower ${ratePerSec}/s`, sendTo: 'follower', open: true },
];

/** The command line of one run, parsed as `raftyard bench` parses it, so every default is the CLI's. */
function optionsFor(run: GeoRun): BenchOptions {
  // Through a follower a write waits the forward, the quorum round trip and the answer back.
  const slowestFloorMs = 4 * delayMs;
  const clients = run.open ? Math.min(LIMITS.clientsMax, Math.max(1, Math.ceil((OPEN_LOOP_CLIENT_HEADROOM * ratePerSec * slowestFloorMs) / 1000))) : 1;
  return parseBenchArgs([
    '--target', EMBEDDED_TARGET,
    '--nodes', String(NODES),
    '--delay', `${delayMs}ms`,
    '--value-size', String(VALUE_SIZE_BYTES),
    '--clients', String(clients),
    ...(run.open ? ['--rate', String(ratePerSec)] : []),
    '--send-to', run.sendTo,
    '--duration', `${phaseMs}ms`,
    '--warmup', `${WARMUP_MS}ms`,
    '--no-progress',
  ]);
}

const COLUMNS = ['writes', 'errors', 'floor ms', 'p50 ms', 'p99 ms', 'max ms', 'p50-floor', 'p99-floor'];
const NAME_WIDTH = 22;
const COLUMN_WIDTH = 10;

function row(name: string, cells: string[]): string {
  return name.padEnd(NAME_WIDTH) + cells.map((c) => c.padStart(COLUMN_WIDTH)).join('');
}

async function main(): Promise<void> {
  registerEmbeddedTarget();
  console.log(`links ${delayMs} ms one way, ${NODES} nodes, ${VALUE_SIZE_BYTES}-byte values, ${phaseMs / 1000} s per run after ${WARMUP_MS} ms of warm-up`);
  console.log(row('run', COLUMNS));
  const notes: string[] = [];
  for (const run of RUNS) {
    const result = await runBench(optionsFor(run));
    const { total, floor } = result.targets[0];
    // A put run on the embedded target always has a floor; without one the figures would mislead.
    if (floor === undefined) throw new Error(`${run.name}: the harness reported no commit floor`);
    const { latency } = total;
    const figures = [...[floor.floorMs, latency.p50Ms, latency.p99Ms, latency.maxMs].map(formatMs), formatOverMs(floor.p50OverMs), formatOverMs(floor.p99OverMs)];
    console.log(row(run.name, [String(total.operations), String(total.errorsTotal), ...figures]));
    notes.push(`${run.name}: floor ${floorPartsText(floor)}`, ...result.warnings.map((w) => `${run.name}: warning: ${w}`));
  }
  for (const note of notes) console.log(note);
}

await main();

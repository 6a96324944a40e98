// How late timers run on this machine, side by side in one run: Node's setTimeout (whole
// milliseconds), the precise timers (the metronome thread; a thread whose timers rested 2 ms is
// woken 0.2 ms early and spins to the deadline), the same without that spin, and a delay line
// (one precise timer for a queue of items, each with its own due time), which every shaped link,
// delay proxy and open-loop schedule ends in. Each round sets `count` timers of fractional
// delays, `gap-ms` apart, and records how long after its due time each one ran (negative: early,
// which Node's setTimeout is for fractional delays, since it truncates them); the rounds
// alternate the four.
// The tests only check that timers are never early and not grossly late (CI machines are shared
// and loaded); the sub-millisecond figure is this bench's.
//   npx tsc -p . && node dist/bench/timer-precision.bench.js [--count 300] [--rounds 3] [--gap-ms 1]

import { parseArgs } from 'node:util';
import { DelayLine } from '../src/bench/delay-line.js';
import { formatMs } from '../src/bench/figure-format.js';
import { PreciseTimers } from '../src/transport/precise-timer.js';
import { percentileOfSorted as percentile } from '../src/bench/median.js';
import { measureLateness, type SetTimer } from '../src/bench/timer-lateness.js';

const { values } = parseArgs({
  options: { count: { type: 'string' }, rounds: { type: 'string' }, 'gap-ms': { type: 'string' } },
});
const COUNT = Number(values.count ?? 300);
const ROUNDS = Number(values.rounds ?? 3);
const GAP_MS = Number(values['gap-ms'] ?? 1);
/** The delay line's constant delay: the one-way delay of the 40 ms links the geo runs use. */
const LINE_DELAY_MS = 40;
/** Fractional delays over the range where whole-millisecond timers are worst. */
const DELAY_SPAN_MS = 12;

interface Contender {
  name: string;
  /** The delay of timer `i`: each contender picks its own (a delay line has one). */
  delayMs: (i: number) => number;
  set: SetTimer;
  close?: () => void;
}

const precise = new PreciseTimers();

function contenders(): Contender[] {
  const preciseNoSpin = new PreciseTimers({ spinLeadMs: 0 });
  const line = new DelayLine(LINE_DELAY_MS);
  const fractional = (i: number): number => 0.1 + ((i * 7.3) % DELAY_SPAN_MS);
  return [
    { name: 'setTimeout', delayMs: fractional, set: (callback, delayMs) => setTimeout(callback, delayMs) },
    { name: 'precise timers', delayMs: fractional, set: (callback, delayMs) => precise.set(callback, delayMs) },
    { name: 'precise, no spin', delayMs: fractional, set: (callback, delayMs) => preciseNoSpin.set(callback, delayMs) },
    { name: `delay line (${LINE_DELAY_MS} ms)`, delayMs: () => LINE_DELAY_MS, set: (callback) => line.push(callback), close: () => line.close() },
  ];
}

/** Sets `COUNT` timers `GAP_MS` apart and resolves with how late each ran, in ms, ascending. */
function lateness(contender: Contender): Promise<number[]> {
  return measureLateness(contender.set, Array.from({ length: COUNT }, (_, i) => contender.delayMs(i)), GAP_MS);
}

const COLUMNS = ['min ms', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'early', '|off| p50'];
const NAME_WIDTH = 24;
const COLUMN_WIDTH = 10;

function row(name: string, cells: string[]): string {
  return name.padEnd(NAME_WIDTH) + cells.map((c) => c.padStart(COLUMN_WIDTH)).join('');
}

async function main(): Promise<void> {
  const all = contenders();
  // One round unmeasured: it starts the metronome thread and warms the code up.
  for (const contender of all) await lateness(contender);
  console.log(`lateness after the due time: ${COUNT} timers ${GAP_MS} ms apart per round, ${ROUNDS} rounds alternated`);
  console.log(row('round / timers', COLUMNS));
  /** Per contender and round, the median distance from the due time, early or late. */
  const medianOffMs = new Map<string, number[]>(all.map((c) => [c.name, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const contender of all) {
      const lateMs = await lateness(contender);
      const offMs = percentile(lateMs.map(Math.abs).sort((a, b) => a - b), 0.5);
      medianOffMs.get(contender.name)!.push(offMs);
      const early = lateMs.filter((ms) => ms < 0).length;
      const figures = [0, 0.5, 0.9, 0.99].map((p) => formatMs(percentile(lateMs, p)));
      console.log(row(`${round} ${contender.name}`, [...figures, formatMs(lateMs.at(-1)!), String(early), formatMs(offMs)]));
    }
  }
  for (const contender of all) contender.close?.();
  const { spins, spinMs } = precise.stats;
  console.log(`precise timers spun ${spins} times, ${formatMs(spins > 0 ? spinMs / spins : 0)} ms each on average`);
  const baseline = medianOffMs.get('setTimeout')!;
  for (const [name, perRound] of medianOffMs) {
    if (name === 'setTimeout') continue;
    const ratios = perRound.map((ms, i) => (ms / baseline[i]!).toFixed(2)).join(', ');
    console.log(`${name}: median distance from the due time ${ratios}× setTimeout's, per round`);
  }
}

await main();

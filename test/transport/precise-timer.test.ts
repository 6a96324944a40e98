// The precise timers on a real clock: a callback never runs before its deadline and runs soon
// after it, a rested thread spins to its deadline (after the work its owner gave such spins)
// and a busy one never does, equal deadlines keep the order they were set in, and cleared
// timers never run.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PreciseTimers } from '../../src/transport/precise-timer.js';
import { percentileOfSorted as percentile } from '../../src/bench/median.js';
import { measureLateness as measureSetLateness } from '../../src/bench/timer-lateness.js';

/** Lateness of one precise timer per delay, `gapMs` apart, sorted. */
function measureLateness(timers: PreciseTimers, delaysMs: number[], gapMs: number): Promise<number[]> {
  return measureSetLateness((callback, delayMs) => timers.set(callback, delayMs), delaysMs, gapMs);
}

test('timers never fire early and fire soon after their deadline', async () => {
  const timers = new PreciseTimers();
  // The first timer starts the metronome thread; until it is up, coarse timers stand in.
  await measureLateness(timers, [40], 0);
  // Fractional delays from 0.1 to 12 ms, the range where whole-millisecond timers are worst.
  const delaysMs = Array.from({ length: 200 }, (_, i) => 0.1 + ((i * 7.3) % 12));
  const latenessMs = await measureLateness(timers, delaysMs, 1);
  const p50Ms = percentile(latenessMs, 0.5);
  const p99Ms = percentile(latenessMs, 0.99);
  console.log(`precise timers: lateness min ${latenessMs[0]!.toFixed(3)} p50 ${p50Ms.toFixed(3)} p99 ${p99Ms.toFixed(3)} max ${latenessMs.at(-1)!.toFixed(3)} ms; ${JSON.stringify(timers.stats)}`);
  assert.ok(latenessMs[0]! >= 0, `a timer fired ${-latenessMs[0]!} ms early`);
  // The metronome, not the coarse backup, fires most of them: that is what makes them precise.
  // How precise is bench/timer-precision.bench.ts's figure; here the bounds only catch a timer that
  // waits a second time or is lost, and are generous because CI machines are shared and loaded.
  assert.ok(timers.stats.metronomeWakes >= delaysMs.length / 2, JSON.stringify(timers.stats));
  assert.ok(p50Ms < 5, `median lateness ${p50Ms} ms`);
  assert.ok(p99Ms < 25, `p99 lateness ${p99Ms} ms`);
  assert.equal(timers.pendingCount, 0);
});

test('near deadlines set right after a beat are served by the metronome, not the backstop', async () => {
  const timers = new PreciseTimers();
  await measureLateness(timers, [40], 0);
  // Each timer is set from the callback of the one before (right after the metronome beat), due
  // 0 to 0.027 ms later, often already due when it is handed to the metronome, which then beats
  // at once. This catches near deadlines going to the backstop as a rule. The race this guards
  // most (a beat given before this thread listens, which was then missed) needs this thread to
  // be preempted inside a few microseconds; a trace of 40 ms links showed it, this test rarely can.
  const rounds = 300;
  await new Promise<void>((done) => {
    let left = rounds;
    const next = (): void => {
      if (--left === 0) return done();
      timers.set(next, (left % 10) * 0.003);
    };
    timers.set(next, 1);
  });
  const { firedByBackstop } = timers.stats;
  console.log(`precise timers, chained short deadlines: ${JSON.stringify(timers.stats)}`);
  // A lost beat leaves the timer to the coarse backstop, a millisecond or two late.
  assert.ok(firedByBackstop <= rounds / 20, `${firedByBackstop} of ${rounds} timers waited for the backstop`);
});

/**
 * Runs `rounds` timers due `periodMs` apart, each set from the callback of the one before; with
 * `hinted`, each says when the one after it is due (or, with `hintOffMs`, a wrong time). Resolves
 * with their lateness.
 */
function scheduledChain(timers: PreciseTimers, rounds: number, periodMs: number, hinted: boolean, hintOffMs = 0): Promise<number[]> {
  const firstDueMs = performance.now() + 5;
  const dueAt = (round: number): number => firstDueMs + round * periodMs;
  const latenessMs: number[] = [];
  return new Promise((done) => {
    const arm = (round: number): void => {
      const following = hinted ? () => dueAt(round + 1) + hintOffMs : undefined;
      timers.setAt(
        () => {
          latenessMs.push(performance.now() - dueAt(round));
          if (round + 1 === rounds) done(latenessMs);
          else arm(round + 1);
        },
        dueAt(round),
        following,
      );
    };
    arm(0);
  });
}

test('a chain of timers that says when the next is due re-arms without waking the metronome, and keeps every deadline', async () => {
  const timers = new PreciseTimers();
  await measureLateness(timers, [40], 0);
  const rounds = 200;
  const before = timers.stats;
  const latenessMs = await scheduledChain(timers, rounds, 0.7, true);
  const notifies = timers.stats.metronomeNotifies - before.metronomeNotifies;
  const backstop = timers.stats.firedByBackstop - before.firedByBackstop;
  console.log(`precise timers, hinted chain: ${notifies} notifies for ${rounds} timers; ${JSON.stringify(timers.stats)}`);
  assert.ok(Math.min(...latenessMs) >= 0, `a timer fired ${-Math.min(...latenessMs)} ms early`);
  // Unhinted, every one of these timers wakes the metronome (the next test shows it); hinted,
  // only those whose deadline had passed before the metronome went on (a preempted thread).
  assert.ok(notifies <= rounds / 4, `${notifies} of ${rounds} re-arms woke the metronome: ${JSON.stringify(timers.stats)}`);
  // A wake skipped wrongly leaves whole runs of the chain to the backstop; a thread kept off the
  // CPU past a deadline leaves it that timer and the ones due meanwhile (21 of 200 in one npm test
  // run, 3 to 58 alone beside three busy loops, with or without the hints' early-out).
  assert.ok(backstop <= rounds / 4, `${backstop} of ${rounds} timers waited for the backstop`);

  // Unhinted, a re-arm skips the notify only when it finds the metronome still awake, which a
  // loaded machine makes more common (98 of 200 in one CI run, beside 26 hinted): the hints must
  // still save at least half of the wakes.
  const unhintedBefore = timers.stats.metronomeNotifies;
  await scheduledChain(timers, rounds, 0.7, false);
  const unhinted = timers.stats.metronomeNotifies - unhintedBefore;
  assert.ok(unhinted >= rounds / 3 && unhinted >= 2 * notifies, `unhinted: ${unhinted} notifies for ${rounds} timers, hinted ${notifies}`);
});

test('a wrong hint costs wake-ups, never a deadline: timers hinted a little late or early still fire on time', async () => {
  const timers = new PreciseTimers();
  await measureLateness(timers, [40], 0);
  for (const hintOffMs of [0.3, -0.3]) {
    const before = timers.stats;
    const latenessMs = await scheduledChain(timers, 100, 1, true, hintOffMs);
    const backstop = timers.stats.firedByBackstop - before.firedByBackstop;
    const p50Ms = percentile([...latenessMs].sort((a, b) => a - b), 0.5);
    console.log(`precise timers, hint off by ${hintOffMs} ms: lateness p50 ${p50Ms.toFixed(3)} ms; ${JSON.stringify(timers.stats)}`);
    assert.ok(Math.min(...latenessMs) >= 0, `a timer fired ${-Math.min(...latenessMs)} ms early`);
    // A wake skipped wrongly would leave every timer of the chain to the backstop. On a loaded
    // machine a few fire by it rightly: a thread kept off the CPU for a millisecond past a deadline
    // finds the backstop's timer due with the beat, and Node's timers phase comes first (6 of 100
    // in one CI run, whose median lateness was 0.17 ms against 0.05 ms here).
    assert.ok(backstop <= 20, `${backstop} of 100 timers waited for the backstop`);
    assert.ok(p50Ms < 5, `median lateness ${p50Ms} ms`);
  }
});

/**
 * Fires 20 ms timers until the metronome has woken this thread once (for at most 5 s): a new
 * metronome thread can take longer to start than one timer lasts on a machine busy with other
 * test files, and until it runs the coarse backstop fires every timer, early wakes and spins none.
 */
async function untilMetronomeWakes(timers: PreciseTimers): Promise<void> {
  const startedMs = performance.now();
  do await chain(timers, 1, 20);
  while (timers.stats.metronomeWakes === 0 && performance.now() - startedMs < 5_000);
}

/** Runs `rounds` timers one after another, each set `delayMs` after the one before fired; resolves with their lateness. */
function chain(timers: PreciseTimers, rounds: number, delayMs: number, onFire?: () => void): Promise<number[]> {
  const latenessMs: number[] = [];
  return new Promise((done) => {
    const next = (dueAtMs: number): void => {
      onFire?.();
      latenessMs.push(performance.now() - dueAtMs);
      if (latenessMs.length === rounds) return done(latenessMs);
      const at = performance.now() + delayMs;
      timers.set(() => next(at), delayMs);
    };
    const at = performance.now() + delayMs;
    timers.set(() => next(at), delayMs);
  });
}

test('a thread whose timers rested is woken early and spins to the deadline, never past the lead and never early', async () => {
  // A lead of a whole millisecond, so that a loaded CI machine's late wake-ups still come early.
  const timers = new PreciseTimers({ spinLeadMs: 1, coldAfterMs: 5 });
  await untilMetronomeWakes(timers);
  const before = timers.stats;
  const latenessMs = await chain(timers, 30, 10);
  const spins = timers.stats.spins - before.spins;
  const spinMs = timers.stats.spinMs - before.spinMs;
  console.log(`rested timers: ${spins} of 30 spun, ${(spinMs / Math.max(1, spins)).toFixed(3)} ms each; lateness p50 ${percentile([...latenessMs].sort((a, b) => a - b), 0.5).toFixed(4)} ms`);
  assert.ok(Math.min(...latenessMs) >= 0, `a timer fired ${-Math.min(...latenessMs)} ms early`);
  assert.ok(spins >= 10, `only ${spins} of 30 rested timers were woken early: ${JSON.stringify(timers.stats)}`);
  // A spin starts at most the lead before its deadline and ends on the first clock read after it;
  // a spinning thread can still be preempted on a loaded machine (one CI run: 28 spins took
  // 30.84 ms, 2.8 ms more than 28 whole leads), so the sum gets a few milliseconds besides.
  // Spins that started early as a rule would still exceed it.
  assert.ok(spinMs <= spins * 1.1 + 10, `${spins} spins took ${spinMs} ms`);
});

test('a busy thread, whose timers fire less than the rest apart, never spins', async () => {
  const timers = new PreciseTimers({ spinLeadMs: 1, coldAfterMs: 5 });
  await untilMetronomeWakes(timers);
  const spinsBefore = timers.stats.spins;
  const latenessMs = await chain(timers, 100, 1);
  assert.ok(Math.min(...latenessMs) >= 0);
  assert.equal(timers.stats.spins, spinsBefore, JSON.stringify(timers.stats));
});

test('the rested-spin work runs once per spin, before the timer and not early, on rested threads only, until removed', async () => {
  const timers = new PreciseTimers({ spinLeadMs: 1, coldAfterMs: 5 });
  await untilMetronomeWakes(timers);
  /** How many timers had fired at each run of the work. */
  const firedAtWork: number[] = [];
  const remove = timers.onRestedSpin(() => firedAtWork.push(timers.stats.fired));
  const before = timers.stats;
  const latenessMs = await chain(timers, 10, 10);
  const spins = timers.stats.spins - before.spins;
  assert.ok(spins >= 3, `only ${spins} of 10 rested timers spun: ${JSON.stringify(timers.stats)}`);
  assert.equal(timers.stats.spinWorks - before.spinWorks, spins, 'one run of the work per spin');
  assert.equal(firedAtWork.length, spins);
  // Each run comes right before the timer it woke early for: never two between the same two
  // timers, never one after the last.
  assert.equal(new Set(firedAtWork).size, firedAtWork.length, `runs at fired counts ${firedAtWork.join(',')}`);
  assert.ok(firedAtWork.every((fired) => fired >= before.fired && fired < before.fired + 10), `runs at fired counts ${firedAtWork.join(',')}`);
  assert.ok(Math.min(...latenessMs) >= 0, `a timer fired ${-Math.min(...latenessMs)} ms early`);

  // A thread whose timers come 1 ms apart is busy and never runs the work. Counted from the
  // chain's first timer on: that one may find the thread rested, if this test was held up for
  // coldAfterMs between the phases (it was once, on a loaded CI machine); each later one is set
  // 1 ms after the one before it fired.
  let busyBefore = Number.NaN;
  await chain(timers, 100, 1, () => {
    if (Number.isNaN(busyBefore)) busyBefore = timers.stats.spinWorks;
  });
  assert.equal(timers.stats.spinWorks, busyBefore, 'a busy thread never runs the work');

  remove();
  remove();
  const removedBefore = timers.stats;
  await chain(timers, 10, 10);
  assert.ok(timers.stats.spins > removedBefore.spins, 'the thread still spins');
  assert.equal(timers.stats.spinWorks, removedBefore.spinWorks, 'removed work never runs');
});

test('the lead grows to fit rested-spin work longer than it, so its timers stop being late, and eases back once the work is quick', async () => {
  const timers = new PreciseTimers({ spinLeadMs: 0.2, coldAfterMs: 5 });
  await untilMetronomeWakes(timers);
  let workMs = 0.3;
  timers.onRestedSpin(() => {
    const untilMs = performance.now() + workMs;
    while (performance.now() < untilMs);
  });
  const slowLatenessMs = await chain(timers, 20, 10);
  const grownLeadMs = timers.stats.restedLeadMs;
  // With the lead fixed at 0.2 ms, 0.3 ms of work would make every timer at least 0.1 ms late.
  // Grown, the lead leaves a late wake-up 0.65 ms (the 1 ms cap less the work and the spare).
  // Counted, not a median against a bound: on a loaded CI machine the median of the last 10 was
  // 0.102 ms once, while a fixed lead could not let a single one of them in under 0.1 ms.
  const lastMs = slowLatenessMs.slice(-10);
  const onTime = lastMs.filter((ms) => ms < 0.1).length;
  const lastP50Ms = percentile([...lastMs].sort((a, b) => a - b), 0.5);
  console.log(`slow spin work: lead ${grownLeadMs.toFixed(3)} ms, lateness of the last 10 p50 ${lastP50Ms.toFixed(3)} ms, ${onTime} under 0.1 ms; ${JSON.stringify(timers.stats)}`);
  assert.ok(Math.min(...slowLatenessMs) >= 0, `a timer fired ${-Math.min(...slowLatenessMs)} ms early`);
  assert.ok(onTime >= 3, `only ${onTime} of the last 10 timers fired less than 0.1 ms late after the lead had grown: ${lastMs.map((ms) => ms.toFixed(3)).join(', ')}`);
  assert.ok(grownLeadMs >= 0.35 && grownLeadMs <= 1, `lead ${grownLeadMs} ms for 0.3 ms of work`);

  workMs = 0;
  // Each rested wake with time to spare gives back an eighth of the excess; a late wake-up (a
  // loaded machine) takes it up again, so the lowest lead seen along the way is what counts. In a
  // CI run in an hour when the host took 10–20% of this VM's CPU time, four chains of ten ended
  // with leads 0.59, 0.80, 0.55 and 1 ms after 0.55: up to twelve chains, until one ends below it.
  const easedLeadsMs: number[] = [];
  for (let part = 0; part < 12 && !easedLeadsMs.some((ms) => ms < grownLeadMs); part++) {
    await chain(timers, 10, 10);
    easedLeadsMs.push(timers.stats.restedLeadMs);
  }
  assert.ok(Math.min(...easedLeadsMs) < grownLeadMs, `leads ${easedLeadsMs.join(', ')} ms after quick work, ${grownLeadMs} ms before`);
  assert.ok(Math.min(...easedLeadsMs) >= 0.2);
});

test('a spin lead must be shorter than the coarse lead', () => {
  assert.throws(() => new PreciseTimers({ spinLeadMs: 2 }), RangeError);
  assert.throws(() => new PreciseTimers({ spinLeadMs: -1 }), RangeError);
  assert.throws(() => new PreciseTimers({ coldAfterMs: Number.NaN }), RangeError);
});

test('timers fire in deadline order, those set together in the order they were set', async () => {
  const timers = new PreciseTimers();
  const order: string[] = [];
  await new Promise<void>((done) => {
    // Deadlines far apart, so that a thread preempted between two calls cannot swap them.
    timers.set(() => order.push('late'), 30);
    for (const name of ['a', 'b', 'c']) timers.set(() => order.push(name), 10);
    timers.set(() => done(), 40);
  });
  assert.deepStrictEqual(order, ['a', 'b', 'c', 'late']);
});

test('a cleared timer never runs and an idle set of timers holds nothing', async () => {
  const timers = new PreciseTimers();
  let ran = false;
  const handle = timers.set(() => (ran = true), 2);
  timers.clear(handle);
  assert.equal(timers.pendingCount, 0);
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(ran, false);
});

test('bad delays are refused', () => {
  const timers = new PreciseTimers();
  assert.throws(() => timers.set(() => {}, Number.NaN), RangeError);
  assert.throws(() => timers.set(() => {}, Infinity), RangeError);
  assert.throws(() => timers.setAt(() => {}, Number.NaN), RangeError);
});

test('the metronome runs with a timer slack of 1 ns where Linux lets a thread set it, and the process keeps its own', async () => {
  const slackFile = '/proc/self/timerslack_ns';
  const canSetSlack = process.platform === 'linux' && existsSync(slackFile);
  const processSlack = canSetSlack ? readFileSync(slackFile, 'utf8').trim() : null;
  const timers = new PreciseTimers();
  assert.equal(timers.stats.metronomeSlackNs, null, 'no metronome before the first timer');
  await measureLateness(timers, [5], 0);
  // The metronome sets its slack as it starts, before its first beat; wait for it all the same.
  for (let i = 0; i < 100 && canSetSlack && timers.stats.metronomeSlackNs === null; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(timers.stats.metronomeSlackNs, canSetSlack ? 1 : null);
  // Only the metronome's thread changed: this thread (the process's main one here) did not.
  if (canSetSlack) assert.equal(readFileSync(slackFile, 'utf8').trim(), processSlack);
});

test('the metronome starts in a process whose Node options make eval\'d code a module (--input-type=module)', () => {
  const moduleUrl = pathToFileURL(fileURLToPath(new URL('../../src/transport/precise-timer.js', import.meta.url))).href;
  // Chains of twenty 1 ms timers until the metronome has woken the thread, for at most 5 s: on a
  // busy machine the thread can take longer to start than one chain lasts (the backstop then
  // fires them all), but a metronome that cannot start never wakes anyone.
  const source =
    `import { preciseTimers } from ${JSON.stringify(moduleUrl)};` +
    `const startedMs = Date.now(); let chains = 0;` +
    `const chain = () => { chains++; let left = 20; const next = () => preciseTimers.set(() => (--left > 0 ? next() : chainDone()), 1); next(); };` +
    `const chainDone = () => (preciseTimers.stats.metronomeWakes === 0 && Date.now() - startedMs < 5000 ? setTimeout(chain, 50) : console.log(JSON.stringify({ chains, ...preciseTimers.stats })));` +
    `setTimeout(chain, 100);`;
  const stats = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', source], { encoding: 'utf8', timeout: 20_000 })) as { chains: number; fired: number; metronomeWakes: number };
  assert.equal(stats.fired, 20 * stats.chains);
  assert.ok(stats.metronomeWakes > 0, `no metronome wake: ${JSON.stringify(stats)}`);
});

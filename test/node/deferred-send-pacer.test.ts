// When a leader sends what it held back, on a simulated clock: one batch per period while writes
// flow, at once when writes stop or the commit index stalls, and not on a look that merely falls
// between two writes or between two acknowledgements.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeferredSendPacer, type DeferredSendDecision } from '../../src/node/deferred-send-pacer.js';
import { Prng } from '../../src/util/prng.js';

const PACING = { batchMs: 8, idleAfterMs: 3, stuckAfterMs: 4 };

/**
 * A leader taking writes at `ratePerSec`, each arriving up to 0.9 ms after its slot, behind links
 * that commit each write `commitAfterMs` (plus up to 0.9 ms) after it arrived, for `durationMs`;
 * looked at every 1 to 1.2 ms (as often as the leader looks at most: Node's 1 ms timer). Returns
 * each look's decision from `skipMs` on (in the first round trip nothing commits yet, which looks
 * like a stall).
 */
function steadyLoad(pacer: DeferredSendPacer, ratePerSec: number, commitAfterMs: number, durationMs: number, skipMs: number): DeferredSendDecision[] {
  const prng = new Prng(7);
  const gapMs = 1000 / ratePerSec;
  const jitterMs = 0.9;
  const arrivals: number[] = [];
  for (let atMs = 0; atMs < durationMs; atMs += gapMs) arrivals.push(atMs + jitterMs * prng.next());
  const commits = arrivals.map((atMs) => atMs + commitAfterMs + jitterMs * prng.next());
  for (let i = 1; i < commits.length; i++) commits[i] = Math.max(commits[i]!, commits[i - 1]!);
  const decisions: DeferredSendDecision[] = [];
  let lastIndex = 0;
  let commitIndex = 0;
  for (let nowMs = 1; nowMs < durationMs; nowMs += 1 + 0.2 * prng.next()) {
    while (lastIndex < arrivals.length && arrivals[lastIndex]! <= nowMs) lastIndex++;
    while (commitIndex < commits.length && commits[commitIndex]! <= nowMs) commitIndex++;
    const decision = pacer.decide(nowMs, lastIndex, commitIndex);
    if (nowMs >= skipMs) decisions.push(decision);
  }
  return decisions;
}

function count(decisions: DeferredSendDecision[], what: DeferredSendDecision): number {
  return decisions.filter((d) => d === what).length;
}

test('at 1000 writes/s behind 80 ms round trips, off-path followers get one batch per period', () => {
  // A look often falls between two jittered writes, or between two acknowledgements: neither
  // is a stop or a stall. (Taken for one, they sent about 430 times a second.)
  const sent = count(steadyLoad(new DeferredSendPacer(PACING), 1000, 80, 1200, 200), 'batch');
  // 1,000 ms of looks: one batch per 8 ms period (a period ends at the first look after it).
  assert.ok(sent >= 1000 / 9.2 && sent <= 1000 / 8 + 1, `${sent} batches`);
  // Looks that count a single quiet look as a stop or a stall send far more often.
  const eager = steadyLoad(new DeferredSendPacer({ batchMs: 8, idleAfterMs: 1, stuckAfterMs: 1 }), 1000, 80, 1200, 200);
  assert.ok(eager.length - count(eager, 'hold') > 2 * sent, `${eager.length - count(eager, 'hold')} sends`);
});

test('writes that stop are noticed after idleAfterMs, and every later look sends commit notices', () => {
  const pacer = new DeferredSendPacer(PACING);
  assert.equal(pacer.decide(0, 10, 5), 'batch');
  pacer.observe(1, 11, 6);
  assert.equal(pacer.decide(2, 11, 7), 'hold');
  assert.equal(pacer.decide(3, 11, 8), 'hold');
  // The last new entry was seen at 1 ms: 3 ms later writes have stopped.
  assert.equal(pacer.decide(4, 11, 9), 'idle');
  assert.equal(pacer.decide(5, 11, 11), 'idle');
  // A new entry ends the idle spell; the batch period counts from the last send.
  assert.equal(pacer.decide(6, 12, 11), 'hold');
  assert.equal(pacer.decide(13, 13, 12), 'batch');
});

test('a commit index that does not move for stuckAfterMs while entries wait sends at once', () => {
  const pacer = new DeferredSendPacer(PACING);
  assert.equal(pacer.decide(0, 10, 10), 'batch');
  // Entries keep coming (not idle) but nothing commits: the commit path has stopped answering.
  assert.equal(pacer.decide(1, 11, 10), 'hold');
  assert.equal(pacer.decide(2, 12, 10), 'hold');
  assert.equal(pacer.decide(3, 13, 10), 'hold');
  assert.equal(pacer.decide(4, 14, 10), 'batch');
  // Still stuck: each look sends what came since, so the others make the quorum.
  assert.equal(pacer.decide(5, 15, 10), 'batch');
  // Commits again: back to the period.
  assert.equal(pacer.decide(6, 16, 15), 'hold');
  assert.equal(pacer.decide(7, 17, 16), 'hold');
});

test('no entries waiting is not a stall, however long the commit index stays', () => {
  const pacer = new DeferredSendPacer({ batchMs: 100, idleAfterMs: 50, stuckAfterMs: 4 });
  assert.equal(pacer.decide(0, 10, 10), 'batch');
  for (let nowMs = 1; nowMs < 50; nowMs++) assert.equal(pacer.decide(nowMs, 10, 10), 'hold', `at ${nowMs} ms`);
  assert.equal(pacer.decide(50, 10, 10), 'idle');
});

test('the next look that could decide anything is the first of the period, the idle wait and, while entries wait, the stall wait', () => {
  const pacer = new DeferredSendPacer(PACING);
  assert.equal(pacer.decide(10, 5, 5), 'batch');
  // Nothing waits: the idle wait (the last index moved at 10) ends first.
  assert.equal(pacer.nextDecisionAtMs(), 13);
  // Entries wait from 11; the commit index last moved at 10, so a stall shows at 14, but the
  // new entry puts the idle wait at 14 too; the period ends at 18.
  pacer.observe(11, 6, 5);
  assert.equal(pacer.nextDecisionAtMs(), 14);
  // Entries keep coming and committing: only the period is left, then the stall wait.
  pacer.observe(12.5, 7, 6);
  pacer.observe(13.5, 8, 7);
  assert.equal(pacer.nextDecisionAtMs(), 16.5);
  assert.equal(pacer.decide(16.5, 11, 10), 'hold');
  assert.equal(pacer.nextDecisionAtMs(), 18);
  // Looking only then, a steady flow is sent once per period.
  assert.equal(pacer.decide(18, 12, 11), 'batch');
  assert.equal(pacer.nextDecisionAtMs(), 21);
});

test('refuses pacing that is not a finite time', () => {
  assert.throws(() => new DeferredSendPacer({ batchMs: Number.NaN, idleAfterMs: 3, stuckAfterMs: 4 }), /batchMs/);
  assert.throws(() => new DeferredSendPacer({ batchMs: 8, idleAfterMs: -1, stuckAfterMs: 4 }), /idleAfterMs/);
  assert.throws(() => new DeferredSendPacer({ batchMs: 8, idleAfterMs: 3, stuckAfterMs: Infinity }), /stuckAfterMs/);
});

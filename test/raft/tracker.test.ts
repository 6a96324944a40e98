// The tracker's quorum arithmetic: the committed index is the highest match a quorum of voters
// has reached, whatever the order of the voters' matches, after membership changes too.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tracker } from '../../src/raft/tracker.js';
import { Prng } from '../../src/util/prng.js';

const INFLIGHT_COUNT_MAX = 16;
const INFLIGHT_BYTES_MAX = 1 << 20;

function trackerWithMatches(voters: string[], matches: number[]): Tracker {
  const tracker = new Tracker(voters);
  tracker.resetProgress(1, INFLIGHT_COUNT_MAX, INFLIGHT_BYTES_MAX);
  voters.forEach((id, i) => tracker.progress.get(id)!.maybeUpdate(matches[i]!));
  return tracker;
}

/** The definition: sort the matches from highest to lowest and take the quorum-th. */
function quorumMatch(matches: number[]): number {
  const sorted = [...matches].sort((a, b) => b - a);
  return sorted[Math.floor(matches.length / 2)]!;
}

test('committedIndex is the match a quorum has reached, for hand-picked cases', () => {
  assert.equal(trackerWithMatches(['n1'], [7]).committedIndex(), 7);
  assert.equal(trackerWithMatches(['n1', 'n2', 'n3'], [9, 4, 6]).committedIndex(), 6);
  assert.equal(trackerWithMatches(['n1', 'n2', 'n3'], [3, 3, 8]).committedIndex(), 3);
  assert.equal(trackerWithMatches(['n1', 'n2', 'n3', 'n4'], [10, 2, 8, 5]).committedIndex(), 5);
  assert.equal(trackerWithMatches(['n1', 'n2', 'n3', 'n4', 'n5'], [1, 9, 2, 8, 7]).committedIndex(), 7);
});

test('committedIndex agrees with the sorted definition on random matches and voter counts', () => {
  const prng = new Prng(11);
  for (let round = 0; round < 500; round++) {
    const count = 1 + Math.floor(prng.next() * 7);
    const voters = Array.from({ length: count }, (_, i) => `n${i + 1}`);
    const matches = voters.map(() => Math.floor(prng.next() * 20));
    assert.equal(trackerWithMatches(voters, matches).committedIndex(), quorumMatch(matches), `matches ${matches}`);
  }
});

test('committedIndex counts the new voters after setVoters, a member without progress as 0', () => {
  const tracker = trackerWithMatches(['n1', 'n2', 'n3'], [9, 8, 7]);
  assert.equal(tracker.committedIndex(), 8);
  tracker.setVoters(['n1', 'n2', 'n3', 'n4', 'n5']);
  // n4 and n5 have no progress yet: 9, 8, 7, 0, 0 puts the third highest at 7.
  assert.equal(tracker.committedIndex(), 7);
  tracker.setVoters(['n1']);
  assert.equal(tracker.committedIndex(), 9);
});

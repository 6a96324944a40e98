// The words for a commit floor, shared by the table and the HTML report: what the floor is made
// of, which path it was worked out for, and an observed latency next to it both as the
// milliseconds above it and as a ratio.

import type { CommitFloor } from './bench-target.js';
import { formatMs, formatRatio } from './figure-format.js';

/**
 * 'quorumRttMs 80.0 + fsyncMs 0.310 + clientRttMs 0'; 'fsyncMs 0.950 after 40.0 ms rest' when
 * the probe rested; '(median of 75 syncs in 3 probes)' after the fsync when probes were pooled;
 * 'fsyncMs 0.412 (the lower of the fastest follower's WAL flushes in the measured windows (n3
 * median 0.412 of 110, n2 0.480 of 110) and the probe, 0.950 after …)' when they timed them.
 */
export function floorPartsText(floor: CommitFloor): string {
  return Object.entries(floor.parts).map(([name, ms]) => `${name} ${formatMs(ms)}${name === 'fsyncMs' ? fsyncSourceText(floor) : ''}`).join(' + ');
}

function fsyncSourceText(floor: CommitFloor): string {
  const rest = floor.fsyncRestMs === undefined ? '' : ` after ${formatMs(floor.fsyncRestMs)} ms rest`;
  const pooled = floor.fsyncPooled === undefined ? '' : ` (median of ${floor.fsyncPooled.syncs} syncs in ${plural(floor.fsyncPooled.probes, 'probe')})`;
  const wal = floor.fsyncWal;
  if (wal === undefined) return rest + pooled;
  const flushes = wal.followers.map((f, i) => `${f.member}${i === 0 ? ' median' : ''} ${formatMs(f.medianMs)} of ${f.flushes}`).join(', ');
  return ` (the lower of the fastest follower's WAL flushes in the measured windows (${flushes}) and the probe, ${formatMs(wal.probeMs)}${rest}${pooled})`;
}

/** 'leader n1, sent to n2', or '' when the target does not name its members. */
export function floorPathText(floor: CommitFloor): string {
  const path = [floor.leader === undefined ? '' : `leader ${floor.leader}`, floor.sentTo === undefined ? '' : `sent to ${floor.sentTo}`];
  return path.filter((part) => part !== '').join(', ');
}

/** '+0.620 ms' or '-0.100 ms': how far an observed latency is above the floor. */
export function formatOverMs(overMs: number): string {
  return `${overMs < 0 ? '-' : '+'}${formatMs(Math.abs(overMs))} ms`;
}

/** '80.9 ms (+0.620 ms, 1.01×)' */
export function observedText(observedMs: number, overMs: number, ratio: number): string {
  return `${formatMs(observedMs)} ms (${formatOverMs(overMs)}, ${formatRatio(ratio)})`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

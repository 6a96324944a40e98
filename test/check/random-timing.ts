// Test tooling for randomized histories: places operations of a few sequential clients on a
// timeline, each taking effect at a random point inside its interval. A lost operation (its
// answer never arrives) takes effect at some later point, or never; an unobserved one returns
// in time but nobody saw its answer (a read that timed out, a write whose reply was garbled).

import type { Prng } from '../../src/util/prng.js';

export interface TimedSlot {
  readonly clientId: number;
  readonly callTime: number;
  /** `Infinity` for a lost operation. */
  readonly returnTime: number;
  /** When the operation really took effect; `Infinity` if it never did. */
  readonly effectTime: number;
  readonly lost: boolean;
  /** False for lost and unobserved operations: the history records no output. */
  readonly answered: boolean;
}

const clientCount = 3;

export function randomTimeline(prng: Prng, operationCount: number, lostChance: number, unobservedChance: number): TimedSlot[] {
  const clientFreeAt = new Array<number>(clientCount).fill(0);
  return Array.from({ length: operationCount }, () => {
    const clientId = prng.int(0, clientCount);
    const lost = prng.chance(lostChance);
    const durationMs = prng.int(1, 8);
    const callTime = clientFreeAt[clientId] + prng.int(0, 4);
    const returnTime = lost ? Infinity : callTime + durationMs;
    clientFreeAt[clientId] = lost ? callTime + 1 : returnTime + 1;
    const effectTime = lost && prng.chance(0.3) ? Infinity : callTime + prng.next() * (lost ? 20 : durationMs);
    const answered = !lost && !prng.chance(unobservedChance);
    return { clientId, callTime, returnTime, effectTime, lost, answered };
  });
}

/** Slot indexes in the order the operations took effect (those that never did come last). */
export function effectOrder(slots: readonly TimedSlot[]): number[] {
  return slots.map((_, i) => i).sort((a, b) => slots[a].effectTime - slots[b].effectTime);
}

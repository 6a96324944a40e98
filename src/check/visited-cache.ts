// The memo of the search: every (linearized set, model state) pair already explored. Reaching
// a pair twice means the same future, so the second visit is pruned; this is what turns
// Wing & Gong's exponential search into one that finishes on real histories. It is an
// open-addressing hash table over typed arrays, because this lookup is the search's hot path.

import type { LinearizedSet } from './linearized-set.js';

const initialSlotCount = 1024;

export class VisitedCache {
  /** Interns fingerprints to small ids, so a pair holds a number rather than a long string. */
  private readonly stateIds = new Map<string | number, number>();
  private readonly wordsPerSet: number;
  /** Per slot: 1 + the index of the pair stored there, or 0 when the slot is empty. */
  private slots = new Int32Array(initialSlotCount);
  private pairHashLow = new Uint32Array(initialSlotCount / 2);
  private pairHashHigh = new Uint32Array(initialSlotCount / 2);
  private pairStateId = new Int32Array(initialSlotCount / 2);
  private pairWords: Uint32Array;
  private pairCount = 0;

  constructor(
    readonly pairsMax: number,
    setCapacity: number,
  ) {
    if (!(pairsMax > 0)) throw new Error(`pairsMax must be positive, got ${pairsMax}`);
    this.wordsPerSet = Math.ceil(setCapacity / 32);
    this.pairWords = new Uint32Array(this.wordsPerSet * this.pairHashLow.length);
  }

  get isFull(): boolean {
    return this.pairCount >= this.pairsMax;
  }

  /** Records the pair of `set` and the state with `fingerprint`; false if it was seen before. */
  addIfNew(set: LinearizedSet, fingerprint: string | number): boolean {
    if (this.isFull) throw new Error(`visited cache is full (${this.pairsMax} pairs)`);
    if (set.words.length !== this.wordsPerSet) throw new Error('set does not fit this cache');
    const stateId = this.internState(fingerprint);
    const hashLow = set.hashLowWith(stateId);
    const hashHigh = set.hashHighWith(stateId);
    const mask = this.slots.length - 1;
    let slot = hashLow & mask;
    for (let pair = this.slots[slot] - 1; pair >= 0; pair = this.slots[slot] - 1) {
      if (
        this.pairHashHigh[pair] === hashHigh &&
        this.pairStateId[pair] === stateId &&
        set.equalsWordsAt(this.pairWords, pair * this.wordsPerSet)
      ) {
        return false;
      }
      slot = (slot + 1) & mask;
    }
    this.store(slot, set, stateId, hashLow, hashHigh);
    return true;
  }

  private store(slot: number, set: LinearizedSet, stateId: number, hashLow: number, hashHigh: number): void {
    const pair = this.pairCount;
    this.slots[slot] = pair + 1;
    this.pairHashLow[pair] = hashLow;
    this.pairHashHigh[pair] = hashHigh;
    this.pairStateId[pair] = stateId;
    set.copyWordsTo(this.pairWords, pair * this.wordsPerSet);
    this.pairCount += 1;
    // Pairs are kept at most half as many as slots, so probes stay short.
    if (this.pairCount === this.pairHashLow.length) this.grow();
  }

  private grow(): void {
    const pairCapacity = this.pairHashLow.length * 2;
    this.pairHashLow = grown(this.pairHashLow, pairCapacity);
    this.pairHashHigh = grown(this.pairHashHigh, pairCapacity);
    this.pairStateId = grown(this.pairStateId, pairCapacity);
    this.pairWords = grown(this.pairWords, pairCapacity * this.wordsPerSet);
    this.slots = new Int32Array(pairCapacity * 2);
    const mask = this.slots.length - 1;
    for (let pair = 0; pair < this.pairCount; pair++) {
      let slot = this.pairHashLow[pair] & mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
      this.slots[slot] = pair + 1;
    }
  }

  private internState(fingerprint: string | number): number {
    let id = this.stateIds.get(fingerprint);
    if (id === undefined) {
      id = this.stateIds.size;
      this.stateIds.set(fingerprint, id);
    }
    return id;
  }
}

function grown<T extends Uint32Array | Int32Array>(array: T, length: number): T {
  const copy = new (array.constructor as new (length: number) => T)(length);
  copy.set(array);
  return copy;
}

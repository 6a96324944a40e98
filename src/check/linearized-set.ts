// The set of operations linearized so far on the current search path: a bitset with an
// incrementally maintained Zobrist hash, so that hashing a (set, state) pair for the visited
// cache costs O(1) instead of a pass over the words.

import { Prng } from '../util/prng.js';

/** A fixed seed keeps every run of the checker identical (the hash only spreads entries). */
const zobristSeed = 0x5eed_c4ec;

export class LinearizedSet {
  readonly words: Uint32Array;
  private readonly zobristLow: Uint32Array;
  private readonly zobristHigh: Uint32Array;
  private hashLow = 0;
  private hashHigh = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    if (!(capacity >= 0) || !Number.isInteger(capacity)) throw new Error(`bad capacity ${capacity}`);
    this.words = new Uint32Array(Math.ceil(capacity / 32));
    this.zobristLow = new Uint32Array(capacity);
    this.zobristHigh = new Uint32Array(capacity);
    const prng = new Prng(zobristSeed);
    for (let i = 0; i < capacity; i++) {
      this.zobristLow[i] = prng.nextUint32();
      this.zobristHigh[i] = prng.nextUint32();
    }
  }

  get count(): number {
    return this.size;
  }

  has(position: number): boolean {
    return (this.words[position >>> 5] & (1 << (position & 31))) !== 0;
  }

  add(position: number): void {
    if (this.has(position)) throw new Error(`operation ${position} is already linearized`);
    this.words[position >>> 5] |= 1 << (position & 31);
    this.toggleHash(position);
    this.size += 1;
  }

  remove(position: number): void {
    if (!this.has(position)) throw new Error(`operation ${position} is not linearized`);
    this.words[position >>> 5] &= ~(1 << (position & 31));
    this.toggleHash(position);
    this.size -= 1;
  }

  /** The low word of a 64-bit hash of this set together with a state's small integer id. */
  hashLowWith(stateId: number): number {
    return (this.hashLow ^ Math.imul(stateId, 0x9e3779b1)) >>> 0;
  }

  /** The high word of that hash (independent of the low word). */
  hashHighWith(stateId: number): number {
    return (this.hashHigh ^ Math.imul(stateId, 0x85ebca6b)) >>> 0;
  }

  /** Copies the set's words into `target` at `offset`. */
  copyWordsTo(target: Uint32Array, offset: number): void {
    target.set(this.words, offset);
  }

  /** Whether the set equals the one stored in `pool` at `offset`. */
  equalsWordsAt(pool: Uint32Array, offset: number): boolean {
    const words = this.words;
    for (let i = 0; i < words.length; i++) if (words[i] !== pool[offset + i]) return false;
    return true;
  }

  private toggleHash(position: number): void {
    this.hashLow = (this.hashLow ^ this.zobristLow[position]) >>> 0;
    this.hashHigh = (this.hashHigh ^ this.zobristHigh[position]) >>> 0;
  }
}

// What one chaos client asks for next: a seeded mix of quorum gets and every kind of v2 write
// over a small set of keys, with values unique to the run. Compares use what the client last
// saw of a key, so that some succeed and some fail.

import { Prng } from '../util/prng.js';
import type { V2Input, V2Output } from '../check/models/v2-key-model.js';

type Kind = V2Input['kind'];

/** Relative weights of the operation kinds. */
const KIND_WEIGHTS: readonly [Kind, number][] = [
  ['get', 30],
  ['set', 14],
  ['create', 10],
  ['update', 10],
  ['compareAndSwap', 18],
  ['compareAndDelete', 8],
  ['delete', 10],
];
const KIND_WEIGHT_TOTAL = KIND_WEIGHTS.reduce((sum, [, weight]) => sum + weight, 0);
/** A compare aimed at a value no write ever used: it must fail. */
const NEVER_WRITTEN = 'never-written';

interface Seen {
  value: string;
  modifiedIndex: number;
}

export function chaosKeys(count: number): string[] {
  if (!(Number.isInteger(count) && count >= 1)) throw new Error(`key count must be a positive integer, got ${count}`);
  return Array.from({ length: count }, (_, i) => `chaos/k${i}`);
}

export class ClientWorkload {
  private readonly prng: Prng;
  private sequence = 0;
  /** The last value and index this client saw per key (at most one entry per key). */
  private readonly seen = new Map<string, Seen>();

  constructor(
    readonly clientId: number,
    seed: number,
    private readonly keys: readonly string[],
  ) {
    if (keys.length === 0) throw new Error('a workload needs at least one key');
    this.prng = new Prng((seed ^ Math.imul(clientId + 1, 0x9e3779b1)) >>> 0);
  }

  next(): V2Input {
    const key = this.prng.pick(this.keys);
    const kind = this.pickKind();
    this.sequence += 1;
    const value = `c${this.clientId}-${this.sequence}`;
    switch (kind) {
      case 'get':
      case 'delete':
        return { kind, key };
      case 'set':
      case 'create':
      case 'update':
        return { kind, key, value };
      case 'compareAndSwap':
        return { kind, key, value, ...this.comparison(key) };
      case 'compareAndDelete':
        return { kind, key, ...this.comparison(key) };
    }
  }

  /** Learns from a definite answer what the key holds now. */
  observe(input: V2Input, output: V2Output): void {
    if (output.errorCode === 100) this.seen.delete(input.key);
    if (output.errorCode !== 0 || output.modifiedIndex === undefined) return;
    if (input.kind === 'delete' || input.kind === 'compareAndDelete') this.seen.delete(input.key);
    else if (input.kind === 'get') this.seen.set(input.key, { value: output.value ?? '', modifiedIndex: output.modifiedIndex });
    else this.seen.set(input.key, { value: input.value, modifiedIndex: output.modifiedIndex });
  }

  private pickKind(): Kind {
    let roll = this.prng.int(0, KIND_WEIGHT_TOTAL);
    for (const [kind, weight] of KIND_WEIGHTS) {
      if (roll < weight) return kind;
      roll -= weight;
    }
    throw new Error('kind weights do not add up');
  }

  /** prevValue, prevIndex or both, from what was last seen of `key`. */
  private comparison(key: string): { prevValue?: string; prevIndex?: number } {
    const seen = this.seen.get(key);
    if (seen === undefined) return { prevValue: NEVER_WRITTEN };
    const roll = this.prng.next();
    if (roll < 0.6) return { prevValue: seen.value };
    if (roll < 0.85) return { prevIndex: seen.modifiedIndex };
    return { prevValue: seen.value, prevIndex: seen.modifiedIndex };
  }
}

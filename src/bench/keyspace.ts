// Key names and values for the workloads: keys are zero-padded numbers of exactly the asked
// size under one benchmark directory, picked in order or at random from a seeded Prng, and
// values are seeded printable strings that need no escaping in a form body.

import { Prng } from '../util/prng.js';
import type { KeyOrder } from './bench-options.js';

export const BENCH_KEY_DIRECTORY = '/v2/keys/raftyard-bench';
const VALUE_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** The request path of key number `keyNumber`, its name padded to `keySizeBytes`. */
export function keyPath(keyNumber: number, keySizeBytes: number): string {
  const name = String(keyNumber).padStart(keySizeBytes, '0');
  if (name.length !== keySizeBytes) throw new Error(`key number ${keyNumber} does not fit in ${keySizeBytes} bytes`);
  return `${BENCH_KEY_DIRECTORY}/${name}`;
}

export function randomValue(prng: Prng, sizeBytes: number): string {
  let value = '';
  for (let i = 0; i < sizeBytes; i++) value += VALUE_ALPHABET[prng.int(0, VALUE_ALPHABET.length)];
  return value;
}

/** Picks key numbers for one worker; sequential pickers of different workers interleave. */
export class KeyPicker {
  private nextSequential: number;

  constructor(
    private readonly prng: Prng,
    private readonly keySpace: number,
    private readonly order: KeyOrder,
    private readonly stride = 1,
    offset = 0,
  ) {
    if (keySpace < 1) throw new Error('a key space needs at least one key');
    if (stride < 1 || offset < 0) throw new Error('the sequential stride must be >= 1 and the offset >= 0');
    this.nextSequential = offset % keySpace;
  }

  next(): number {
    if (this.order === 'random') return this.prng.int(0, this.keySpace);
    const key = this.nextSequential;
    this.nextSequential = (this.nextSequential + this.stride) % this.keySpace;
    return key;
  }
}

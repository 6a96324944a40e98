// The simulated application: it folds every applied entry into a hash chain, so two replicas that
// applied the same entries in the same order hold the same (index, hash) pair, and a snapshot is
// just that pair. Tiny on purpose: the simulator checks Raft, not a key-value store.

import type { Entry } from '../../src/raft/types.js';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

export class ChainStateMachine {
  private constructor(
    private applied: number,
    private chain: number,
  ) {}

  static empty(): ChainStateMachine {
    return new ChainStateMachine(0, FNV_OFFSET);
  }

  /** The machine a snapshot image describes. */
  static fromSnapshot(data: Uint8Array): ChainStateMachine {
    const text = new TextDecoder().decode(data);
    const match = /^(\d+):(\d+)$/.exec(text);
    if (match === null) throw new Error(`state-machine snapshot is malformed: '${text}'`);
    return new ChainStateMachine(Number(match[1]), Number(match[2]));
  }

  get appliedIndex(): number {
    return this.applied;
  }

  /** The hash of every entry applied so far, in order. */
  get hash(): number {
    return this.chain;
  }

  apply(entry: Entry): void {
    if (entry.index !== this.applied + 1) {
      throw new Error(`state machine at ${this.applied} was handed entry ${entry.index} (entries must apply in order)`);
    }
    let h = this.chain;
    h = mix(h, entry.index);
    h = mix(h, entry.term);
    h = mix(h, entry.type);
    for (const byte of entry.data) h = Math.imul(h ^ byte, FNV_PRIME) >>> 0;
    this.chain = h;
    this.applied = entry.index;
  }

  snapshot(): Uint8Array {
    return new TextEncoder().encode(`${this.applied}:${this.chain}`);
  }
}

/** Folds the four bytes of a 32-bit number into an FNV-1a hash. */
function mix(hash: number, value: number): number {
  let h = hash;
  for (let shift = 0; shift < 32; shift += 8) h = Math.imul(h ^ ((value >>> shift) & 0xff), FNV_PRIME) >>> 0;
  return h;
}

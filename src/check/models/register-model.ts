// The sequential specification of one register with read, write and compare-and-set, the
// shape of Jepsen's etcd register test. A register never written reads as null.

import type { Model } from '../model.js';

export type RegisterInput =
  | { readonly kind: 'read' }
  | { readonly kind: 'write'; readonly value: string }
  | { readonly kind: 'cas'; readonly from: string; readonly to: string };

export type RegisterOutput =
  | { readonly kind: 'read'; readonly value: string | null }
  | { readonly kind: 'write' }
  | { readonly kind: 'cas'; readonly swapped: boolean };

export type RegisterState = string | null;

/** Never a string fingerprint, so it cannot collide with a value. */
const unwrittenFingerprint = -1;

export const registerModel: Model<RegisterState, RegisterInput, RegisterOutput> = {
  name: 'register',
  init: () => null,
  step(state, input, output) {
    if (output !== undefined && output.kind !== input.kind) {
      throw new Error(`output ${output.kind} does not answer input ${input.kind}`);
    }
    switch (input.kind) {
      case 'read':
        return output === undefined || (output.kind === 'read' && output.value === state) ? state : undefined;
      case 'write':
        return input.value;
      case 'cas': {
        const swaps = state === input.from;
        if (output !== undefined && output.kind === 'cas' && output.swapped !== swaps) return undefined;
        return swaps ? input.to : state;
      }
    }
  },
  fingerprint: (state) => (state === null ? unwrittenFingerprint : state),
  describeOperation(input, output) {
    const call = input.kind === 'read' ? 'read()' : input.kind === 'write' ? `write(${input.value})` : `cas(${input.from}, ${input.to})`;
    if (output === undefined) return `${call} -> unknown`;
    if (output.kind === 'read') return `${call} -> ${output.value ?? 'nil'}`;
    if (output.kind === 'cas') return `${call} -> ${output.swapped ? 'ok' : 'fail'}`;
    return `${call} -> ok`;
  },
};

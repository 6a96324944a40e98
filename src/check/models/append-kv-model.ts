// The sequential specification of a key-value map with get, put and append (the shape of
// Porcupine's kv histories). A missing key reads as the empty string; append concatenates.
// Keys are independent, so the model partitions histories by key.

import type { Model } from '../model.js';

export type AppendKvInput =
  | { readonly kind: 'get'; readonly key: string }
  | { readonly kind: 'put' | 'append'; readonly key: string; readonly value: string };

/** A get's output is the value read; put and append answer nothing but success. */
export type AppendKvOutput = { readonly value: string } | { readonly value?: undefined };

/** The state of one key: its whole value. */
export type AppendKvState = string;

export const appendKvModel: Model<AppendKvState, AppendKvInput, AppendKvOutput> = {
  name: 'append-kv',
  init: () => '',
  step(state, input, output) {
    switch (input.kind) {
      case 'get':
        return output === undefined || output.value === state ? state : undefined;
      case 'put':
        return input.value;
      case 'append':
        return state + input.value;
    }
  },
  fingerprint: (state) => state,
  partitionKey: (input) => input.key,
  describeOperation(input, output) {
    if (input.kind === 'get') return `get(${input.key}) -> ${output === undefined ? 'unknown' : JSON.stringify(output.value)}`;
    return `${input.kind}(${input.key}, ${JSON.stringify(input.value)})${output === undefined ? ' -> unknown' : ''}`;
  },
};

// The sequential specification of one etcd v2 key (files only, no TTL, no directories): get,
// set, create, update, compareAndSwap, compareAndDelete and delete, with etcd's error codes.
// Values are compared exactly; modifiedIndex is modeled only as far as the history reveals it.

import type { NondeterministicModel } from './power-set.js';

export type V2Input =
  | { readonly kind: 'get'; readonly key: string }
  | { readonly kind: 'delete'; readonly key: string }
  | { readonly kind: 'set' | 'create' | 'update'; readonly key: string; readonly value: string }
  | { readonly kind: 'compareAndSwap'; readonly key: string; readonly value: string; readonly prevValue?: string; readonly prevIndex?: number }
  | { readonly kind: 'compareAndDelete'; readonly key: string; readonly prevValue?: string; readonly prevIndex?: number };

/** etcd's codes: 100 key not found, 101 compare failed, 105 key already exists. */
export type V2ErrorCode = 100 | 101 | 105;

export type V2Output =
  | {
      readonly errorCode: 0;
      /** A get's value (required on a get, ignored on writes). */
      readonly value?: string;
      /** The node's modifiedIndex in the answer, when the history recorded it. */
      readonly modifiedIndex?: number;
      /** prevNode's value in a write's answer (null: there was none), when recorded. */
      readonly previous?: string | null;
    }
  | { readonly errorCode: V2ErrorCode };

/**
 * One key. `modifiedIndex` is undefined when no answer revealed it (the key is missing, or the
 * last write's answer was lost or did not record it); the store's index is global, so the
 * index a write will get cannot be predicted per key, only learned.
 */
export interface V2KeyState {
  readonly value: string | null;
  readonly modifiedIndex: number | undefined;
}

type Outcome = { readonly errorCode: 0; readonly value: string | null } | { readonly errorCode: V2ErrorCode };

/** Whether a compare's condition holds: 'either' when it depends on an unknown index. */
function compare(state: V2KeyState, prevValue: string | undefined, prevIndex: number | undefined): boolean | 'either' {
  if (prevValue === undefined && prevIndex === undefined) throw new Error('a compare needs prevValue or prevIndex');
  if (prevValue !== undefined && prevValue !== state.value) return false;
  if (prevIndex === undefined) return true;
  return state.modifiedIndex === undefined ? 'either' : state.modifiedIndex === prevIndex;
}

/** What the operation may do in `state`: its possible error codes and resulting values. */
function outcomes(state: V2KeyState, input: V2Input): Outcome[] {
  const exists = state.value !== null;
  const unchanged: Outcome = { errorCode: 0, value: state.value };
  switch (input.kind) {
    case 'get':
      return [exists ? unchanged : { errorCode: 100 }];
    case 'set':
      return [{ errorCode: 0, value: input.value }];
    case 'create':
      return [exists ? { errorCode: 105 } : { errorCode: 0, value: input.value }];
    case 'update':
      return [exists ? { errorCode: 0, value: input.value } : { errorCode: 100 }];
    case 'delete':
      return [exists ? { errorCode: 0, value: null } : { errorCode: 100 }];
    case 'compareAndSwap':
    case 'compareAndDelete': {
      if (!exists) return [{ errorCode: 100 }];
      const success: Outcome = { errorCode: 0, value: input.kind === 'compareAndSwap' ? input.value : null };
      const holds = compare(state, input.prevValue, input.prevIndex);
      if (holds === 'either') return [success, { errorCode: 101 }];
      return [holds ? success : { errorCode: 101 }];
    }
  }
}

/** The state after a successful answer `output`, or undefined if the answer contradicts `state`. */
function afterSuccess(
  state: V2KeyState,
  input: V2Input,
  output: V2Output & { errorCode: 0 },
  value: string | null,
): V2KeyState | undefined {
  const revealedIndex = output.modifiedIndex;
  if (input.kind === 'get') {
    if (output.value === undefined) throw new Error(`get of ${input.key} succeeded without a value`);
    if (output.value !== state.value) return undefined;
    // A read may reveal the index of a node whose write answer was lost: the state learns it.
    if (revealedIndex === undefined || state.modifiedIndex === undefined) {
      return { value, modifiedIndex: state.modifiedIndex ?? revealedIndex };
    }
    return revealedIndex === state.modifiedIndex ? state : undefined;
  }
  if (output.previous !== undefined && output.previous !== state.value) return undefined;
  // The store's index only grows, so a write's node is newer than the one it replaced.
  if (revealedIndex !== undefined && state.modifiedIndex !== undefined && revealedIndex <= state.modifiedIndex) return undefined;
  return { value, modifiedIndex: value === null ? undefined : revealedIndex };
}

function stepAll(state: V2KeyState, input: V2Input, output: V2Output | undefined): V2KeyState[] {
  const possible = outcomes(state, input);
  if (output === undefined) {
    // The operation took effect with some outcome nobody saw: a failure or a get changes
    // nothing, a successful write leaves a node whose index nobody learned.
    const writes = input.kind !== 'get';
    return possible.map((outcome) => (outcome.errorCode === 0 && writes ? { value: outcome.value, modifiedIndex: undefined } : state));
  }
  const matching = possible.find((outcome) => outcome.errorCode === output.errorCode);
  if (matching === undefined) return [];
  if (output.errorCode !== 0 || matching.errorCode !== 0) return [state];
  const after = afterSuccess(state, input, output, matching.value);
  return after === undefined ? [] : [after];
}

function describeInput(input: V2Input): string {
  const compares =
    input.kind === 'compareAndSwap' || input.kind === 'compareAndDelete'
      ? ` if value=${input.prevValue ?? '*'} index=${input.prevIndex ?? '*'}`
      : '';
  return `${input.kind}(${input.key}${'value' in input ? `, ${JSON.stringify(input.value)}` : ''})${compares}`;
}

export const v2KeyModel: NondeterministicModel<V2KeyState, V2Input, V2Output> = {
  name: 'etcd v2 key',
  init: () => ({ value: null, modifiedIndex: undefined }),
  stepAll,
  fingerprint: (state) => `${state.modifiedIndex ?? '?'}|${state.value === null ? '-' : `=${state.value}`}`,
  partitionKey: (input) => input.key,
  describeOperation(input, output) {
    if (output === undefined) return `${describeInput(input)} -> unknown`;
    if (output.errorCode !== 0) return `${describeInput(input)} -> error ${output.errorCode}`;
    const index = output.modifiedIndex === undefined ? '' : ` @${output.modifiedIndex}`;
    return `${describeInput(input)} -> ok${output.value === undefined ? '' : ` ${JSON.stringify(output.value)}`}${index}`;
  },
};

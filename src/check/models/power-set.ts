// Turns a nondeterministic specification (an operation may lead to several states, e.g. a
// compare whose outcome was not observed) into the deterministic model the search needs: the
// state becomes the set of states the object may be in, kept sorted so equal sets compare equal.

import type { Model } from '../model.js';

export interface NondeterministicModel<State, Input, Output> {
  readonly name: string;
  init(): State;
  /** Every state that may follow; empty when `output` is impossible in `state`. */
  stepAll(state: State, input: Input, output: Output | undefined): readonly State[];
  /** Equal states must give equal fingerprints, and different states different ones. */
  fingerprint(state: State): string;
  partitionKey?(input: Input): string;
  describeOperation(input: Input, output: Output | undefined): string;
}

/** The possible states, each with its fingerprint, in fingerprint order. */
export interface StateSet<State> {
  readonly states: readonly State[];
  readonly fingerprints: readonly string[];
}

export function powerSetModel<State, Input, Output>(
  model: NondeterministicModel<State, Input, Output>,
  statesMax = 256,
): Model<StateSet<State>, Input, Output> {
  if (!(statesMax > 0)) throw new Error(`statesMax must be positive, got ${statesMax}`);
  const powerSet: Model<StateSet<State>, Input, Output> = {
    name: `power set of ${model.name}`,
    init: () => ({ states: [model.init()], fingerprints: [model.fingerprint(model.init())] }),
    step(set, input, output) {
      const byFingerprint = new Map<string, State>();
      for (const state of set.states) {
        for (const after of model.stepAll(state, input, output)) byFingerprint.set(model.fingerprint(after), after);
      }
      if (byFingerprint.size === 0) return undefined;
      if (byFingerprint.size > statesMax) {
        throw new Error(`${model.name} may be in ${byFingerprint.size} states, more than ${statesMax}`);
      }
      const fingerprints = [...byFingerprint.keys()].sort();
      return { states: fingerprints.map((fingerprint) => byFingerprint.get(fingerprint) as State), fingerprints };
    },
    // JSON keeps the encoding unambiguous whatever characters the member fingerprints hold.
    fingerprint: (set) => JSON.stringify(set.fingerprints),
    describeOperation: (input, output) => model.describeOperation(input, output),
  };
  const partitionKey = model.partitionKey;
  return partitionKey === undefined ? powerSet : { ...powerSet, partitionKey: (input) => partitionKey(input) };
}

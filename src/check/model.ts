// The contract between the linearizability search and a sequential specification: a model
// says which outputs an operation may produce in a state and what state follows, how states
// compare (for memoization), and how a history splits into independent parts.

/**
 * A deterministic sequential specification. States are immutable values; `step` never
 * changes the state it is given.
 */
export interface Model<State, Input, Output> {
  readonly name: string;
  init(): State;
  /**
   * The state after `input` took effect in `state` and produced `output`, or undefined when
   * that output is impossible there. `output` undefined means the outcome is unknown: the step
   * must accept it whenever the operation can take effect at all.
   */
  step(state: State, input: Input, output: Output | undefined): State | undefined;
  /** Equal states must give equal fingerprints, and different states different ones. */
  fingerprint(state: State): string | number;
  /**
   * The independent part (for a key-value store: the key) an operation belongs to. Operations
   * of different parts never constrain each other, so each part is checked alone.
   */
  partitionKey?(input: Input): string;
  describeOperation(input: Input, output: Output | undefined): string;
}

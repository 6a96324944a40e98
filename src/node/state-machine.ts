// What a Raft node replicates: any deterministic state machine that applies committed commands
// in order and can save and restore itself as a snapshot. The etcd v2 store is one.

export interface StateMachine<Result> {
  /** Applies one committed command at `index`; must be deterministic. */
  apply(command: Uint8Array, index: number): Result;
  /** The whole state as bytes, at the last applied index. */
  snapshot(): Uint8Array;
  /** Replaces the whole state with a snapshot's. */
  restore(data: Uint8Array): void;
  /**
   * Optional: runs the work of applying `command` on scratch state, never on this state, so that
   * the real apply that follows finds its code in the CPU caches (see RaftNode.rehearseNextApply).
   * Must change nothing observable and not throw.
   */
  rehearse?(command: Uint8Array): void;
}

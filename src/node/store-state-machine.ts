// The etcd v2 store as the state machine a Raft node replicates: each committed command is a
// binary-encoded v2 request applied exactly as etcd's apply step does.

import { V2Store, applyRequest, decodeV2Request, type ApplyResult } from '../store/index.js';
import type { StateMachine } from './state-machine.js';

/** A rehearsal store is replaced after this many rehearsals: in-order creates would grow it without end. */
const REHEARSALS_PER_SCRATCH_STORE = 1024;

export class StoreStateMachine implements StateMachine<ApplyResult> {
  /** Where rehearsals apply their commands: never read, never the replicated store. */
  private scratch: V2Store | null = null;
  private rehearsalsOnScratch = 0;

  constructor(readonly store: V2Store) {}

  apply(command: Uint8Array): ApplyResult {
    return applyRequest(this.store, decodeV2Request(command));
  }

  /**
   * Decodes `command` and applies it to a scratch store: the same code as apply(), on other
   * data. Its outcome there means nothing (a compare may fail, a key may be missing) and is
   * dropped. A command the real apply would take never makes applyRequest throw.
   */
  rehearse(command: Uint8Array): void {
    if (this.scratch === null || this.rehearsalsOnScratch >= REHEARSALS_PER_SCRATCH_STORE) {
      this.scratch = new V2Store({ historyCapacity: 1, watchersMax: 0 });
      this.rehearsalsOnScratch = 0;
    }
    this.rehearsalsOnScratch++;
    applyRequest(this.scratch, decodeV2Request(command));
  }

  snapshot(): Uint8Array {
    return this.store.save();
  }

  restore(data: Uint8Array): void {
    this.store.recover(data);
  }
}

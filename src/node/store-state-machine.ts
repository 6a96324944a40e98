// The etcd v2 store as the state machine a Raft node replicates: each committed command is a
// binary-encoded v2 request applied exactly as etcd's apply step does.

import { V2Store, applyRequest, decodeV2Request, type ApplyResult } from '../store/index.js';
import type { StateMachine } from './state-machine.js';

export class StoreStateMachine implements StateMachine<ApplyResult> {
  constructor(readonly store: V2Store) {}

  apply(command: Uint8Array): ApplyResult {
    return applyRequest(this.store, decodeV2Request(command));
  }

  snapshot(): Uint8Array {
    return this.store.save();
  }

  restore(data: Uint8Array): void {
    this.store.recover(data);
  }
}

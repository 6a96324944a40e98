// A one-member ApiBackend for tests: requests are applied straight to a V2Store (no Raft),
// the member proposes a SYNC every 500 ms while keys have TTLs (as etcd's leader does), and
// a test can make it lose its quorum (proposals then time out, as a member's do) or its
// leader.

import { applyRequest, newV2Request, V2Store, type ApplyResult, type V2Request } from '../../src/store/index.js';
import type { ApiBackend, MemberView } from '../../src/api/api-backend.js';

export const SYNC_INTERVAL_MS = 500;

export interface FakeBackendOptions {
  readonly clientUrl?: string;
  readonly nowMs?: () => number;
  readonly historyCapacity?: number;
}

export class FakeBackend implements ApiBackend {
  readonly store: V2Store;
  readonly clusterId = '0a1b2c3d4e5f6071';
  readonly version = { etcdserver: '3.4.23', etcdcluster: '3.4.0' };
  readonly self: MemberView;
  /** Without quorum, proposals and quorum reads fail with a timeout after their deadline. */
  hasQuorum = true;
  hasLeader = true;
  private appliedEntries = 0;
  private readonly syncTimer: NodeJS.Timeout;
  private readonly clock: () => number;

  constructor(options: FakeBackendOptions = {}) {
    this.store = new V2Store({ historyCapacity: options.historyCapacity });
    this.clock = options.nowMs ?? Date.now;
    this.self = { id: '00f1e2d3c4b5a697', name: 'fake1', peerURLs: ['http://127.0.0.1:2380'], clientURLs: [options.clientUrl ?? 'http://127.0.0.1:2379'] };
    this.syncTimer = setInterval(() => this.syncIfNeeded(), SYNC_INTERVAL_MS);
    this.syncTimer.unref();
  }

  /** Points the member's client URL at where its API server listens. */
  setClientUrl(url: string): void {
    (this.self as { clientURLs: string[] }).clientURLs = [url];
  }

  propose(request: V2Request, timeoutMs: number): Promise<ApplyResult> {
    if (!this.hasQuorum) return timeoutAfter(timeoutMs);
    this.appliedEntries++;
    return Promise.resolve(applyRequest(this.store, request));
  }

  proposeThen(request: V2Request, timeoutMs: number, applied: (result: ApplyResult) => void, failed: (error: Error) => void): void {
    this.propose(request, timeoutMs).then(applied, failed);
  }

  linearizableRead(timeoutMs: number): Promise<void> {
    return this.hasQuorum ? Promise.resolve() : timeoutAfter(timeoutMs);
  }

  nowMs(): number {
    return this.clock();
  }

  raftIndex(): number {
    return this.appliedEntries;
  }

  raftTerm(): number {
    return 2;
  }

  members(): MemberView[] {
    return [this.self];
  }

  leader(): MemberView | null {
    return this.hasLeader ? this.self : null;
  }

  selfStats(): Record<string, unknown> {
    return { name: this.self.name, id: this.self.id, state: 'StateLeader', leaderInfo: { leader: this.self.id } };
  }

  leaderStats(): Record<string, unknown> | null {
    return this.hasLeader ? { leader: this.self.id, followers: {} } : null;
  }

  stop(): void {
    clearInterval(this.syncTimer);
  }

  private syncIfNeeded(): void {
    if (!this.hasQuorum || !this.store.hasTtlKeys()) return;
    void this.propose(newV2Request({ method: 'SYNC', path: '/', timeMs: this.clock() }), SYNC_INTERVAL_MS).catch(() => undefined);
  }
}

/** What a member does when no quorum answers in time: reject with the 'timeout' code. */
function timeoutAfter(timeoutMs: number): Promise<never> {
  return new Promise((_, reject) => {
    setTimeout(() => reject(Object.assign(new Error('request timed out'), { code: 'timeout' })), timeoutMs);
  });
}

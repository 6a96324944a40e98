// The supervisor's handle on one member's worker thread: starting it, asking it things, and
// the faults a test can inflict on it (kill, optionally losing unsynced WAL bytes as after a
// power cut; pause and resume, which truly freeze the thread; graceful stop).

import { Worker, type TransferListItem } from 'node:worker_threads';
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { NodeId } from '../raft/types.js';
import { PAUSE_FLAG_BYTES, PAUSE_FROZEN_SLOT, PAUSE_WANTED_SLOT } from '../node/control-protocol.js';
import type { ControlCommand, MemberCpuProfile, NodeStatusReport, NodeWorkerConfig, WalReport, WorkerEvent } from '../node/control-protocol.js';
import { WriteAheadLog } from '../wal/wal.js';
import { SYNCED_POSITION_SLOTS } from '../wal/power-cut.js';
import { applyMemberHeapFlags } from './member-heap-flags.js';

/** A stopped profile is serialized and cloned to the supervisor: megabytes for a long window. */
const PROFILE_STOP_TIMEOUT_MS = 30_000;

export type NodeState = 'starting' | 'running' | 'paused' | 'killed' | 'stopped' | 'failed';

const WORKER_URL = new URL('../node/node-worker.js', import.meta.url);
const STOP_TIMEOUT_MS = 5000;
/** After a worker exits, writes it had handed to the thread pool may still land; let them. */
const EXIT_SETTLE_MS = 20;
/** A kill waits this long for the thread to freeze (it may be inside a long fdatasync). */
const KILL_FREEZE_TIMEOUT_MS = 1000;

export interface NodeHandleEvents {
  role: [role: string, leader: NodeId, term: number];
  exit: [];
  fatal: [message: string];
}

export class NodeHandle extends EventEmitter<NodeHandleEvents> {
  state: NodeState = 'stopped';
  role = 'follower';
  leader: NodeId = '';
  term = 0;
  clientUrl = '';
  peerUrl = '';
  lastError = '';
  private worker: Worker | null = null;
  private readonly pauseFlag = new Int32Array(new SharedArrayBuffer(PAUSE_FLAG_BYTES));
  private readonly syncedPosition = new Float64Array(new SharedArrayBuffer(8 * SYNCED_POSITION_SLOTS));
  private nextRequestId = 1;
  private readonly replies = new Map<number, (event: Extract<WorkerEvent, { type: 'reply' }>) => void>();
  private exited: Promise<void> = Promise.resolve();

  constructor(
    readonly id: NodeId,
    readonly memberId: string,
    readonly dataDir: string,
  ) {
    super();
  }

  get alive(): boolean {
    return this.state === 'starting' || this.state === 'running' || this.state === 'paused';
  }

  /** Starts the worker; resolves once its client port listens. */
  start(config: Omit<NodeWorkerConfig, 'pauseFlag' | 'syncedPosition'>, transfer: TransferListItem[]): Promise<void> {
    if (this.alive) throw new Error(`${this.id} is already running`);
    this.pauseFlag.fill(0);
    this.syncedPosition.fill(0);
    this.state = 'starting';
    this.role = 'follower';
    this.leader = '';
    const workerData: NodeWorkerConfig = {
      ...config,
      pauseFlag: this.pauseFlag.buffer as SharedArrayBuffer,
      syncedPosition: this.syncedPosition.buffer as SharedArrayBuffer,
    };
    applyMemberHeapFlags();
    const worker = new Worker(WORKER_URL, { workerData, transferList: transfer, stdout: false, stderr: false });
    this.worker = worker;
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    return new Promise((resolve, reject) => {
      worker.on('message', (event: WorkerEvent) => this.onEvent(event, resolve, reject));
      worker.on('error', (error) => this.onCrash(error.message, reject));
      worker.once('exit', () => {
        if (this.worker === worker) this.worker = null;
        if (this.alive) this.onCrash('worker exited', reject);
        this.emit('exit');
      });
    });
  }

  private onEvent(event: WorkerEvent, started: () => void, failed: (error: Error) => void): void {
    switch (event.type) {
      case 'listening':
        this.clientUrl = event.clientUrl;
        this.peerUrl = event.peerUrl;
        this.state = 'running';
        started();
        return;
      case 'role':
        this.role = event.role;
        this.leader = event.leader;
        this.term = event.term;
        this.emit('role', event.role, event.leader, event.term);
        return;
      case 'reply':
        this.replies.get(event.requestId)?.(event);
        this.replies.delete(event.requestId);
        return;
      case 'fatal':
        this.onCrash(event.message, failed);
        return;
      case 'stopped':
        return;
    }
  }

  private onCrash(message: string, failed: (error: Error) => void): void {
    const wasStarting = this.state === 'starting';
    this.lastError = message;
    this.state = 'failed';
    this.role = 'follower';
    this.leader = '';
    this.emit('fatal', message);
    if (wasStarting) failed(new Error(`${this.id} failed to start: ${message}`));
    void this.worker?.terminate();
  }

  send(command: ControlCommand, transfer: TransferListItem[] = []): void {
    this.worker?.postMessage(command, transfer);
  }

  /** Sends a command that expects a reply; rejects if the node is down or does not answer. */
  request<T>(make: (requestId: number) => ControlCommand, timeoutMs = 5000): Promise<T> {
    const worker = this.worker;
    if (worker === null || this.state !== 'running') return Promise.reject(new Error(`${this.id} is ${this.state}`));
    const requestId = this.nextRequestId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.replies.delete(requestId);
        reject(new Error(`${this.id} did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.replies.set(requestId, (event) => {
        clearTimeout(timer);
        if (event.ok) resolve(event.value as T);
        else reject(new Error(event.error ?? 'request failed'));
      });
      worker.postMessage(make(requestId));
    });
  }

  status(): Promise<NodeStatusReport> {
    return this.request((requestId) => ({ type: 'status', requestId }));
  }

  walReport(): Promise<WalReport> {
    return this.request((requestId) => ({ type: 'wal', requestId }));
  }

  /** Starts sampling the member thread's JavaScript (see util/cpu-profiler.ts for the default interval). */
  startCpuProfile(samplingIntervalUs?: number): Promise<void> {
    return this.request((requestId) => ({ type: 'cpu-profile-start', requestId, samplingIntervalUs }));
  }

  /** Stops sampling; the profile of a long window takes the thread a while to serialize. */
  stopCpuProfile(): Promise<MemberCpuProfile> {
    return this.request((requestId) => ({ type: 'cpu-profile-stop', requestId }), PROFILE_STOP_TIMEOUT_MS);
  }

  /**
   * The worker dies; with `loseUnsynced`, WAL bytes not yet fsynced vanish too. The thread is
   * frozen first and terminated while frozen: terminating it inside a native callback (an HTTP
   * request being parsed) can abort the whole process (Node's `ToLocalChecked Empty MaybeLocal`).
   * Nothing is flushed or synced on the way, so the kill is still a crash for durability.
   */
  async kill(loseUnsynced = false): Promise<void> {
    if (!this.alive) throw new Error(`${this.id} is not running (${this.state})`);
    const canFreeze = this.state !== 'starting';
    this.state = 'killed';
    this.role = 'follower';
    this.leader = '';
    if (canFreeze) await this.freeze();
    await this.worker?.terminate();
    await this.exited;
    await sleep(EXIT_SETTLE_MS);
    if (loseUnsynced) {
      const position = WriteAheadLog.readSyncedPosition(this.syncedPosition);
      if (position !== null) await WriteAheadLog.dropUnsynced(this.dataDir, position);
    }
  }

  /** Freezes the worker thread (blocked in Atomics.wait) until resume(). */
  pause(): void {
    if (this.state !== 'running') throw new Error(`${this.id} is not running (${this.state})`);
    Atomics.store(this.pauseFlag, PAUSE_WANTED_SLOT, 1);
    this.send({ type: 'pause' });
    this.state = 'paused';
  }

  resume(): void {
    if (this.state !== 'paused') throw new Error(`${this.id} is not paused (${this.state})`);
    Atomics.store(this.pauseFlag, PAUSE_WANTED_SLOT, 0);
    Atomics.notify(this.pauseFlag, PAUSE_WANTED_SLOT);
    this.state = 'running';
  }

  /** Asks the thread to freeze (if not already asked) and waits until it is frozen, or the timeout. */
  private async freeze(): Promise<void> {
    if (Atomics.exchange(this.pauseFlag, PAUSE_WANTED_SLOT, 1) === 0) this.send({ type: 'pause' });
    // The thread notifies the slot as it freezes: wait for that, not in a polling loop.
    const frozen = Atomics.waitAsync(this.pauseFlag, PAUSE_FROZEN_SLOT, 0, KILL_FREEZE_TIMEOUT_MS);
    if (frozen.async) await frozen.value;
  }

  /** Graceful stop: the member finishes, flushes and closes its log; forced after a timeout. */
  async stop(): Promise<void> {
    if (!this.alive) return;
    if (this.state === 'paused') this.resume();
    this.state = 'stopped';
    this.send({ type: 'stop' });
    const timer = setTimeout(() => void this.worker?.terminate(), STOP_TIMEOUT_MS);
    await this.exited;
    clearTimeout(timer);
  }
}

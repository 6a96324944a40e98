// One watch on one member (etcd's watcher): which events it wants, the bounded queue of
// events delivered to it and not yet taken by its consumer (the HTTP answer), and how it
// ends: after its one event (a plain watch), when its consumer removes it, or when it falls
// WATCHER_QUEUE_MAX events behind (a stream watch; etcd drops it rather than block writes).

import { eventIndex, type V2Event } from './event.js';

/** etcd's watcher channel holds 100 events; one more and the watcher is dropped. */
export const WATCHER_QUEUE_MAX = 100;

/** The hub a registered watcher belongs to. */
export interface WatcherOwner {
  unregister(watcher: Watcher): void;
}

export class Watcher {
  private readonly queue: V2Event[] = [];
  private owner: WatcherOwner | null = null;
  private listener: (() => void) | null = null;
  private wakeScheduled = false;
  private dropped = false;

  constructor(
    readonly key: string,
    readonly recursive: boolean,
    readonly stream: boolean,
    /** The first index this watcher is interested in (etcd's waitIndex, inclusive). */
    readonly sinceIndex: number,
    /** The store index when the watch began (X-Etcd-Index of a watch answer). */
    readonly startIndex: number,
  ) {}

  /** True while the watcher is registered, i.e. more events may still arrive. */
  get isActive(): boolean {
    return this.owner !== null;
  }

  /** True when the watcher was removed because its consumer fell too far behind. */
  get wasDropped(): boolean {
    return this.dropped;
  }

  /** Takes the queued events, oldest first. */
  takeEvents(): V2Event[] {
    return this.queue.splice(0, this.queue.length);
  }

  /**
   * Sets the function called (from a microtask, never inside a store operation) after events
   * were queued or the watcher stopped. One call may cover several events.
   */
  onWake(listener: (() => void) | null): void {
    this.listener = listener;
    if (listener !== null && (this.queue.length > 0 || !this.isActive)) this.scheduleWake();
  }

  /** The consumer is done with this watcher (etcd's Remove); safe to call twice. */
  remove(): void {
    const owner = this.owner;
    if (owner === null) return;
    this.owner = null;
    owner.unregister(this);
  }

  /** Called by the hub when it registers this watcher. */
  attach(owner: WatcherOwner): void {
    if (this.owner !== null) throw new Error(`watcher of ${this.key} is already registered`);
    this.owner = owner;
  }

  /** Called by the hub when this watcher leaves it without the consumer asking. */
  detach(dropped: boolean): void {
    this.owner = null;
    this.dropped = dropped;
    this.scheduleWake();
  }

  /** Queues an event found in the history when the watch began. */
  preload(event: V2Event): void {
    if (this.queue.length !== 0) throw new Error('watcher: preload into a non-empty queue');
    this.queue.push(event);
  }

  /**
   * etcd's watcher.notify: whether the watcher wants `event`, given that it was raised at the
   * watched path itself (`originalPath`) or for a key inside a removed directory (`deleted`).
   * Returns 'queued', 'full' (wanted but no room: the hub drops the watcher) or 'skipped'.
   */
  offer(event: V2Event, originalPath: boolean, deleted: boolean): 'queued' | 'full' | 'skipped' {
    const wanted = this.recursive || originalPath || deleted;
    if (!wanted || eventIndex(event) < this.sinceIndex) return 'skipped';
    if (this.queue.length >= WATCHER_QUEUE_MAX) return 'full';
    this.queue.push(event);
    this.scheduleWake();
    return 'queued';
  }

  private scheduleWake(): void {
    if (this.listener === null || this.wakeScheduled) return;
    this.wakeScheduled = true;
    queueMicrotask(() => {
      this.wakeScheduled = false;
      this.listener?.();
    });
  }
}

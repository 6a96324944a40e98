// The watchers of one member (etcd's watcherHub): watchers registered by watched path, the
// shared event history, and delivery of each new event to the watchers of the event's key
// and of every directory above it. Watches are local to a member and never replicated.

import { EventHistory, HISTORY_CAPACITY_DEFAULT } from './event-history.js';
import { isHiddenBelow } from './key-path.js';
import type { V2Event } from './event.js';
import { ErrorCode, isV2Error, newV2Error, withIndex, type V2Error } from './v2-error.js';
import { Watcher, type WatcherOwner } from './watcher.js';

/** A bound etcd does not have: beyond it a watch is refused with error 300. */
export const WATCHERS_MAX_DEFAULT = 100_000;

export class WatcherHub implements WatcherOwner {
  private readonly byPath = new Map<string, Set<Watcher>>();
  private registeredCount = 0;
  private history: EventHistory;

  constructor(
    private readonly historyCapacity: number = HISTORY_CAPACITY_DEFAULT,
    private readonly watchersMax: number = WATCHERS_MAX_DEFAULT,
  ) {
    this.history = new EventHistory(historyCapacity);
  }

  /** Watchers currently registered (the `watchers` store statistic). */
  get watcherCount(): number {
    return this.registeredCount;
  }

  /**
   * Starts a watch of `key` (clean) from `sinceIndex`. An event already in the history is
   * queued at once and the watcher is not registered, even for a stream (as in etcd); its
   * etcdIndex becomes `storeIndex`, the index at which the watch began.
   */
  watch(key: string, recursive: boolean, stream: boolean, sinceIndex: number, storeIndex: number): Watcher | V2Error {
    const found = this.history.scan(key, recursive, sinceIndex);
    if (isV2Error(found)) return withIndex(found, storeIndex);
    const watcher = new Watcher(key, recursive, stream, sinceIndex, storeIndex);
    if (found !== null) {
      watcher.preload({ ...found, etcdIndex: storeIndex });
      return watcher;
    }
    if (this.registeredCount >= this.watchersMax) {
      return newV2Error(ErrorCode.RaftInternal, `too many watchers (at most ${this.watchersMax})`, 0);
    }
    let watchers = this.byPath.get(key);
    if (watchers === undefined) {
      watchers = new Set();
      this.byPath.set(key, watchers);
    }
    watchers.add(watcher);
    watcher.attach(this);
    this.registeredCount++;
    return watcher;
  }

  unregister(watcher: Watcher): void {
    const watchers = this.byPath.get(watcher.key);
    if (watchers === undefined || !watchers.delete(watcher)) {
      throw new Error(`watcher of ${watcher.key} is not registered`);
    }
    if (watchers.size === 0) this.byPath.delete(watcher.key);
    this.registeredCount--;
  }

  /** Records an event that wakes nobody (a TTL refresh). */
  record(event: V2Event): void {
    this.history.add(event);
  }

  /** Records an event and tells the watchers of "/", of each directory above it, and of its key. */
  notify(event: V2Event): void {
    this.history.add(event);
    // Most writes have nobody watching: no need to walk the key's directories then.
    if (this.byPath.size === 0) return;
    const key = event.node.key;
    this.notifyWatchers(event, '/', false);
    for (let slashAt = key.indexOf('/', 1); slashAt !== -1; slashAt = key.indexOf('/', slashAt + 1)) {
      this.notifyWatchers(event, key.slice(0, slashAt), false);
    }
    if (key.length > 1) this.notifyWatchers(event, key, false);
  }

  /**
   * Offers `event` to the watchers of `nodePath`. `deleted` marks a path inside a removed
   * directory: its watchers are told even when they are not recursive. A key hidden below the
   * watched path wakes nobody there, except a watcher of that very key.
   */
  notifyWatchers(event: V2Event, nodePath: string, deleted: boolean): void {
    const watchers = this.byPath.get(nodePath);
    if (watchers === undefined) return;
    const originalPath = event.node.key === nodePath;
    if (!originalPath && isHiddenBelow(nodePath, event.node.key)) return;
    for (const watcher of watchers) {
      const outcome = watcher.offer(event, originalPath, deleted);
      if (outcome === 'full') this.evict(watcher, true);
      else if (outcome === 'queued' && !watcher.stream) this.evict(watcher, false);
    }
  }

  /** Forgets the history (after the store was replaced by a snapshot); watchers stay. */
  clearHistory(): void {
    this.history = new EventHistory(this.historyCapacity);
  }

  private evict(watcher: Watcher, dropped: boolean): void {
    this.unregister(watcher);
    watcher.detach(dropped);
  }
}

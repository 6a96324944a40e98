// The etcd v2 store as a deterministic state machine (etcd's v2store.store): the key tree,
// the global index (+1 for every successful write, never for reads or failures), TTLs with
// their expiry heap, and every operation of the v2 API with etcd's exact outcomes. It reads
// no clock: expirations arrive as absolute times and expiry runs when a SYNC says "now".

import { createHash } from 'node:crypto';
import { cleanRootedPath } from '../util/clean-path.js';
import { bareView, newEvent, viewForGet, viewOfNode, type EventAction, type NodeView, type V2Event } from './event.js';
import { childKey, keySegments, ROOT_PATH } from './key-path.js';
import { decodeSnapshot, encodeSnapshot } from './snapshot-codec.js';
import { removeNode, StoreNode, type CompareOutcome } from './store-node.js';
import { StoreStats, type StatCounter } from './store-stats.js';
import { TtlHeap } from './ttl-heap.js';
import { ErrorCode, isV2Error, newV2Error, type V2Error } from './v2-error.js';
import type { Watcher } from './watcher.js';
import { WatcherHub } from './watcher-hub.js';

/** The TTL part of a write: an absolute expiration (null: none) and etcd's refresh flag. */
export interface TtlOptions {
  readonly expireTimeMs: number | null;
  /** Keep the value, move the expiration, wake no watcher. */
  readonly refresh: boolean;
}

export const NO_TTL: TtlOptions = { expireTimeMs: null, refresh: false };

export type StoreResult = V2Event | V2Error;

export interface StoreOptions {
  /** Events kept for watches that start in the past (etcd: 1000). */
  readonly historyCapacity?: number;
  /** Registered watchers at most; etcd has no such bound. */
  readonly watchersMax?: number;
}

/** etcd treats an expiration before 2000-01-01 given at creation as "no expiration". */
const MIN_EXPIRE_TIME_MS = Date.UTC(2000, 0, 1);

/**
 * A bound etcd does not have: deeper keys are refused (error 209), which keeps the recursive
 * walks over the tree (listing, removal, snapshots) far from the stack limit.
 */
export const KEY_DEPTH_MAX = 1024;

interface CreateSpec {
  readonly dir: boolean;
  readonly value: string;
  readonly unique: boolean;
  readonly replace: boolean;
  readonly ttl: TtlOptions;
  readonly action: EventAction;
}

export class V2Store {
  private root = StoreNode.newDir(ROOT_PATH, '', 0, null);
  private currentIndex = 0;
  private ttlHeap = new TtlHeap<StoreNode>();
  private readonly hub: WatcherHub;
  readonly stats = new StoreStats();
  /** The time of the request being applied (see applyingAt), stamped on the events it makes. */
  private eventTimeMs: number | null = null;

  constructor(options: StoreOptions = {}) {
    this.hub = new WatcherHub(options.historyCapacity, options.watchersMax);
  }

  /** The index of the last successful write. */
  get index(): number {
    return this.currentIndex;
  }

  get watcherCount(): number {
    return this.hub.watcherCount;
  }

  hasTtlKeys(): boolean {
    return this.ttlHeap.size !== 0;
  }

  /** The body of /v2/stats/store. */
  statsJson(): string {
    return this.stats.toJson(this.hub.watcherCount);
  }

  /**
   * Runs `operation` (one request being applied) with the events it makes stamped with
   * `timeMs`, the proposer's clock, so their TTLs stay those left when the write happened. A
   * time of 0 (a request that carries none) leaves them to be rendered at answer time.
   */
  applyingAt<T>(timeMs: number, operation: () => T): T {
    assertWholeNumber(timeMs, 'timeMs');
    if (this.eventTimeMs !== null) throw new Error('store operations being applied do not nest');
    this.eventTimeMs = timeMs === 0 ? null : timeMs;
    try {
      return operation();
    } finally {
      this.eventTimeMs = null;
    }
  }

  get(nodePath: string, recursive: boolean, sorted: boolean): StoreResult {
    const path = cleanRootedPath(nodePath);
    const node = this.internalGet(path);
    if (isV2Error(node)) return this.counted('getsFail', node);
    this.stats.increment('getsSuccess');
    return newEvent('get', viewForGet(node, recursive, sorted), null, this.currentIndex, this.eventTimeMs);
  }

  /** Creates or replaces a key (a directory is never replaced: error 102). */
  set(nodePath: string, dir: boolean, value: string, ttl: TtlOptions): StoreResult {
    assertTtl(ttl);
    const path = cleanRootedPath(nodePath);
    const existing = this.internalGet(path);
    if (isV2Error(existing) && existing.errorCode !== ErrorCode.KeyNotFound) return this.counted('setsFail', existing);
    let newValue = value;
    if (ttl.refresh) {
      if (isV2Error(existing)) return this.counted('setsFail', existing);
      newValue = existing.value;
    }
    const spec: CreateSpec = { dir, value: newValue, unique: false, replace: true, ttl, action: 'set' };
    // The walk just made found the node to replace: creating it does not walk again.
    const event = this.internalCreate(path, spec, isV2Error(existing) ? undefined : existing);
    if (isV2Error(event)) return this.counted('setsFail', event);
    return this.succeeded('setsSuccess', event);
  }

  /** Creates a key that must not exist; `unique` creates an in-order child named by the new index. */
  create(nodePath: string, dir: boolean, value: string, unique: boolean, ttl: TtlOptions): StoreResult {
    assertTtl(ttl);
    // etcd's Create ignores the refresh flag: a create always wakes watchers.
    const spec: CreateSpec = { dir, value, unique, replace: false, ttl: { ...ttl, refresh: false }, action: 'create' };
    const event = this.internalCreate(nodePath, spec);
    if (isV2Error(event)) return this.counted('createFail', event);
    return this.succeeded('createSuccess', event);
  }

  /** Changes the value and TTL of an existing key (of a directory, only the TTL). */
  update(nodePath: string, newValue: string, ttl: TtlOptions): StoreResult {
    assertTtl(ttl);
    const path = cleanRootedPath(nodePath);
    const currIndex = this.currentIndex;
    // etcd counts this refusal, and the one for a value on a directory, as successes: its
    // deferred counter reads a variable these early returns leave unset.
    if (path === ROOT_PATH) return this.counted('updateSuccess', newV2Error(ErrorCode.RootReadOnly, '/', currIndex));
    const node = this.internalGet(path);
    if (isV2Error(node)) return this.counted('updateFail', node);
    if (node.isDir() && newValue.length !== 0) {
      return this.counted('updateSuccess', newV2Error(ErrorCode.NotFile, path, currIndex));
    }
    const value = ttl.refresh ? node.value : newValue;
    const nextIndex = currIndex + 1;
    const prevNode = viewOfNode(node, false, false);
    // etcd's Write refuses directories silently, so a directory keeps its modifiedIndex.
    if (!node.isDir()) {
      node.value = value;
      node.modifiedIndex = nextIndex;
    }
    this.updateTtl(node, ttl.expireTimeMs);
    const view = bareView(path, {
      value: node.isDir() ? undefined : value,
      dir: node.isDir(),
      expirationMs: node.expireTimeMs,
      modifiedIndex: nextIndex,
      createdIndex: node.createdIndex,
    });
    this.currentIndex = nextIndex;
    return this.succeeded('updateSuccess', newEvent('update', view, prevNode, nextIndex, this.eventTimeMs, ttl.refresh));
  }

  compareAndSwap(nodePath: string, prevValue: string, prevIndex: number, value: string, ttl: TtlOptions): StoreResult {
    assertTtl(ttl);
    assertWholeNumber(prevIndex, 'prevIndex');
    const path = cleanRootedPath(nodePath);
    const currIndex = this.currentIndex;
    // Counted as a success, as etcd does (see update).
    if (path === ROOT_PATH) return this.counted('compareAndSwapSuccess', newV2Error(ErrorCode.RootReadOnly, '/', currIndex));
    const node = this.internalGet(path);
    if (isV2Error(node)) return this.counted('compareAndSwapFail', node);
    if (node.isDir()) return this.counted('compareAndSwapFail', newV2Error(ErrorCode.NotFile, path, currIndex));
    const outcome = node.compare(prevValue, prevIndex);
    if (outcome !== 'match') {
      const cause = compareFailCause(node, outcome, prevValue, prevIndex);
      return this.counted('compareAndSwapFail', newV2Error(ErrorCode.TestFailed, cause, currIndex));
    }
    const newValue = ttl.refresh ? node.value : value;
    const index = currIndex + 1;
    this.currentIndex = index;
    const prevNode = viewOfNode(node, false, false);
    node.value = newValue;
    node.modifiedIndex = index;
    this.updateTtl(node, ttl.expireTimeMs);
    const view = bareView(path, {
      value: newValue,
      expirationMs: node.expireTimeMs,
      modifiedIndex: index,
      createdIndex: node.createdIndex,
    });
    return this.succeeded('compareAndSwapSuccess', newEvent('compareAndSwap', view, prevNode, index, this.eventTimeMs, ttl.refresh));
  }

  /** Deletes a file, an empty directory (`dir`) or a whole tree (`recursive`). */
  delete(nodePath: string, dir: boolean, recursive: boolean): StoreResult {
    const path = cleanRootedPath(nodePath);
    const currIndex = this.currentIndex;
    // Counted as a success, as etcd does (see update).
    if (path === ROOT_PATH) return this.counted('deleteSuccess', newV2Error(ErrorCode.RootReadOnly, '/', currIndex));
    const node = this.internalGet(path);
    if (isV2Error(node)) return this.counted('deleteFail', node);
    const nextIndex = currIndex + 1;
    const view = bareView(path, { dir: node.isDir(), modifiedIndex: nextIndex, createdIndex: node.createdIndex });
    const event = newEvent('delete', view, viewOfNode(node, false, false), nextIndex, this.eventTimeMs);
    const removal = { dir: dir || recursive, recursive, index: currIndex };
    const error = removeNode(node, removal, this.ttlHeap, (removed) => this.hub.notifyWatchers(event, removed, true));
    if (error !== null) return this.counted('deleteFail', error);
    this.currentIndex = nextIndex;
    return this.succeeded('deleteSuccess', event);
  }

  compareAndDelete(nodePath: string, prevValue: string, prevIndex: number): StoreResult {
    assertWholeNumber(prevIndex, 'prevIndex');
    const path = cleanRootedPath(nodePath);
    const currIndex = this.currentIndex;
    const node = this.internalGet(path);
    if (isV2Error(node)) return this.counted('compareAndDeleteFail', node);
    // etcd counts these two refusals as successes (see update).
    if (node.isDir()) return this.counted('compareAndDeleteSuccess', newV2Error(ErrorCode.NotFile, path, currIndex));
    const outcome = node.compare(prevValue, prevIndex);
    if (outcome !== 'match') {
      const cause = compareFailCause(node, outcome, prevValue, prevIndex);
      return this.counted('compareAndDeleteSuccess', newV2Error(ErrorCode.TestFailed, cause, currIndex));
    }
    const index = currIndex + 1;
    this.currentIndex = index;
    const view = bareView(path, { modifiedIndex: index, createdIndex: node.createdIndex });
    const event = newEvent('compareAndDelete', view, viewOfNode(node, false, false), index, this.eventTimeMs);
    const removal = { dir: false, recursive: false, index };
    const error = removeNode(node, removal, this.ttlHeap, (removed) => this.hub.notifyWatchers(event, removed, true));
    if (error !== null) throw new Error(`removing the file ${path} failed: ${error.message}`);
    return this.succeeded('compareAndDeleteSuccess', event);
  }

  /**
   * The SYNC: removes every key whose expiration is at or before `cutoffMs`, one `expire`
   * event (and one index) per key, earliest first. Returns the events.
   */
  deleteExpiredKeys(cutoffMs: number): V2Event[] {
    assertWholeNumber(cutoffMs, 'cutoffMs');
    const events: V2Event[] = [];
    for (;;) {
      const node = this.ttlHeap.top();
      if (node === null || (node.expireTimeMs as number) > cutoffMs) return events;
      const index = ++this.currentIndex;
      const view = bareView(node.path, { dir: node.isDir(), modifiedIndex: index, createdIndex: node.createdIndex });
      const event = newEvent('expire', view, viewOfNode(node, false, false), index, cutoffMs);
      this.ttlHeap.pop();
      const removal = { dir: true, recursive: true, index };
      removeNode(node, removal, this.ttlHeap, (removed) => this.hub.notifyWatchers(event, removed, true));
      this.stats.increment('expireCount');
      this.hub.notify(event);
      events.push(event);
    }
  }

  /**
   * Watches `key` (and everything under it if `recursive`) from `sinceIndex` (inclusive; 0:
   * the next write). A past index still in the history is answered at once; an older one is
   * error 401.
   */
  watch(key: string, recursive: boolean, stream: boolean, sinceIndex: number): Watcher | V2Error {
    assertWholeNumber(sinceIndex, 'sinceIndex');
    const since = sinceIndex === 0 ? this.currentIndex + 1 : sinceIndex;
    return this.hub.watch(cleanRootedPath(key), recursive, stream, since, this.currentIndex);
  }

  /** The snapshot image: tree, index and TTLs (not watchers, history or statistics). */
  save(): Uint8Array {
    return encodeSnapshot(this.root, this.currentIndex);
  }

  /** Replaces the state with a snapshot image. Watchers stay; the history starts afresh. */
  recover(image: Uint8Array): void {
    const decoded = decodeSnapshot(image);
    const heap = new TtlHeap<StoreNode>();
    for (const node of decoded.expiring) heap.push(node);
    this.root = decoded.root;
    this.currentIndex = decoded.index;
    this.ttlHeap = heap;
    this.hub.clearHistory();
  }

  /** A SHA-256 (hex) of the snapshot image: equal on replicas that applied the same writes. */
  hash(): string {
    return createHash('sha256').update(this.save()).digest('hex');
  }

  /**
   * Creates the node at `nodePath`, or replaces the file there if `spec.replace`. `found` is the
   * node a caller's walk to that same path has just found, which spares walking again.
   */
  private internalCreate(nodePath: string, spec: CreateSpec, found?: StoreNode): V2Event | V2Error {
    const currIndex = this.currentIndex;
    const nextIndex = currIndex + 1;
    const path = cleanRootedPath(spec.unique ? `${nodePath}/${String(nextIndex).padStart(20, '0')}` : nodePath);
    if (path === ROOT_PATH) return newV2Error(ErrorCode.RootReadOnly, '/', currIndex);
    let parent: StoreNode;
    let name: string;
    if (found?.parent) {
      if (found.path !== path) throw new Error(`the node found for ${path} is ${found.path}`);
      parent = found.parent;
      name = found.name;
    } else {
      const placed = this.placeFor(path, nextIndex);
      if (isV2Error(placed)) return placed;
      ({ parent, name } = placed);
    }
    const requested = spec.ttl.expireTimeMs;
    const expireTimeMs = requested !== null && requested < MIN_EXPIRE_TIME_MS ? null : requested;
    let prevNode: NodeView | null = null;
    const existing = found ?? parent.child(name);
    if (existing !== undefined) {
      if (!spec.replace) return newV2Error(ErrorCode.NodeExist, path, currIndex);
      if (existing.isDir()) return newV2Error(ErrorCode.NotFile, path, currIndex);
      prevNode = viewOfNode(existing, false, false);
    }
    let node: StoreNode;
    if (existing !== undefined && !spec.dir) {
      // A file set over a file is rewritten where it stands, as etcd's new node would read. The
      // tree then keeps the node and its key it already had: a new node and key per write would
      // outlive the young generation (the key is set again within seconds) and be copied and
      // promoted by the collector of every member, a pause on the commit path.
      this.ttlHeap.remove(existing);
      existing.rewrite(spec.value, nextIndex, expireTimeMs);
      node = existing;
    } else {
      node = spec.dir
        ? StoreNode.newDir(path, name, nextIndex, expireTimeMs)
        : StoreNode.newFile(path, name, spec.value, nextIndex, expireTimeMs);
      if (existing === undefined) {
        parent.addChild(node);
      } else {
        // A directory replaces a file where it stands, in one map write (a removal and an addition were three).
        this.ttlHeap.remove(existing);
        parent.replaceChild(existing, node);
      }
    }
    if (expireTimeMs !== null) this.ttlHeap.push(node);
    this.currentIndex = nextIndex;
    return newEvent(spec.action, viewOfNode(node, false, false), prevNode, nextIndex, this.eventTimeMs, spec.ttl.refresh);
  }

  private internalGet(path: string): StoreNode | V2Error {
    let node = this.root;
    for (const name of keySegments(path)) {
      if (!node.isDir()) return newV2Error(ErrorCode.NotDir, node.path, this.currentIndex);
      const child = node.child(name);
      if (child === undefined) return newV2Error(ErrorCode.KeyNotFound, childKey(node.path, name), this.currentIndex);
      node = child;
    }
    return node;
  }

  /** The directory a new node at `path` goes in (made if missing) and its name there. */
  private placeFor(path: string, createdIndex: number): { parent: StoreNode; name: string } | V2Error {
    const segments = keySegments(path);
    if (segments.length > KEY_DEPTH_MAX) {
      return newV2Error(ErrorCode.InvalidField, `key has more than ${KEY_DEPTH_MAX} segments`, this.currentIndex);
    }
    const name = segments.pop() as string;
    const parent = this.ensureDirectory(segments, createdIndex);
    // etcd counts a failed walk as a failed set as well, whatever the operation.
    if (isV2Error(parent)) return this.counted('setsFail', parent);
    return { parent, name };
  }

  /** Walks down `segments` from the root, creating missing directories (permanent) on the way. */
  private ensureDirectory(segments: readonly string[], createdIndex: number): StoreNode | V2Error {
    let node = this.root;
    for (const name of segments) {
      let child = node.child(name);
      if (child === undefined) {
        child = StoreNode.newDir(childKey(node.path, name), name, createdIndex, null);
        node.addChild(child);
      } else if (!child.isDir()) {
        return newV2Error(ErrorCode.NotDir, child.path, this.currentIndex);
      }
      node = child;
    }
    return node;
  }

  /** etcd's UpdateTTL: null makes the node permanent; a time (re)queues it for expiry. */
  private updateTtl(node: StoreNode, expireTimeMs: number | null): void {
    this.ttlHeap.remove(node);
    node.expireTimeMs = expireTimeMs;
    if (expireTimeMs !== null) this.ttlHeap.push(node);
  }

  private succeeded(counter: StatCounter, event: V2Event): V2Event {
    this.stats.increment(counter);
    if (event.refresh) this.hub.record(event);
    else this.hub.notify(event);
    return event;
  }

  private counted(counter: StatCounter, error: V2Error): V2Error {
    this.stats.increment(counter);
    return error;
  }
}

/** Times and indexes are whole numbers: anything else is a bug in the caller. */
function assertWholeNumber(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${what} must be a non-negative safe integer, got ${value}`);
}

/** An expiration may lie before 1970: a TTL past Go's int64 range wraps there, as in etcd. */
function assertTtl(ttl: TtlOptions): void {
  if (ttl.expireTimeMs !== null && !Number.isSafeInteger(ttl.expireTimeMs)) throw new Error(`expireTimeMs must be a safe integer, got ${ttl.expireTimeMs}`);
}

/** etcd's cause for a failed compare: `[prevValue != value]`, `[prevIndex != modifiedIndex]`, or both. */
function compareFailCause(node: StoreNode, outcome: CompareOutcome, prevValue: string, prevIndex: number): string {
  const valuePart = `[${prevValue} != ${node.value}]`;
  const indexPart = `[${prevIndex} != ${node.modifiedIndex}]`;
  if (outcome === 'indexMismatch') return indexPart;
  if (outcome === 'valueMismatch') return valuePart;
  return `${valuePart} ${indexPart}`;
}

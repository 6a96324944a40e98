// The shared history of the last events (etcd keeps 1000), in a ring. A watch that asks for
// an index still inside the ring is answered from it at once; an index that has already left
// the ring is error 401. Every write adds exactly one event, so the indexes in the ring are
// consecutive and an index maps to a slot by subtraction.
// The common event, a write of one file, is kept packed: its strings (the key and the values,
// which the tree holds anyway) and its numbers go in columns, and the event is built again only
// for a watch that reads it from the history. Held as objects, every write's event and node
// views lived a second (a thousand writes) in each member's heap, long enough to be copied by
// the young generation's collections and promoted: a pause on the commit path, paid for data
// that a watch asks for rarely. Other events (directories, listed nodes) are kept as they are.

import { ROOT_PATH } from './key-path.js';
import { eventIndex, type EventAction, type NodeView, type V2Event } from './event.js';
import { ErrorCode, newV2Error, type V2Error } from './v2-error.js';

export const HISTORY_CAPACITY_DEFAULT = 1000;

/** The actions a packed event may have; a packed slot keeps its action's position plus one. */
const PACKED_ACTIONS: readonly EventAction[] = ['get', 'create', 'set', 'update', 'delete', 'compareAndSwap', 'compareAndDelete', 'expire'];
/** Flags of a packed event. */
const HAS_PREV = 1;
const REFRESH = 2;
const NO_TIME = 4;
/** Numbers per packed event, in one Float64Array (NaN: a null expiration). */
const NUMBER_COLUMNS = 8;
const N_ETCD_INDEX = 0;
const N_MODIFIED = 1;
const N_CREATED = 2;
const N_EXPIRATION = 3;
const N_TIME = 4;
const N_PREV_MODIFIED = 5;
const N_PREV_CREATED = 6;
const N_PREV_EXPIRATION = 7;

export class EventHistory {
  /** Per packed slot: its action's position in PACKED_ACTIONS plus one. */
  private readonly actions: Uint8Array;
  private readonly flags: Uint8Array;
  private readonly numbers: Float64Array;
  private readonly keys: (string | undefined)[];
  private readonly values: (string | null)[];
  private readonly prevValues: (string | null)[];
  /** Events kept as they are; undefined in packed slots. */
  private readonly objects: (V2Event | undefined)[];
  private front = 0;
  private size = 0;
  /** Index of the oldest event kept (0 while the history is empty, as in etcd). */
  private startIndex = 0;
  private lastIndex = 0;

  constructor(readonly capacity: number = HISTORY_CAPACITY_DEFAULT) {
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 1_000_000) {
      throw new Error(`event history capacity must be 1..1000000, got ${capacity}`);
    }
    this.actions = new Uint8Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.numbers = new Float64Array(capacity * NUMBER_COLUMNS);
    this.keys = new Array<string | undefined>(capacity).fill(undefined);
    this.values = new Array<string | null>(capacity).fill(null);
    this.prevValues = new Array<string | null>(capacity).fill(null);
    this.objects = new Array<V2Event | undefined>(capacity).fill(undefined);
  }

  add(event: V2Event): void {
    const index = eventIndex(event);
    if (this.size > 0 && index !== this.lastIndex + 1) {
      throw new Error(`event history: index ${index} does not follow ${this.lastIndex}`);
    }
    this.store((this.front + this.size) % this.capacity, event);
    if (this.size === this.capacity) this.front = (this.front + 1) % this.capacity;
    else this.size++;
    this.lastIndex = index;
    this.startIndex = this.eventIndexAt(this.front);
  }

  /**
   * The first event at or after `sinceIndex` that a watcher of `key` (clean) would see, null when
   * none has happened yet, or error 401 (index 0: the caller sets the store index).
   * Refreshes are skipped; a deleted or expired directory matches every key under it.
   */
  scan(key: string, recursive: boolean, sinceIndex: number): V2Event | V2Error | null {
    if (sinceIndex < this.startIndex) {
      const cause = `the requested history has been cleared [${this.startIndex}/${sinceIndex}]`;
      return newV2Error(ErrorCode.EventIndexCleared, cause, 0);
    }
    if (sinceIndex > this.lastIndex || this.size === 0) return null;
    const childPrefix = recursive ? childPrefixOf(key) : null;
    for (let offset = sinceIndex - this.startIndex; offset < this.size; offset++) {
      const slot = (this.front + offset) % this.capacity;
      const event = this.objects[slot];
      if (event !== undefined) {
        if (!event.refresh && historyMatches(event, key, childPrefix)) return event;
      } else if ((this.flags[slot]! & REFRESH) === 0 && keyMatches(this.keys[slot] as string, key, childPrefix)) {
        // A packed event is a file's: no directory of its own to match keys under it.
        return this.unpack(slot);
      }
    }
    return null;
  }

  /** Keeps `event` in `slot`: packed if it is one file's, as it is otherwise. */
  private store(slot: number, event: V2Event): void {
    const { node, prevNode } = event;
    const code = PACKED_ACTIONS.indexOf(event.action) + 1;
    const packable = code > 0 && isPlainFile(node) && (prevNode === null || (isPlainFile(prevNode) && prevNode.key === node.key));
    if (!packable) {
      this.objects[slot] = event;
      this.keys[slot] = undefined;
      this.values[slot] = null;
      this.prevValues[slot] = null;
      return;
    }
    this.actions[slot] = code;
    this.objects[slot] = undefined;
    this.flags[slot] = (prevNode !== null ? HAS_PREV : 0) | (event.refresh ? REFRESH : 0) | (event.timeMs === null ? NO_TIME : 0);
    this.keys[slot] = node.key;
    this.values[slot] = node.value;
    this.prevValues[slot] = prevNode === null ? null : prevNode.value;
    const at = slot * NUMBER_COLUMNS;
    const numbers = this.numbers;
    numbers[at + N_ETCD_INDEX] = event.etcdIndex;
    numbers[at + N_MODIFIED] = node.modifiedIndex;
    numbers[at + N_CREATED] = node.createdIndex;
    numbers[at + N_EXPIRATION] = node.expirationMs ?? Number.NaN;
    numbers[at + N_TIME] = event.timeMs ?? 0;
    numbers[at + N_PREV_MODIFIED] = prevNode === null ? 0 : prevNode.modifiedIndex;
    numbers[at + N_PREV_CREATED] = prevNode === null ? 0 : prevNode.createdIndex;
    numbers[at + N_PREV_EXPIRATION] = prevNode?.expirationMs ?? Number.NaN;
  }

  /** The event in a packed slot, built again as it was added. */
  private unpack(slot: number): V2Event {
    const at = slot * NUMBER_COLUMNS;
    const numbers = this.numbers;
    const flags = this.flags[slot]!;
    const key = this.keys[slot] as string;
    const node = fileView(key, this.values[slot]!, numbers[at + N_EXPIRATION]!, numbers[at + N_MODIFIED]!, numbers[at + N_CREATED]!);
    const prevNode = (flags & HAS_PREV) === 0 ? null : fileView(key, this.prevValues[slot]!, numbers[at + N_PREV_EXPIRATION]!, numbers[at + N_PREV_MODIFIED]!, numbers[at + N_PREV_CREATED]!);
    return {
      kind: 'event',
      action: PACKED_ACTIONS[this.actions[slot]! - 1] as EventAction,
      node,
      prevNode,
      etcdIndex: numbers[at + N_ETCD_INDEX]!,
      refresh: (flags & REFRESH) !== 0,
      timeMs: (flags & NO_TIME) !== 0 ? null : numbers[at + N_TIME]!,
    };
  }

  private eventIndexAt(slot: number): number {
    const event = this.objects[slot];
    return event !== undefined ? eventIndex(event) : this.numbers[slot * NUMBER_COLUMNS + N_MODIFIED]!;
  }
}

/** A file's view with nothing beyond what packing keeps: no listed nodes. */
function isPlainFile(view: NodeView): boolean {
  return !view.dir && view.nodes === null;
}

function fileView(key: string, value: string | null, expirationMs: number, modifiedIndex: number, createdIndex: number): NodeView {
  return { key, value, dir: false, expirationMs: Number.isNaN(expirationMs) ? null : expirationMs, nodes: null, modifiedIndex, createdIndex };
}

/** What the keys under the clean `key` start with: the key and one slash (the root is one already). */
function childPrefixOf(key: string): string {
  return key === ROOT_PATH ? key : key + '/';
}

/** Whether an event of `eventKey` is one a watcher of `key` sees (by key alone). */
function keyMatches(eventKey: string, key: string, childPrefix: string | null): boolean {
  return eventKey === key || (childPrefix !== null && eventKey.startsWith(childPrefix));
}

/** `childPrefix`: null for a watch of `key` alone, childPrefixOf(key) for a recursive one. */
function historyMatches(event: V2Event, key: string, childPrefix: string | null): boolean {
  if (keyMatches(event.node.key, key, childPrefix)) return true;
  // etcd compares the raw prefix here, without a trailing slash: deleting the directory
  // /foo also matches a watcher of /foobar. Kept so answers match etcd's.
  const prev = event.prevNode;
  const removal = event.action === 'delete' || event.action === 'expire';
  return removal && prev !== null && prev.dir && key.startsWith(prev.key);
}

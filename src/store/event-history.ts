// The shared history of the last events (etcd keeps 1000), in a ring. A watch that asks for
// an index still inside the ring is answered from it at once; an index that has already left
// the ring is error 401. Every write adds exactly one event, so the indexes in the ring are
// consecutive and an index maps to a slot by subtraction.

import { ROOT_PATH } from './key-path.js';
import { eventIndex, type V2Event } from './event.js';
import { ErrorCode, newV2Error, type V2Error } from './v2-error.js';

export const HISTORY_CAPACITY_DEFAULT = 1000;

export class EventHistory {
  private readonly ring: (V2Event | undefined)[];
  private front = 0;
  private size = 0;
  /** Index of the oldest event kept (0 while the history is empty, as in etcd). */
  private startIndex = 0;
  private lastIndex = 0;

  constructor(readonly capacity: number = HISTORY_CAPACITY_DEFAULT) {
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 1_000_000) {
      throw new Error(`event history capacity must be 1..1000000, got ${capacity}`);
    }
    this.ring = new Array<V2Event | undefined>(capacity).fill(undefined);
  }

  add(event: V2Event): void {
    const index = eventIndex(event);
    if (this.size > 0 && index !== this.lastIndex + 1) {
      throw new Error(`event history: index ${index} does not follow ${this.lastIndex}`);
    }
    this.ring[(this.front + this.size) % this.capacity] = event;
    if (this.size === this.capacity) this.front = (this.front + 1) % this.capacity;
    else this.size++;
    this.lastIndex = index;
    this.startIndex = eventIndex(this.ring[this.front] as V2Event);
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
      const event = this.ring[(this.front + offset) % this.capacity] as V2Event;
      if (!event.refresh && historyMatches(event, key, childPrefix)) return event;
    }
    return null;
  }
}

/** What the keys under the clean `key` start with: the key and one slash (the root is one already). */
function childPrefixOf(key: string): string {
  return key === ROOT_PATH ? key : key + '/';
}

/** `childPrefix`: null for a watch of `key` alone, childPrefixOf(key) for a recursive one. */
function historyMatches(event: V2Event, key: string, childPrefix: string | null): boolean {
  const eventKey = event.node.key;
  if (eventKey === key) return true;
  if (childPrefix !== null && eventKey.startsWith(childPrefix)) return true;
  // etcd compares the raw prefix here, without a trailing slash: deleting the directory
  // /foo also matches a watcher of /foobar. Kept so answers match etcd's.
  const prev = event.prevNode;
  const removal = event.action === 'delete' || event.action === 'expire';
  return removal && prev !== null && prev.dir && key.startsWith(prev.key);
}

// What a successful store operation returns and what watchers receive: an Event (etcd's
// Event with its NodeExtern views), and the functions that take read-only views of tree
// nodes. Views are immutable snapshots; the TTL is not stored in them but computed when an
// answer is rendered, from the expiration and the event's time (a write's, fixed when it was
// applied) or, for a local read, the time of rendering.

import { compareUtf8Order } from './key-path.js';
import type { StoreNode } from './store-node.js';

export type EventAction =
  | 'get'
  | 'create'
  | 'set'
  | 'update'
  | 'delete'
  | 'compareAndSwap'
  | 'compareAndDelete'
  | 'expire';

/** etcd's NodeExtern: one node as an answer shows it. */
export interface NodeView {
  readonly key: string;
  /** A file's value; null for directories and for the node of a delete or expire event. */
  readonly value: string | null;
  readonly dir: boolean;
  /** Absolute expiration (ms since the epoch), or null for a permanent node. */
  readonly expirationMs: number | null;
  /** Listed children (hidden ones left out), or null when the answer does not list them. */
  readonly nodes: readonly NodeView[] | null;
  readonly modifiedIndex: number;
  readonly createdIndex: number;
}

export interface V2Event {
  readonly kind: 'event';
  readonly action: EventAction;
  readonly node: NodeView;
  /** The node as it was before a write (set over an existing key, update, delete, ...). */
  readonly prevNode: NodeView | null;
  /** The store index the answer reports (X-Etcd-Index); not part of the JSON body. */
  readonly etcdIndex: number;
  /** A TTL refresh: kept in the history but invisible to watchers. */
  readonly refresh: boolean;
  /**
   * When the event happened (ms since the epoch): the clock of the member that proposed the
   * request, or the SYNC's time for an expiry. Its TTLs are those left at that time, as etcd
   * freezes them when it applies the write, however late a watcher reads the event from the
   * history. Null for a read served locally, whose TTLs are those left when it is answered.
   */
  readonly timeMs: number | null;
}

/** etcd's Event.Index(): the index at which the event happened. */
export function eventIndex(event: V2Event): number {
  return event.node.modifiedIndex;
}

/** Whether an answer to this event is 201 Created: a create, or a set of a new key. */
export function isCreatedEvent(event: V2Event): boolean {
  return event.action === 'create' || (event.action === 'set' && event.prevNode === null);
}

export function newEvent(
  action: EventAction,
  node: NodeView,
  prevNode: NodeView | null,
  etcdIndex: number,
  timeMs: number | null,
  refresh = false,
): V2Event {
  return { kind: 'event', action, node, prevNode, etcdIndex, refresh, timeMs };
}

/** A node view with only the fields every event node has; value and dir are filled in by callers. */
export function bareView(
  key: string,
  fields: { value?: string; dir?: boolean; expirationMs?: number | null; modifiedIndex: number; createdIndex: number },
): NodeView {
  return {
    key,
    value: fields.value ?? null,
    dir: fields.dir ?? false,
    expirationMs: fields.expirationMs ?? null,
    nodes: null,
    modifiedIndex: fields.modifiedIndex,
    createdIndex: fields.createdIndex,
  };
}

/**
 * etcd's node.Repr: a file with its value, or a directory whose children are listed only
 * when `recursive` (all the way down), hidden children left out, sorted by key if asked.
 */
export function viewOfNode(node: StoreNode, recursive: boolean, sorted: boolean): NodeView {
  return {
    key: node.path,
    value: node.isDir() ? null : node.value,
    dir: node.isDir(),
    expirationMs: node.expireTimeMs,
    nodes: node.isDir() && recursive ? viewsOfChildren(node, recursive, sorted) : null,
    modifiedIndex: node.modifiedIndex,
    createdIndex: node.createdIndex,
  };
}

/** etcd's loadInternalNode for a get: a directory always lists its children one level deep. */
export function viewForGet(node: StoreNode, recursive: boolean, sorted: boolean): NodeView {
  if (!node.isDir()) return viewOfNode(node, false, false);
  return { ...viewOfNode(node, false, false), nodes: viewsOfChildren(node, recursive, sorted) };
}

function viewsOfChildren(dir: StoreNode, recursive: boolean, sorted: boolean): NodeView[] {
  const views: NodeView[] = [];
  for (const child of (dir.children as Map<string, StoreNode>).values()) {
    if (!child.isHidden()) views.push(viewOfNode(child, recursive, sorted));
  }
  if (sorted) views.sort((a, b) => compareUtf8Order(a.key, b.key));
  return views;
}

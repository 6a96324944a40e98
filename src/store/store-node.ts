// A node of the v2 key tree (a file with a value, or a directory with ordered children) and
// the edits made on it: adding a child, removing a node or a subtree (reporting every removed
// path so watchers inside a deleted directory are told), and the prevValue/prevIndex compare.

import { ErrorCode, newV2Error, type V2Error } from './v2-error.js';
import { isHiddenName } from './key-path.js';
import type { TtlEntry, TtlHeap } from './ttl-heap.js';

export type CompareOutcome = 'match' | 'indexMismatch' | 'valueMismatch' | 'bothMismatch';

export class StoreNode implements TtlEntry {
  heapIndex = -1;

  private constructor(
    readonly path: string,
    readonly name: string,
    public parent: StoreNode | null,
    public createdIndex: number,
    public modifiedIndex: number,
    /** Absolute expiration in ms since the epoch, or null for a permanent node. */
    public expireTimeMs: number | null,
    public value: string,
    /** Children in insertion order; null marks a file. */
    readonly children: Map<string, StoreNode> | null,
  ) {}

  static newFile(path: string, name: string, value: string, index: number, expireTimeMs: number | null): StoreNode {
    return new StoreNode(path, name, null, index, index, expireTimeMs, value, null);
  }

  static newDir(path: string, name: string, index: number, expireTimeMs: number | null): StoreNode {
    return new StoreNode(path, name, null, index, index, expireTimeMs, '', new Map());
  }

  /** Makes a file what a new file of `value`, written at `index`, would be (etcd's set over a file). */
  rewrite(value: string, index: number, expireTimeMs: number | null): void {
    if (this.children !== null) throw new Error(`cannot rewrite the directory ${this.path} as a file`);
    this.value = value;
    this.createdIndex = index;
    this.modifiedIndex = index;
    this.expireTimeMs = expireTimeMs;
  }

  isDir(): boolean {
    return this.children !== null;
  }

  isHidden(): boolean {
    return isHiddenName(this.name);
  }

  isPermanent(): boolean {
    return this.expireTimeMs === null;
  }

  /** The child called `name`, or undefined; only directories have children. */
  child(name: string): StoreNode | undefined {
    return this.children?.get(name);
  }

  addChild(child: StoreNode): void {
    if (this.children === null) throw new Error(`cannot add ${child.path} under the file ${this.path}`);
    if (this.children.has(child.name)) throw new Error(`${child.path} already exists`);
    if (child.parent !== null) throw new Error(`${child.path} is already attached`);
    this.children.set(child.name, child);
    child.parent = this;
  }

  /**
   * Puts `replacement` where the child `existing` is, under the same name, and detaches
   * `existing`; the children keep their order.
   */
  replaceChild(existing: StoreNode, replacement: StoreNode): void {
    // A node's parent link is set and cleared with its map entry (addChild, here, detachSubtree),
    // so it alone says whether `existing` is listed here: no map lookup on the write path for it.
    if (this.children === null || existing.parent !== this) {
      throw new Error(`${existing.path} is not a child of ${this.path}`);
    }
    if (replacement.name !== existing.name) throw new Error(`cannot replace ${existing.path} by ${replacement.path}`);
    if (replacement.parent !== null) throw new Error(`${replacement.path} is already attached`);
    this.children.set(existing.name, replacement);
    existing.parent = null;
    replacement.parent = this;
  }

  /** etcd's Compare: an empty prevValue and a zero prevIndex always match. */
  compare(prevValue: string, prevIndex: number): CompareOutcome {
    const indexMatch = prevIndex === 0 || this.modifiedIndex === prevIndex;
    const valueMatch = prevValue === '' || this.value === prevValue;
    if (indexMatch && valueMatch) return 'match';
    if (indexMatch) return 'valueMismatch';
    if (valueMatch) return 'indexMismatch';
    return 'bothMismatch';
  }
}

/** Called with the path of every node a removal takes out of the tree. */
export type RemovedListener = (path: string) => void;

/**
 * Removes `node` (and, for a directory, everything under it) from the tree and the TTL heap.
 * A directory needs `dir`, and a non-empty one `recursive`; otherwise nothing is removed and
 * the etcd error is returned. `index` is the store index errors carry.
 */
export function removeNode(
  node: StoreNode,
  options: { dir: boolean; recursive: boolean; index: number },
  heap: TtlHeap<StoreNode>,
  onRemoved: RemovedListener | null,
): V2Error | null {
  if (node.children !== null) {
    if (!options.dir) return newV2Error(ErrorCode.NotFile, node.path, options.index);
    if (node.children.size !== 0 && !options.recursive) {
      return newV2Error(ErrorCode.DirNotEmpty, node.path, options.index);
    }
  }
  detachSubtree(node, heap, onRemoved);
  return null;
}

function detachSubtree(node: StoreNode, heap: TtlHeap<StoreNode>, onRemoved: RemovedListener | null): void {
  if (node.children !== null) {
    // Children go first, so a watcher learns of a key before the directory holding it.
    for (const child of [...node.children.values()]) detachSubtree(child, heap, onRemoved);
  }
  const parent = node.parent;
  if (parent === null || parent.children?.get(node.name) !== node) {
    throw new Error(`removing ${node.path}, which is not attached to the tree`);
  }
  parent.children.delete(node.name);
  node.parent = null;
  onRemoved?.(node.path);
  heap.remove(node);
}

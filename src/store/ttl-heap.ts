// The expiry queue of the store: a binary min-heap of the keys that have a TTL, ordered by
// expiration time and then by path. The path tie-break makes the order total, so every
// member (including one restored from a snapshot) expires keys with equal times in the same
// order and therefore at the same indexes.

/** What the heap needs from a node: its sort key and a slot to remember its position. */
export interface TtlEntry {
  readonly path: string;
  expireTimeMs: number | null;
  /** Position in the heap's array, or -1 when the entry is not in the heap. */
  heapIndex: number;
}

export class TtlHeap<T extends TtlEntry> {
  private readonly entries: T[] = [];

  get size(): number {
    return this.entries.length;
  }

  /** The entry that expires first, or null when no key has a TTL. */
  top(): T | null {
    return this.entries[0] ?? null;
  }

  push(entry: T): void {
    if (entry.heapIndex !== -1) throw new Error(`ttl heap: ${entry.path} is already queued`);
    if (entry.expireTimeMs === null) throw new Error(`ttl heap: ${entry.path} has no expiration`);
    entry.heapIndex = this.entries.length;
    this.entries.push(entry);
    this.siftUp(entry.heapIndex);
  }

  pop(): T {
    const first = this.entries[0];
    if (first === undefined) throw new Error('ttl heap: pop from an empty heap');
    this.remove(first);
    return first;
  }

  /** Removes the entry if it is queued; a no-op otherwise (as etcd's heap.remove). */
  remove(entry: T): void {
    const at = entry.heapIndex;
    if (at === -1) return;
    if (this.entries[at] !== entry) throw new Error(`ttl heap: ${entry.path} has a stale position`);
    const last = this.entries.pop() as T;
    entry.heapIndex = -1;
    if (last === entry) return;
    this.entries[at] = last;
    last.heapIndex = at;
    this.siftDown(at);
    this.siftUp(last.heapIndex);
  }

  /** Re-sorts an entry whose expiration changed; an entry not queued is left alone. */
  update(entry: T): void {
    if (entry.heapIndex === -1) return;
    this.remove(entry);
    this.push(entry);
  }

  private siftUp(start: number): void {
    let at = start;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.before(at, parent)) return;
      this.swap(at, parent);
      at = parent;
    }
  }

  private siftDown(start: number): void {
    let at = start;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= this.entries.length) return;
      const right = left + 1;
      const smaller = right < this.entries.length && this.before(right, left) ? right : left;
      if (!this.before(smaller, at)) return;
      this.swap(at, smaller);
      at = smaller;
    }
  }

  private before(i: number, j: number): boolean {
    const a = this.entries[i] as T;
    const b = this.entries[j] as T;
    const timeA = a.expireTimeMs as number;
    const timeB = b.expireTimeMs as number;
    if (timeA !== timeB) return timeA < timeB;
    return a.path < b.path;
  }

  private swap(i: number, j: number): void {
    const a = this.entries[i] as T;
    const b = this.entries[j] as T;
    this.entries[i] = b;
    this.entries[j] = a;
    a.heapIndex = j;
    b.heapIndex = i;
  }
}

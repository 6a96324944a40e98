// A Raft log suffix held in memory: items at consecutive indexes after a base (the snapshot
// index), with Raft's overwrite rule. The writer keeps entry terms in one, recovery keeps entries.

export class IndexedLog<T> {
  private items: T[] = [];

  constructor(private base = 0) {}

  /** Index of the last entry covered by the snapshot (0 for none). */
  get baseIndex(): number {
    return this.base;
  }

  get lastIndex(): number {
    return this.base + this.items.length;
  }

  /** Everything held, in index order. */
  values(): readonly T[] {
    return this.items;
  }

  has(index: number): boolean {
    return index > this.base && index <= this.lastIndex;
  }

  at(index: number): T {
    if (!this.has(index)) throw new RangeError(`index ${index} is outside (${this.base}, ${this.lastIndex}]`);
    return this.items[index - this.base - 1];
  }

  /** Stores `item` at `index`, dropping whatever was at `index` and after it (Raft's overwrite). */
  put(index: number, item: T): void {
    if (index <= this.base || index > this.lastIndex + 1) {
      throw new RangeError(`index ${index} does not extend the log (${this.base}, ${this.lastIndex}]`);
    }
    this.items.length = index - this.base - 1;
    this.items.push(item);
  }

  /** Moves the base to `index`, keeping the items after it (none, if the log ends before it). */
  compactTo(index: number): void {
    if (index < this.base) throw new RangeError(`cannot compact to ${index}, below the base ${this.base}`);
    this.items = index >= this.lastIndex ? [] : this.items.slice(index - this.base);
    this.base = index;
  }

  /** Empties the log and moves the base to `index`. */
  resetTo(index: number): void {
    this.items = [];
    this.base = index;
  }
}

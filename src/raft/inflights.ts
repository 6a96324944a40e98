// Flow control for one follower: the appends sent but not yet acknowledged, bounded both in
// count and in bytes, so a leader never has more than a bandwidth-delay product in flight.

export class Inflights {
  /** Last index of each append in flight, oldest first (a ring buffer). */
  private readonly indexes: Float64Array;
  private readonly sizes: Float64Array;
  private start = 0;
  count = 0;
  bytes = 0;

  constructor(
    readonly countMax: number,
    readonly bytesMax: number,
  ) {
    if (countMax < 1) throw new RangeError('inflights: countMax must be at least 1');
    this.indexes = new Float64Array(countMax);
    this.sizes = new Float64Array(countMax);
  }

  full(): boolean {
    return this.count === this.countMax || this.bytes >= this.bytesMax;
  }

  add(lastIndex: number, sizeBytes: number): void {
    if (this.count === this.countMax) throw new Error('inflights: adding to a full window');
    if (this.count > 0 && lastIndex <= this.indexes[(this.start + this.count - 1) % this.countMax]!) {
      throw new Error(`inflights: index ${lastIndex} does not increase`);
    }
    const slot = (this.start + this.count) % this.countMax;
    this.indexes[slot] = lastIndex;
    this.sizes[slot] = sizeBytes;
    this.count++;
    this.bytes += sizeBytes;
  }

  /** Frees every append whose last index is <= `index` (acknowledged). */
  freeLE(index: number): void {
    while (this.count > 0 && this.indexes[this.start]! <= index) this.freeFirst();
  }

  /** Frees the oldest append, so a heartbeat response can unstick a full window. */
  freeFirst(): void {
    if (this.count === 0) return;
    this.bytes -= this.sizes[this.start]!;
    this.start = (this.start + 1) % this.countMax;
    this.count--;
  }

  reset(): void {
    this.start = 0;
    this.count = 0;
    this.bytes = 0;
  }
}

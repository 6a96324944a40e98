// Where appended records wait, already framed, for the next group commit. Two buffers take turns:
// appends fill one while the other is being written, so a flush is one contiguous write with no
// copying, and memory stays bounded by `sizeBytesMax`.

export class PendingBuffer {
  private active: Buffer;
  private spare: Buffer | null = null;
  private inFlight: Buffer | null = null;
  private used = 0;

  constructor(
    initialSizeBytes: number,
    private readonly sizeBytesMax: number,
  ) {
    if (!(initialSizeBytes > 0 && initialSizeBytes <= sizeBytesMax)) {
      throw new RangeError(`pending buffer size ${initialSizeBytes} must be in (0, ${sizeBytesMax}]`);
    }
    this.active = Buffer.allocUnsafe(initialSizeBytes);
  }

  get usedBytes(): number {
    return this.used;
  }

  /**
   * Returns the buffer to write `bytes` more into, starting at `usedBytes`; grows it if needed.
   * Throws when the records waiting would exceed the limit (the caller must sync more often).
   */
  room(bytes: number): Buffer {
    const needed = this.used + bytes;
    if (needed > this.sizeBytesMax) {
      throw new RangeError(`${needed} bytes waiting to be written would exceed the limit ${this.sizeBytesMax}`);
    }
    if (needed > this.active.length) {
      const grown = Buffer.allocUnsafe(Math.min(this.sizeBytesMax, Math.max(needed, 2 * this.active.length)));
      this.active.copy(grown, 0, 0, this.used);
      this.active = grown;
    }
    return this.active;
  }

  /** Marks the bytes up to `endOffset` as written by the caller. */
  advanceTo(endOffset: number): void {
    if (endOffset < this.used || endOffset > this.active.length) {
      throw new RangeError(`cannot advance from ${this.used} to ${endOffset} (capacity ${this.active.length})`);
    }
    this.used = endOffset;
  }

  /** Hands over everything waiting for one write; appends continue into the other buffer. */
  take(): Buffer {
    if (this.inFlight !== null) throw new Error('take() while the previous batch is still being written');
    const batch = this.active.subarray(0, this.used);
    this.inFlight = this.active;
    this.active = this.spare ?? Buffer.allocUnsafe(this.inFlight.length);
    this.spare = null;
    this.used = 0;
    return batch;
  }

  /** The taken batch has been written: its buffer may be reused. */
  release(): void {
    if (this.inFlight === null) throw new Error('release() without a batch in flight');
    this.spare = this.inFlight;
    this.inFlight = null;
  }
}

// The packet and byte rates of a member's Raft appends (etcd's statsQueue): the last 200
// appends sent or received, with their sizes; the rate is taken over the span from the oldest
// to the newest, and an idle second clears the window (the rates read 0 again).

export interface Rates {
  readonly packetsPerSecond: number;
  readonly bytesPerSecond: number;
}

/** etcd's queueCapacity. */
export const RATE_WINDOW_CAPACITY = 200;
/** A window whose newest sample is older than this reads as idle. */
const IDLE_AFTER_MS = 1000;

export class RateWindow {
  private readonly timesMs = new Float64Array(RATE_WINDOW_CAPACITY);
  private readonly sizesBytes = new Float64Array(RATE_WINDOW_CAPACITY);
  private front = 0;
  private count = 0;
  private totalBytes = 0;

  record(atMs: number, sizeBytes: number): void {
    if (!(sizeBytes >= 0)) throw new Error(`a sample's size must be a non-negative number, got ${sizeBytes}`);
    const slot = (this.front + this.count) % RATE_WINDOW_CAPACITY;
    if (this.count === RATE_WINDOW_CAPACITY) {
      this.totalBytes -= this.sizesBytes[this.front]!;
      this.front = (this.front + 1) % RATE_WINDOW_CAPACITY;
    } else {
      this.count++;
    }
    this.timesMs[slot] = atMs;
    this.sizesBytes[slot] = sizeBytes;
    this.totalBytes += sizeBytes;
  }

  /**
   * Rates over the samples in the window. etcd divides by a zero span too (one sample, or all
   * in the same instant) and then fails to encode the infinity; here such a window reads 0.
   */
  rates(nowMs: number): Rates {
    if (this.count === 0) return { packetsPerSecond: 0, bytesPerSecond: 0 };
    const newestMs = this.timesMs[(this.front + this.count - 1) % RATE_WINDOW_CAPACITY]!;
    if (nowMs - newestMs > IDLE_AFTER_MS) {
      this.clear();
      return { packetsPerSecond: 0, bytesPerSecond: 0 };
    }
    const spanMs = newestMs - this.timesMs[this.front]!;
    if (spanMs <= 0) return { packetsPerSecond: 0, bytesPerSecond: 0 };
    return { packetsPerSecond: (this.count * 1000) / spanMs, bytesPerSecond: (this.totalBytes * 1000) / spanMs };
  }

  private clear(): void {
    this.front = 0;
    this.count = 0;
    this.totalBytes = 0;
  }
}

// A single-producer, single-consumer byte ring in a SharedArrayBuffer: one directed link between
// two threads. Records are length-prefixed chunks laid out contiguously (a record may be encoded
// in place), a full ring tells the writer to wait instead of queueing without bound, records
// larger than a chunk travel in several, and each side sleeps on the other's position word.

/** Control words, 64 bytes apart so the two sides never share a cache line. */
const WRITE_POSITION = 0;
const READ_POSITION = 16;
const RING_HEADER_BYTES = 128;

const CHUNK_HEADER_BYTES = 4;
/** Header flag: more chunks of the same record follow this one. */
const FLAG_MORE = 0x4000_0000;
/** Header flag: the rest of the ring up to its end is unused; continue at its start. */
const FLAG_PAD = 0x8000_0000;
const LENGTH_MASK = 0x3fff_ffff;

const RING_CAPACITY_BYTES_MIN = 64;
const RING_CAPACITY_BYTES_MAX = 1 << 30;
/** The largest record a reader assembles unless told otherwise. */
const RECORD_BYTES_MAX_DEFAULT = 64 << 20;

/** Period of the idle timer that keeps a waiting thread alive; it never needs to fire. */
const KEEP_ALIVE_INTERVAL_MS = 1 << 30;

type WaitResult = 'ok' | 'not-equal' | 'timed-out';
/** `Atomics.waitAsync` (Node 20 has it; the ES2023 library types do not). */
const waitAsync = (Atomics as unknown as {
  waitAsync(array: Int32Array, index: number, value: number, timeoutMs?: number): { async: boolean; value: WaitResult | Promise<WaitResult> };
}).waitAsync;

/** A ring's shared memory: `capacityBytes` (a power of two) of data after the control words. */
export function createRingBuffer(capacityBytes: number): SharedArrayBuffer {
  const isPowerOfTwo = Number.isInteger(capacityBytes) && (capacityBytes & (capacityBytes - 1)) === 0;
  if (!(isPowerOfTwo && capacityBytes >= RING_CAPACITY_BYTES_MIN && capacityBytes <= RING_CAPACITY_BYTES_MAX)) {
    throw new RangeError(`ring capacity must be a power of two in [${RING_CAPACITY_BYTES_MIN}, 2^30], not ${capacityBytes}`);
  }
  return new SharedArrayBuffer(RING_HEADER_BYTES + capacityBytes);
}

/** What both ends share: the views, and the positions as counters of bytes that wrap at 2^32. */
abstract class RingEnd {
  protected readonly control: Int32Array;
  protected readonly data: Uint8Array;
  protected readonly view: DataView;
  readonly capacityBytes: number;
  /** The largest payload of one chunk; a record up to this size goes in one piece. */
  readonly chunkBytesMax: number;

  constructor(buffer: SharedArrayBuffer) {
    this.capacityBytes = buffer.byteLength - RING_HEADER_BYTES;
    if ((this.capacityBytes & (this.capacityBytes - 1)) !== 0 || this.capacityBytes < RING_CAPACITY_BYTES_MIN) {
      throw new RangeError('not a ring buffer: use createRingBuffer');
    }
    this.control = new Int32Array(buffer, 0, RING_HEADER_BYTES / 4);
    this.data = new Uint8Array(buffer, RING_HEADER_BYTES);
    this.view = new DataView(buffer, RING_HEADER_BYTES);
    // A quarter of the ring, so a large record streams while the reader drains earlier chunks.
    this.chunkBytesMax = this.capacityBytes / 4 - CHUNK_HEADER_BYTES;
  }

  protected position(word: number): number {
    return Atomics.load(this.control, word) >>> 0;
  }

  protected usedBytes(): number {
    return (this.position(WRITE_POSITION) - this.position(READ_POSITION)) >>> 0;
  }

  /** Sleeps until `word` no longer holds `seen` or `timeoutMs` passes. */
  protected async waitWhile(word: number, seen: number, timeoutMs: number): Promise<void> {
    const result = waitAsync(this.control, word, seen | 0, timeoutMs);
    if (!result.async) return;
    // A pending waitAsync does not keep Node's event loop alive; an idle timer does, so a
    // thread waiting on its ring does not exit under the wait.
    const keepAlive = setInterval(() => {}, KEEP_ALIVE_INTERVAL_MS);
    try {
      await result.value;
    } finally {
      clearInterval(keepAlive);
    }
  }
}

export class RingWriter extends RingEnd {
  private writing = false;

  /**
   * Writes one record of `sizeBytes` (at most `chunkBytesMax`) that `fill` encodes in place at
   * `target[offset]`; false when the ring has no room for it now (call `waitForRoom`).
   */
  tryWriteWith(sizeBytes: number, fill: (target: Uint8Array, offset: number) => void): boolean {
    if (this.writing) throw new Error('ring writer is busy with a chunked record');
    return this.tryWriteChunk(sizeBytes, 0, fill);
  }

  /** Copies `record` (at most `chunkBytesMax` bytes) in; false when the ring is full for now. */
  tryWrite(record: Uint8Array): boolean {
    return this.tryWriteWith(record.byteLength, (target, offset) => target.set(record, offset));
  }

  /** Writes a record of any size, waiting for room and sending it in chunks when it is large. */
  async write(record: Uint8Array, timeoutMs = Infinity): Promise<void> {
    if (this.writing) throw new Error('ring writer is busy with a chunked record');
    this.writing = true;
    const deadlineMs = performance.now() + timeoutMs;
    try {
      let sent = 0;
      do {
        const length = Math.min(this.chunkBytesMax, record.byteLength - sent);
        const flags = sent + length < record.byteLength ? FLAG_MORE : 0;
        const chunk = record.subarray(sent, sent + length);
        while (!this.tryWriteChunk(length, flags, (target, offset) => target.set(chunk, offset))) {
          await this.waitForRoom(timeLeftMs(deadlineMs, timeoutMs, 'for room on the ring'));
        }
        sent += length;
      } while (sent < record.byteLength);
    } finally {
      this.writing = false;
    }
  }

  /** Resolves once the reader has taken something out (or after `timeoutMs`). */
  async waitForRoom(timeoutMs = Infinity): Promise<void> {
    const seen = this.position(READ_POSITION);
    if (this.usedBytes() === 0) return;
    await this.waitWhile(READ_POSITION, seen, timeoutMs);
  }

  private tryWriteChunk(length: number, flags: number, fill: (target: Uint8Array, offset: number) => void): boolean {
    if (!(Number.isInteger(length) && length >= 0 && length <= this.chunkBytesMax)) {
      throw new RangeError(`chunk of ${length} bytes exceeds the ring's ${this.chunkBytesMax}`);
    }
    const write = this.position(WRITE_POSITION);
    const offset = write & (this.capacityBytes - 1);
    const toEndBytes = this.capacityBytes - offset;
    const chunkBytes = align4(CHUNK_HEADER_BYTES + length);
    // A chunk never wraps: if it does not fit before the end, padding fills the end first.
    const padBytes = chunkBytes <= toEndBytes ? 0 : toEndBytes;
    if (this.capacityBytes - this.usedBytes() < padBytes + chunkBytes) return false;
    if (padBytes > 0) this.view.setUint32(offset, FLAG_PAD, true);
    const start = (offset + padBytes) & (this.capacityBytes - 1);
    this.view.setUint32(start, length | flags, true);
    fill(this.data, start + CHUNK_HEADER_BYTES);
    // Publishing the new position releases the bytes above to the reader.
    Atomics.store(this.control, WRITE_POSITION, (write + padBytes + chunkBytes) | 0);
    Atomics.notify(this.control, WRITE_POSITION);
    return true;
  }
}

export class RingReader extends RingEnd {
  private parts: Uint8Array[] = [];
  private partsBytes = 0;

  constructor(
    buffer: SharedArrayBuffer,
    readonly recordBytesMax = RECORD_BYTES_MAX_DEFAULT,
  ) {
    super(buffer);
  }

  /** Takes the next whole record out (a copy the caller owns), or null if none is complete yet. */
  tryRead(): Uint8Array | null {
    while (this.usedBytes() > 0) {
      const chunk = this.takeChunk();
      if (chunk === null) continue;
      this.partsBytes += chunk.bytes.byteLength;
      if (this.partsBytes > this.recordBytesMax) {
        throw new Error(`ring record exceeds ${this.recordBytesMax} bytes: writer and reader disagree`);
      }
      if (chunk.more) {
        this.parts.push(chunk.bytes);
        continue;
      }
      const record = this.parts.length === 0 ? chunk.bytes : concat([...this.parts, chunk.bytes], this.partsBytes);
      this.parts = [];
      this.partsBytes = 0;
      return record;
    }
    return null;
  }

  /** Waits for and returns the next whole record. */
  async read(timeoutMs = Infinity): Promise<Uint8Array> {
    const deadlineMs = performance.now() + timeoutMs;
    for (;;) {
      const record = this.tryRead();
      if (record !== null) return record;
      await this.waitForData(timeLeftMs(deadlineMs, timeoutMs, 'for a record on the ring'));
    }
  }

  /** Resolves once the writer has put something in (or after `timeoutMs`). */
  async waitForData(timeoutMs = Infinity): Promise<void> {
    const seen = this.position(WRITE_POSITION);
    if (this.usedBytes() > 0) return;
    await this.waitWhile(WRITE_POSITION, seen, timeoutMs);
  }

  /** Copies the chunk at the read position out and frees its room; null for padding. */
  private takeChunk(): { bytes: Uint8Array; more: boolean } | null {
    const read = this.position(READ_POSITION);
    const offset = read & (this.capacityBytes - 1);
    const header = this.view.getUint32(offset, true);
    let consumedBytes: number;
    let chunk: { bytes: Uint8Array; more: boolean } | null = null;
    if ((header & FLAG_PAD) !== 0) {
      consumedBytes = this.capacityBytes - offset;
    } else {
      const length = header & LENGTH_MASK;
      if (length > this.chunkBytesMax) throw new Error(`corrupt ring: chunk of ${length} bytes at ${offset}`);
      const start = offset + CHUNK_HEADER_BYTES;
      chunk = { bytes: this.data.slice(start, start + length), more: (header & FLAG_MORE) !== 0 };
      consumedBytes = align4(CHUNK_HEADER_BYTES + length);
    }
    if (consumedBytes > this.usedBytes()) throw new Error('corrupt ring: chunk runs past the write position');
    Atomics.store(this.control, READ_POSITION, (read + consumedBytes) | 0);
    Atomics.notify(this.control, READ_POSITION);
    return chunk;
  }
}

/** The time left until `deadlineMs`; throws once it has passed. */
function timeLeftMs(deadlineMs: number, timeoutMs: number, waitingFor: string): number {
  const leftMs = deadlineMs - performance.now();
  if (leftMs <= 0) throw new Error(`waited ${timeoutMs} ms ${waitingFor} in vain`);
  return leftMs;
}

function align4(bytes: number): number {
  return (bytes + 3) & ~3;
}

function concat(parts: Uint8Array[], totalBytes: number): Uint8Array {
  const whole = new Uint8Array(totalBytes);
  let offset = 0;
  for (const part of parts) {
    whole.set(part, offset);
    offset += part.byteLength;
  }
  return whole;
}

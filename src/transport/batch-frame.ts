// A batch of messages to one peer as one byte frame: an f64 arrival time, then each message's
// encoding preceded by its u32 length. Transports move frames (a transferred buffer, a ring
// record, a ws binary frame). The arrival time says when the receiver may hand the messages on:
// a delayed link sends a frame a little before it is due and the receiver holds it until then
// (see arrival-hold.ts), so the receiver's own timer, not the sender's, ends the wait.

import type { Message } from '../raft/types.js';
import { encodedSize, encodeMessageInto } from './message-codec.js';

/** Bytes before the first message: the arrival time. */
export const BATCH_HEADER_BYTES = 8;
/** The arrival time of a frame whose messages are handed on as soon as they arrive. */
export const ARRIVE_AT_ONCE = 0;
/** The arrival time of an empty frame saying that the link was cut: drop what is held from it. */
export const CUT_NOTICE = -1;

/** The exact frame size of `batch`; `sizes` receives each message's encoded size. */
export function batchFrameSize(batch: readonly Message[], sizes: number[]): number {
  let total = BATCH_HEADER_BYTES;
  sizes.length = 0;
  for (const message of batch) {
    const size = encodedSize(message);
    sizes.push(size);
    total += 4 + size;
  }
  return total;
}

/**
 * Encodes `batch` into `target` at `offset` (room sized by batchFrameSize), to be handed on at
 * `arrivalAtMs` on the process's monotonic clock (or ARRIVE_AT_ONCE, or CUT_NOTICE).
 */
export function packBatchInto(batch: readonly Message[], sizes: readonly number[], arrivalAtMs: number, target: Uint8Array, offset: number): void {
  const view = new DataView(target.buffer, target.byteOffset, target.byteLength);
  view.setFloat64(offset, arrivalAtMs, true);
  let at = offset + BATCH_HEADER_BYTES;
  for (let i = 0; i < batch.length; i++) {
    const size = sizes[i]!;
    view.setUint32(at, size, true);
    // The codec checks that the message fills exactly the size measured for it.
    at = encodeMessageInto(batch[i]!, target, at + 4, size);
  }
}

/** `batch` packed into a fresh, exactly-sized buffer (transferable). */
export function packBatch(batch: readonly Message[], arrivalAtMs: number = ARRIVE_AT_ONCE): Uint8Array<ArrayBuffer> {
  const sizes: number[] = [];
  return packMeasuredBatch(batch, sizes, batchFrameSize(batch, sizes), arrivalAtMs);
}

/** packBatch for a caller that has already measured `batch`: `sizes` and `frameBytes` as batchFrameSize gave them. */
export function packMeasuredBatch(batch: readonly Message[], sizes: readonly number[], frameBytes: number, arrivalAtMs: number): Uint8Array<ArrayBuffer> {
  const frame = new Uint8Array(frameBytes);
  packBatchInto(batch, sizes, arrivalAtMs, frame, 0);
  return frame;
}

/** The arrival time `frame` carries; throws on a frame too short to carry one, or on a bad time. */
export function frameArrivalAtMs(frame: Uint8Array): number {
  if (frame.byteLength < BATCH_HEADER_BYTES) throw new RangeError(`batch frame: ${frame.byteLength} bytes, shorter than its header`);
  // Most frames arrive at once: eight zero bytes, read without making a view.
  if ((frame[0]! | frame[1]! | frame[2]! | frame[3]! | frame[4]! | frame[5]! | frame[6]! | frame[7]!) === 0) return ARRIVE_AT_ONCE;
  const arrivalAtMs = new DataView(frame.buffer, frame.byteOffset, BATCH_HEADER_BYTES).getFloat64(0, true);
  if (!(Number.isFinite(arrivalAtMs) && (arrivalAtMs >= 0 || arrivalAtMs === CUT_NOTICE))) throw new RangeError(`batch frame: bad arrival time ${arrivalAtMs}`);
  return arrivalAtMs;
}

/** Calls `each` with a view of every message in `frame`; throws on a malformed frame. */
export function unpackBatch(frame: Uint8Array, each: (bytes: Uint8Array) => void): void {
  if (frame.byteLength < BATCH_HEADER_BYTES) throw new RangeError(`batch frame: ${frame.byteLength} bytes, shorter than its header`);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  let at = BATCH_HEADER_BYTES;
  while (at < frame.byteLength) {
    if (at + 4 > frame.byteLength) throw new RangeError(`batch frame: truncated length at ${at}`);
    const length = view.getUint32(at, true);
    if (at + 4 + length > frame.byteLength) throw new RangeError(`batch frame: message of ${length} bytes overruns at ${at}`);
    each(frame.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
}

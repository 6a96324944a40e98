// A batch of messages to one peer as one byte frame: each message's encoding preceded by its
// u32 length. Transports move frames (a transferred buffer, a ring record, a ws binary frame).

import type { Message } from '../raft/types.js';
import { encodedSize, encodeMessageInto } from './message-codec.js';

/** The exact frame size of `batch`; `sizes` receives each message's encoded size. */
export function batchFrameSize(batch: readonly Message[], sizes: number[]): number {
  let total = 0;
  sizes.length = 0;
  for (const message of batch) {
    const size = encodedSize(message);
    sizes.push(size);
    total += 4 + size;
  }
  return total;
}

/** Encodes `batch` into `target` at `offset` (room sized by batchFrameSize). */
export function packBatchInto(batch: readonly Message[], sizes: readonly number[], target: Uint8Array, offset: number): void {
  const view = new DataView(target.buffer, target.byteOffset, target.byteLength);
  let at = offset;
  batch.forEach((message, i) => {
    view.setUint32(at, sizes[i]!, true);
    const end = encodeMessageInto(message, target, at + 4);
    if (end !== at + 4 + sizes[i]!) throw new Error(`batch frame: message ${i} encoded to an unexpected size`);
    at = end;
  });
}

/** `batch` packed into a fresh, exactly-sized buffer (transferable). */
export function packBatch(batch: readonly Message[]): Uint8Array<ArrayBuffer> {
  const sizes: number[] = [];
  const frame = new Uint8Array(batchFrameSize(batch, sizes));
  packBatchInto(batch, sizes, frame, 0);
  return frame;
}

/** Calls `each` with a view of every message in `frame`; throws on a malformed frame. */
export function unpackBatch(frame: Uint8Array, each: (bytes: Uint8Array) => void): void {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  let at = 0;
  while (at < frame.byteLength) {
    if (at + 4 > frame.byteLength) throw new RangeError(`batch frame: truncated length at ${at}`);
    const length = view.getUint32(at, true);
    if (at + 4 + length > frame.byteLength) throw new RangeError(`batch frame: message of ${length} bytes overruns at ${at}`);
    each(frame.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
}

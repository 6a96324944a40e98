// The on-disk frame around every WAL record: [u32 payload length][u32 crc32 of type+payload]
// [u8 type][payload], little endian. Type byte 0 is never valid, so zero-filled (preallocated,
// never written) space can never be mistaken for a record.
import { crc32 } from './checksum.js';

export const enum RecordType {
  /** First record of every segment: its sequence number and the first log index it was cut for. */
  SegmentStart = 1,
  Entry = 2,
  HardState = 3,
  /** Entries up to the marker's index live in a snapshot file from here on. */
  SnapshotMarker = 4,
}

const RECORD_TYPE_MAX = RecordType.SnapshotMarker;
export const FRAME_HEADER_BYTES = 9;
const TYPE_OFFSET = 8;

/**
 * Completes a frame whose payload was already written at `frameStart + FRAME_HEADER_BYTES`:
 * fills in the length, type and checksum. Returns the offset just past the frame.
 */
export function sealFrame(target: Buffer, frameStart: number, type: RecordType, payloadBytes: number): number {
  const frameEnd = frameStart + FRAME_HEADER_BYTES + payloadBytes;
  if (frameEnd > target.length) throw new RangeError(`frame end ${frameEnd} is past the buffer (${target.length})`);
  target.writeUInt32LE(payloadBytes, frameStart);
  target[frameStart + TYPE_OFFSET] = type;
  target.writeUInt32LE(crc32(target.subarray(frameStart + TYPE_OFFSET, frameEnd)), frameStart + 4);
  return frameEnd;
}

export type FrameRead =
  | { ok: true; type: RecordType; payload: Buffer; endOffsetBytes: number }
  | { ok: false; reason: string };

export type FrameHeaderRead = { ok: true; type: RecordType; endOffsetBytes: number } | { ok: false; reason: string };

/** Checks the header of the frame at `offset` (type, length, bounds) without the checksum. */
export function readFrameHeaderAt(source: Buffer, offset: number, recordSizeBytesMax: number): FrameHeaderRead {
  if (source.length - offset < FRAME_HEADER_BYTES) return { ok: false, reason: 'incomplete record header' };
  const type = source[offset + TYPE_OFFSET];
  if (type < 1 || type > RECORD_TYPE_MAX) return { ok: false, reason: `invalid record type ${type}` };
  const payloadBytes = source.readUInt32LE(offset);
  if (payloadBytes + FRAME_HEADER_BYTES > recordSizeBytesMax) {
    return { ok: false, reason: `record length ${payloadBytes} exceeds the limit ${recordSizeBytesMax}` };
  }
  const endOffsetBytes = offset + FRAME_HEADER_BYTES + payloadBytes;
  if (endOffsetBytes > source.length) return { ok: false, reason: 'record runs past the end of the file' };
  return { ok: true, type: type as RecordType, endOffsetBytes };
}

/** Reads the frame starting at `offset`, or says why no valid frame starts there. */
export function readFrameAt(source: Buffer, offset: number, recordSizeBytesMax: number): FrameRead {
  const header = readFrameHeaderAt(source, offset, recordSizeBytesMax);
  if (!header.ok) return header;
  const expectedCrc = source.readUInt32LE(offset + 4);
  if (crc32(source.subarray(offset + TYPE_OFFSET, header.endOffsetBytes)) !== expectedCrc) {
    return { ok: false, reason: 'checksum mismatch' };
  }
  const payload = source.subarray(offset + FRAME_HEADER_BYTES, header.endOffsetBytes);
  return { ok: true, type: header.type, payload, endOffsetBytes: header.endOffsetBytes };
}

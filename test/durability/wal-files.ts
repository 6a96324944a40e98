// Helpers for damaging a stopped member's WAL on purpose: find its last segment, list where
// its records start and end, and tear, zero, flip or cut bytes at a chosen record.

import { open, readdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { scanSegment } from '../../src/wal/segment-scan.js';

const RECORD_BYTES_MAX = 64 * 1024 * 1024;

export interface FrameSpan {
  startBytes: number;
  endBytes: number;
}

export interface SegmentLayout {
  path: string;
  name: string;
  frames: FrameSpan[];
  /** Where valid data ends, and where the last non-zero byte after it ends. */
  endOffsetBytes: number;
  dirtyEndBytes: number;
}

export async function lastSegmentPath(memberDir: string): Promise<{ path: string; name: string }> {
  const names = (await readdir(memberDir)).filter((name) => name.endsWith('.wal')).sort();
  const name = names.at(-1);
  if (name === undefined) throw new Error(`no WAL segment in ${memberDir}`);
  return { path: join(memberDir, name), name };
}

export async function segmentLayout(memberDir: string): Promise<SegmentLayout> {
  const { path, name } = await lastSegmentPath(memberDir);
  const frames: FrameSpan[] = [];
  const scan = scanSegment(await readFile(path), name, true, RECORD_BYTES_MAX, (frame) => {
    frames.push({ startBytes: frame.offsetBytes, endBytes: frame.offsetBytes + 9 + frame.payload.length });
  });
  return { path, name, frames, ...scan };
}

/** Cuts the file short inside `frame`, as a crash in the middle of its write would. */
export async function truncateInside(path: string, frame: FrameSpan): Promise<void> {
  await truncate(path, midpoint(frame));
}

/** Overwrites the second half of `frame` with zeros (a write whose later pages never landed). */
export async function zeroFrom(path: string, frame: FrameSpan): Promise<void> {
  const from = midpoint(frame);
  await writeAt(path, Buffer.alloc(frame.endBytes - from), from);
}

/** Flips one bit in the payload of `frame`. */
export async function flipBitIn(path: string, frame: FrameSpan): Promise<void> {
  const at = midpoint(frame);
  const image = await readFile(path);
  await writeAt(path, Buffer.from([image[at]! ^ 0x10]), at);
}

/** Removes the bytes from the middle of `frame` to its end: the records after it shift down. */
export async function cutOutRestOf(path: string, frame: FrameSpan): Promise<void> {
  const image = await readFile(path);
  await writeFile(path, Buffer.concat([image.subarray(0, midpoint(frame)), image.subarray(frame.endBytes)]));
}

function midpoint(frame: FrameSpan): number {
  if (frame.endBytes - frame.startBytes < 2) throw new Error('frame too short to damage inside');
  return frame.startBytes + Math.max(1, Math.floor((frame.endBytes - frame.startBytes) / 2));
}

async function writeAt(path: string, bytes: Buffer, offsetBytes: number): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.write(bytes, 0, bytes.length, offsetBytes);
  } finally {
    await handle.close();
  }
}

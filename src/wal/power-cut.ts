// Simulated power cuts for the cluster runtime's `kill --loseUnsynced`: the writer publishes the
// position of its last completed sync into a Float64Array (shared memory survives the worker), and
// dropUnsynced() destroys everything written after that position, as losing the page cache would.
import fs from 'node:fs/promises';
import path from 'node:path';
import { fsyncDirectory, zeroFill } from './durable-fs.js';
import { parseSegmentFileName } from './file-names.js';

/** Where the last completed sync ended: everything before it is durable. */
export interface SyncedPosition {
  segmentSeq: number;
  offsetBytes: number;
}

/** Slots of the published position: [segmentSeq, offsetBytes]. */
export const SYNCED_POSITION_SLOTS = 2;

/**
 * Stores the position in `target`. The two slots are written separately, so read them only when
 * the writer has stopped (as a supervisor does after the worker died).
 */
export function publishSyncedPosition(target: Float64Array, position: SyncedPosition): void {
  target[0] = position.segmentSeq;
  target[1] = position.offsetBytes;
}

/** The position last published into `source`, or null if none was. */
export function readSyncedPosition(source: Float64Array): SyncedPosition | null {
  if (source.length < SYNCED_POSITION_SLOTS) throw new RangeError(`position array needs ${SYNCED_POSITION_SLOTS} slots`);
  const [segmentSeq, offsetBytes] = source;
  if (!(segmentSeq > 0)) return null;
  return { segmentSeq, offsetBytes };
}

/**
 * Zero-fills the segment at `position` from its offset to its end and deletes every later segment:
 * the files look as they would after a power cut right after that sync. Other files are untouched.
 */
export async function dropUnsynced(dir: string, position: SyncedPosition): Promise<void> {
  const segments = (await fs.readdir(dir)).flatMap((name) => {
    const parsed = parseSegmentFileName(name);
    return parsed ? [{ name, segmentSeq: parsed.segmentSeq }] : [];
  });
  const synced = segments.find((segment) => segment.segmentSeq === position.segmentSeq);
  if (!synced) throw new Error(`no segment ${position.segmentSeq} in ${dir} to cut at`);
  for (const segment of segments) {
    if (segment.segmentSeq > position.segmentSeq) await fs.unlink(path.join(dir, segment.name));
  }
  const handle = await fs.open(path.join(dir, synced.name), 'r+');
  try {
    const { size } = await handle.stat();
    if (position.offsetBytes > size) throw new Error(`offset ${position.offsetBytes} is past the end of ${synced.name}`);
    await zeroFill(handle, position.offsetBytes, size);
    await handle.datasync();
  } finally {
    await handle.close();
  }
  await fsyncDirectory(dir);
}

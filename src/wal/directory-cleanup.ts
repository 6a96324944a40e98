// Removes files a WAL directory no longer needs: half-made `.tmp` files left by a crash, and
// snapshot files other than the one the log's last durable marker names.
import fs from 'node:fs/promises';
import path from 'node:path';
import { fsyncDirectory } from './durable-fs.js';
import { TEMP_SUFFIX, isSnapshotFileName, snapshotFileName } from './file-names.js';

type SnapshotId = { index: number; term: number } | null;

async function removeFilesWhere(dir: string, isStale: (name: string) => boolean): Promise<void> {
  const stale = (await fs.readdir(dir)).filter(isStale);
  for (const name of stale) await fs.unlink(path.join(dir, name));
  if (stale.length > 0) await fsyncDirectory(dir);
}

function isOtherSnapshot(name: string, keep: SnapshotId): boolean {
  return isSnapshotFileName(name) && name !== (keep ? snapshotFileName(keep.index, keep.term) : null);
}

/** Before the WAL starts writing: temp files and snapshots other than `keep` (null: all). */
export async function removeStaleFilesAtOpen(dir: string, keep: SnapshotId): Promise<void> {
  await removeFilesWhere(dir, (name) => name.endsWith(TEMP_SUFFIX) || isOtherSnapshot(name, keep));
}

/**
 * Once a newer snapshot's marker is durable: the older snapshots. Temp files stay, since the
 * next segment may be under preparation in one.
 */
export async function removeOlderSnapshots(dir: string, keep: { index: number; term: number }): Promise<void> {
  await removeFilesWhere(dir, (name) => isOtherSnapshot(name, keep));
}

// Removes files a WAL directory no longer needs: half-made `.tmp` files left by a crash, and
// snapshot files other than the one the log's last durable marker names.
import fs from 'node:fs/promises';
import path from 'node:path';
import { fsyncDirectory } from './durable-fs.js';
import { TEMP_SUFFIX, isSnapshotFileName, snapshotFileName } from './file-names.js';

/** Deletes stale files; `keepSnapshot` is the snapshot the log refers to, or null for none. */
export async function removeStaleFiles(dir: string, keepSnapshot: { index: number; term: number } | null): Promise<number> {
  const keepName = keepSnapshot ? snapshotFileName(keepSnapshot.index, keepSnapshot.term) : null;
  const stale = (await fs.readdir(dir)).filter(
    (name) => name.endsWith(TEMP_SUFFIX) || (isSnapshotFileName(name) && name !== keepName),
  );
  for (const name of stale) await fs.unlink(path.join(dir, name));
  if (stale.length > 0) await fsyncDirectory(dir);
  return stale.length;
}

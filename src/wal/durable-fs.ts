// File-system steps that make data survive a power cut: directory fsync (so new and renamed names
// last), atomic file replacement, and zero-filling (for preallocation and for erasing torn tails).
import fs from 'node:fs/promises';
import path from 'node:path';
import { TEMP_SUFFIX } from './file-names.js';

const ZERO_FILL_CHUNK = Buffer.alloc(1 << 20);

/** Makes the directory's entries (created, renamed and removed names) durable. */
export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes zeros over [startBytes, endBytes) of an open file, in bounded chunks. */
export async function zeroFill(handle: fs.FileHandle, startBytes: number, endBytes: number): Promise<void> {
  for (let at = startBytes; at < endBytes; ) {
    const length = Math.min(ZERO_FILL_CHUNK.length, endBytes - at);
    const { bytesWritten } = await handle.write(ZERO_FILL_CHUNK, 0, length, at);
    if (bytesWritten <= 0) throw new Error(`zero-fill made no progress at byte ${at}`);
    at += bytesWritten;
  }
}

/** Replaces `filePath` with `chunks` all at once: temp file, fdatasync, rename, directory fsync. */
export async function writeFileAtomically(filePath: string, chunks: readonly Uint8Array[]): Promise<void> {
  const tempPath = filePath + TEMP_SUFFIX;
  const handle = await fs.open(tempPath, 'w');
  try {
    let position = 0;
    for (const chunk of chunks) {
      for (let done = 0; done < chunk.length; ) {
        const { bytesWritten } = await handle.write(chunk, done, chunk.length - done, position);
        if (bytesWritten <= 0) throw new Error(`write to ${tempPath} made no progress`);
        done += bytesWritten;
        position += bytesWritten;
      }
    }
    await handle.datasync();
  } finally {
    await handle.close();
  }
  await fs.rename(tempPath, filePath);
  await fsyncDirectory(path.dirname(filePath));
}

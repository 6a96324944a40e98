// Prepares the next segment file in the background: a temp file zero-filled to the segment size
// and fdatasynced, so that the writer later only overwrites allocated blocks (an overwrite plus
// fdatasync is much cheaper than an append, which must also make the new file size durable).
import fs from 'node:fs/promises';
import path from 'node:path';
import { zeroFill } from './durable-fs.js';
import { TEMP_SUFFIX } from './file-names.js';

const PREPARED_NAME = 'next-segment.wal' + TEMP_SUFFIX;

export class SegmentPreparer {
  private preparing: Promise<string> | null = null;

  constructor(
    private readonly dir: string,
    private readonly segmentSizeBytes: number,
  ) {}

  /** Starts preparing the next segment unless that is already under way or done. */
  start(): void {
    if (this.preparing) return;
    this.preparing = this.prepare();
    // The outcome is reported by take(); meanwhile a failure must not count as unhandled.
    this.preparing.catch(() => undefined);
  }

  /** Waits for the prepared file and hands over its path; the caller must rename it away. */
  async take(): Promise<string> {
    this.start();
    const preparing = this.preparing;
    if (!preparing) throw new Error('segment preparation did not start');
    this.preparing = null;
    return preparing;
  }

  /** Waits for background work to end, whatever its outcome. */
  async settle(): Promise<void> {
    await this.preparing?.catch(() => undefined);
  }

  private async prepare(): Promise<string> {
    const filePath = path.join(this.dir, PREPARED_NAME);
    const handle = await fs.open(filePath, 'w');
    try {
      await zeroFill(handle, 0, this.segmentSizeBytes);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    return filePath;
  }
}

// The two calls on the WAL's hot path, positional write and fdatasync, in three flavours:
// 'async' goes through libuv's thread pool (shared by every worker of the process), 'sync'
// blocks only the calling thread, 'auto' writes on the calling thread and lets its owner say
// where the fdatasync runs. Tests wrap an implementation to delay or fail syncs. The flavours that
// write on the calling thread can also rewrite bytes in place at once, to warm the write path.
import fs from 'node:fs';

export type SyncMode = 'async' | 'sync' | 'auto';

const SYNC_MODES: readonly SyncMode[] = ['sync', 'async', 'auto'];

export interface WalDiskIo {
  /** Writes all of `data` at `positionBytes` (looping over short writes). */
  writeAt(fd: number, data: Uint8Array, positionBytes: number): Promise<void>;
  /** Returns once the file's data (and the metadata needed to read it) is on stable storage. */
  datasync(fd: number): Promise<void>;
  /** 'auto' only: fdatasync on the thread pool (true) or on the calling thread (false). */
  syncOffThread?(offThread: boolean): void;
  /** Whether datasync() blocks the calling thread (absent: it does not). */
  readonly syncBlocksThread?: boolean;
  /**
   * Writes all of `data` at `positionBytes` on the calling thread before returning. Only for
   * bytes the file already holds there (see SegmentWriter.warmNextWrite); absent where writes
   * do not run on the calling thread.
   */
  rewriteInPlace?(fd: number, data: Uint8Array, positionBytes: number): void;
  /**
   * Writes all of `data` at `positionBytes` and makes it durable, both on the calling thread,
   * before returning true; returns false, doing nothing, where the fdatasync would not run on the
   * calling thread ('auto' with its sync on the pool). Absent where writes do not run on the
   * calling thread. A flush done at once spares its waiter the promise hops between the write,
   * the fdatasync and the waiter, and the wait for the turn to end before the fdatasync begins.
   */
  flushNow?(fd: number, data: Uint8Array, positionBytes: number): boolean;
}

function writeOnce(fd: number, data: Uint8Array, offset: number, positionBytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.write(fd, data, offset, data.length - offset, positionBytes, (error, bytesWritten) => {
      if (error) reject(error);
      else resolve(bytesWritten);
    });
  });
}

function assertProgress(bytesWritten: number, positionBytes: number): void {
  if (bytesWritten <= 0) throw new Error(`write at byte ${positionBytes} made no progress`);
}

const asyncDiskIo: WalDiskIo = {
  async writeAt(fd, data, positionBytes) {
    for (let done = 0; done < data.length; ) {
      const bytesWritten = await writeOnce(fd, data, done, positionBytes + done);
      assertProgress(bytesWritten, positionBytes + done);
      done += bytesWritten;
    }
  },
  datasync(fd) {
    return new Promise((resolve, reject) => fs.fdatasync(fd, (error) => (error ? reject(error) : resolve())));
  },
};

function writeAllSync(fd: number, data: Uint8Array, positionBytes: number): void {
  for (let done = 0; done < data.length; ) {
    const bytesWritten = fs.writeSync(fd, data, done, data.length - done, positionBytes + done);
    assertProgress(bytesWritten, positionBytes + done);
    done += bytesWritten;
  }
}

const blockingDiskIo: WalDiskIo = {
  syncBlocksThread: true,
  async writeAt(fd, data, positionBytes) {
    writeAllSync(fd, data, positionBytes);
  },
  async datasync(fd) {
    fs.fdatasyncSync(fd);
  },
  rewriteInPlace: writeAllSync,
  flushNow: writeAndSyncAtOnce,
};

function writeAndSyncAtOnce(fd: number, data: Uint8Array, positionBytes: number): boolean {
  writeAllSync(fd, data, positionBytes);
  fs.fdatasyncSync(fd);
  return true;
}

/**
 * Writes land in the page cache in microseconds, so they always run on the calling thread; the
 * fdatasync moves to the pool while the thread has better things to do (a Raft leader serving
 * clients), and stays on the thread otherwise (a follower, whose answer waits for it anyway).
 */
class SwitchableDiskIo implements WalDiskIo {
  private offThread = false;
  /** Writes go through the calling thread in both modes, so rewrites can too. */
  readonly rewriteInPlace = writeAllSync;

  writeAt(fd: number, data: Uint8Array, positionBytes: number): Promise<void> {
    return blockingDiskIo.writeAt(fd, data, positionBytes);
  }

  datasync(fd: number): Promise<void> {
    return this.offThread ? asyncDiskIo.datasync(fd) : blockingDiskIo.datasync(fd);
  }

  flushNow(fd: number, data: Uint8Array, positionBytes: number): boolean {
    return !this.offThread && writeAndSyncAtOnce(fd, data, positionBytes);
  }

  syncOffThread(offThread: boolean): void {
    this.offThread = offThread;
  }

  get syncBlocksThread(): boolean {
    return !this.offThread;
  }
}

export function diskIoFor(mode: SyncMode): WalDiskIo {
  if (mode === 'auto') return new SwitchableDiskIo();
  return mode === 'sync' ? blockingDiskIo : asyncDiskIo;
}

export function parseSyncMode(text: string): SyncMode {
  if (!(SYNC_MODES as readonly string[]).includes(text)) throw new RangeError(`sync mode must be one of ${SYNC_MODES.join(', ')}, not '${text}'`);
  return text as SyncMode;
}

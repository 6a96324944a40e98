// The two calls on the WAL's hot path, positional write and fdatasync, in two flavours: 'async'
// goes through libuv's thread pool (shared by every worker of the process), 'sync' blocks only
// the calling thread. Tests wrap an implementation to delay or fail syncs.
import fs from 'node:fs';

export type SyncMode = 'async' | 'sync';

export interface WalDiskIo {
  /** Writes all of `data` at `positionBytes` (looping over short writes). */
  writeAt(fd: number, data: Uint8Array, positionBytes: number): Promise<void>;
  /** Returns once the file's data (and the metadata needed to read it) is on stable storage. */
  datasync(fd: number): Promise<void>;
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

const blockingDiskIo: WalDiskIo = {
  async writeAt(fd, data, positionBytes) {
    for (let done = 0; done < data.length; ) {
      const bytesWritten = fs.writeSync(fd, data, done, data.length - done, positionBytes + done);
      assertProgress(bytesWritten, positionBytes + done);
      done += bytesWritten;
    }
  },
  async datasync(fd) {
    fs.fdatasyncSync(fd);
  },
};

export function diskIoFor(mode: SyncMode): WalDiskIo {
  return mode === 'sync' ? blockingDiskIo : asyncDiskIo;
}

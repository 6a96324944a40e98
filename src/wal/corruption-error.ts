// The error every recovery check throws when the files on disk contradict what the writer could
// have left behind. It names the file and byte offset so that an operator can inspect the damage.

export class WalCorruptionError extends Error {
  readonly fileName: string;
  readonly offsetBytes: number;

  constructor(fileName: string, offsetBytes: number, detail: string) {
    super(`WAL corruption in ${fileName} at byte offset ${offsetBytes}: ${detail}`);
    this.name = 'WalCorruptionError';
    this.fileName = fileName;
    this.offsetBytes = offsetBytes;
  }
}

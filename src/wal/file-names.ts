// Names of the files in a WAL directory. Segments are `<seq>-<firstIndex>.wal` and snapshots
// `<index>-<term>.snap`, both zero-padded to 16 digits so that names sort in numeric order.
// Files ending in `.tmp` are half-made (not yet renamed into place) and never read back.

export const TEMP_SUFFIX = '.tmp';
const NUMBER_DIGITS = 16;
const SEGMENT_NAME = /^(\d{16})-(\d{16})\.wal$/;
const SNAPSHOT_NAME = /^(\d{16})-(\d{16})\.snap$/;

function padded(value: number): string {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`cannot name a file after ${value}`);
  return String(value).padStart(NUMBER_DIGITS, '0');
}

export function segmentFileName(segmentSeq: number, firstIndex: number): string {
  return `${padded(segmentSeq)}-${padded(firstIndex)}.wal`;
}

export function parseSegmentFileName(name: string): { segmentSeq: number; firstIndex: number } | null {
  const match = SEGMENT_NAME.exec(name);
  return match ? { segmentSeq: Number(match[1]), firstIndex: Number(match[2]) } : null;
}

export function snapshotFileName(index: number, term: number): string {
  return `${padded(index)}-${padded(term)}.snap`;
}

export function isSnapshotFileName(name: string): boolean {
  return SNAPSHOT_NAME.test(name);
}

// The applied part of a core's in-memory log, packed. Between two snapshots a member keeps up to
// --snapshot-count entries (100,000 by default) for followers that fall behind; held as objects,
// each would be copied by the young-generation GC and marked by every full GC. Packed, their
// terms, types and data bytes sit in typed arrays, a few per chunk of entries, so the entries
// kept cost the GC next to nothing. An entry read back is a fresh object whose data is a view of
// the packed bytes; packed bytes are never written over, so such a view stays valid.

import { EntryType, type Entry } from './types.js';

/** Entries per chunk; every chunk but the last is full, so a chunk is found by division. */
export const ENTRIES_PER_CHUNK = 4096;
const CHUNK_BYTES_INITIAL = 64 * 1024;

class Chunk {
  count = 0;
  readonly terms = new Float64Array(ENTRIES_PER_CHUNK);
  readonly types = new Uint8Array(ENTRIES_PER_CHUNK);
  /** Where each entry's data ends in `bytes`; it starts where the one before ends. */
  readonly ends = new Float64Array(ENTRIES_PER_CHUNK);
  bytes = new Uint8Array(CHUNK_BYTES_INITIAL);
  byteLength = 0;

  constructor(readonly firstIndex: number) {}

  get isFull(): boolean {
    return this.count === ENTRIES_PER_CHUNK;
  }

  push(entry: Entry): void {
    const { data } = entry;
    const end = this.byteLength + data.length;
    if (end > this.bytes.length) {
      // A bigger buffer; views already handed out keep the old one, whose bytes stay as they are.
      const grown = new Uint8Array(Math.max(end, 2 * this.bytes.length));
      grown.set(this.bytes.subarray(0, this.byteLength));
      this.bytes = grown;
    }
    this.bytes.set(data, this.byteLength);
    const slot = this.count++;
    this.terms[slot] = entry.term;
    this.types[slot] = entry.type;
    this.ends[slot] = end;
    this.byteLength = end;
  }

  entry(slot: number): Entry {
    const start = slot === 0 ? 0 : this.ends[slot - 1]!;
    const type = this.types[slot] === EntryType.ConfChange ? EntryType.ConfChange : EntryType.Normal;
    return { term: this.terms[slot]!, index: this.firstIndex + slot, type, data: this.bytes.subarray(start, this.ends[slot]) };
  }

  dataLength(slot: number): number {
    return this.ends[slot]! - (slot === 0 ? 0 : this.ends[slot - 1]!);
  }
}

/** Entries firstIndex … lastIndex, packed; empty when lastIndex < firstIndex. */
export class PackedEntries {
  private chunks: Chunk[] = [];
  private first = 1;
  private last = 0;

  /** Empties the store; the next entry pushed must have index `afterIndex` + 1. */
  reset(afterIndex: number): void {
    this.chunks = [];
    this.first = afterIndex + 1;
    this.last = afterIndex;
  }

  get firstIndex(): number {
    return this.first;
  }

  get lastIndex(): number {
    return this.last;
  }

  /** Copies `entry`, which must directly follow the last one, into the store. */
  push(entry: Entry): void {
    if (entry.index !== this.last + 1) throw new Error(`packed log: pushing index ${entry.index} after ${this.last}`);
    let chunk = this.chunks[this.chunks.length - 1];
    if (chunk === undefined || chunk.isFull) {
      chunk = new Chunk(entry.index);
      this.chunks.push(chunk);
    }
    chunk.push(entry);
    this.last = entry.index;
  }

  termAt(index: number): number {
    const chunk = this.chunkOf(index);
    return chunk.terms[index - chunk.firstIndex]!;
  }

  entryAt(index: number): Entry {
    const chunk = this.chunkOf(index);
    return chunk.entry(index - chunk.firstIndex);
  }

  dataLengthAt(index: number): number {
    const chunk = this.chunkOf(index);
    return chunk.dataLength(index - chunk.firstIndex);
  }

  /** Forgets entries up to `index`; chunks wholly before it are let go. */
  dropThrough(index: number): void {
    if (index < this.first) return;
    if (index > this.last) throw new Error(`packed log: dropping through ${index} beyond the last index ${this.last}`);
    while (this.chunks.length > 0) {
      const head = this.chunks[0]!;
      if (head.firstIndex + head.count - 1 > index) break;
      this.chunks.shift();
    }
    this.first = index + 1;
  }

  private chunkOf(index: number): Chunk {
    if (index < this.first || index > this.last) throw new Error(`packed log: index ${index} outside ${this.first} … ${this.last}`);
    const head = this.chunks[0]!;
    return this.chunks[Math.floor((index - head.firstIndex) / ENTRIES_PER_CHUNK)]!;
  }
}

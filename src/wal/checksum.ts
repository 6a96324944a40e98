// CRC-32 (IEEE 802.3, as zlib computes it) for WAL records and snapshot files. Node 20.15+ ships
// a native zlib.crc32; earlier Node 20 releases lack it, so a table-driven version stands in.
import zlib from 'node:zlib';

export type Crc32 = (data: Uint8Array, seed?: number) => number;

let crcTable: Uint32Array | null = null;

function buildCrcTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** The portable CRC-32; `seed` continues a previous checksum exactly as zlib.crc32 does. */
export function crc32Portable(data: Uint8Array, seed = 0): number {
  crcTable ??= buildCrcTable();
  let crc = ~seed >>> 0;
  for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}

const nativeCrc32 = (zlib as { crc32?: Crc32 }).crc32;

export const crc32: Crc32 = typeof nativeCrc32 === 'function' ? nativeCrc32 : crc32Portable;

// Little-endian integer helpers shared by the record and snapshot codecs. Raft terms and indexes
// are JavaScript numbers, so 64-bit fields hold safe integers only and are checked both ways.

const TWO_POW_32 = 0x1_0000_0000;

/** Writes a non-negative safe integer as a u64 and returns the offset after it. */
export function writeU64(target: Buffer, offset: number, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`u64 field must be a non-negative safe integer, got ${value}`);
  }
  target.writeUInt32LE(value % TWO_POW_32, offset);
  target.writeUInt32LE(Math.floor(value / TWO_POW_32), offset + 4);
  return offset + 8;
}

/** Sequential reads over one payload; running past its end throws instead of reading garbage. */
export class ByteReader {
  private offset = 0;

  constructor(private readonly bytes: Buffer) {}

  get remainingBytes(): number {
    return this.bytes.length - this.offset;
  }

  private claim(length: number): number {
    if (length > this.remainingBytes) {
      throw new RangeError(`payload too short: need ${length} more bytes, have ${this.remainingBytes}`);
    }
    const start = this.offset;
    this.offset += length;
    return start;
  }

  u8(): number {
    return this.bytes[this.claim(1)];
  }

  u16(): number {
    return this.bytes.readUInt16LE(this.claim(2));
  }

  u32(): number {
    return this.bytes.readUInt32LE(this.claim(4));
  }

  u64(): number {
    const start = this.claim(8);
    const value = this.bytes.readUInt32LE(start) + this.bytes.readUInt32LE(start + 4) * TWO_POW_32;
    if (!Number.isSafeInteger(value)) throw new RangeError(`u64 field ${value} is not a safe integer`);
    return value;
  }

  bytesOf(length: number): Buffer {
    const start = this.claim(length);
    return this.bytes.subarray(start, start + length);
  }

  /** Asserts that the payload held nothing beyond the fields read. */
  end(): void {
    if (this.remainingBytes !== 0) throw new RangeError(`${this.remainingBytes} unexpected trailing bytes`);
  }
}

// Binary encoding of a Raft `Message` for the transports: every field survives a round trip.
// Encoding writes into one exactly-sized, transferable buffer or into a caller's buffer (a
// shared-memory ring) so entry bytes are copied once; decoding validates every length against
// the input and returns entry, snapshot and context bytes as views into it (no copies).

import type { Entry, Message, MessageType, NodeId, Snapshot } from '../raft/types.js';

/** First byte of every encoding: a format tag, so foreign bytes fail fast. */
const FORMAT_TAG = 0x52;
/** The highest `MessageType` value. */
const MESSAGE_TYPE_MAX = 12;
/** The highest `EntryType` value. */
const ENTRY_TYPE_MAX = 1;
/** Node ids are short ASCII strings (see `NodeId`). */
const NODE_ID_BYTES_MAX = 64;
/** Voters named by one snapshot. */
const VOTERS_MAX = 255;
/** An upper bound on one encoded message, so a garbage length can never ask for more. */
const MESSAGE_BYTES_MAX = 1 << 30;

const FLAG_REJECT = 1;
const FLAG_SNAPSHOT = 2;
const FLAGS_KNOWN = FLAG_REJECT | FLAG_SNAPSHOT;

/** tag, type, flags; from and to length bytes; six numbers; context, entry count. */
const FIXED_BYTES = 3 + 2 + 6 * 8 + 4 + 4;
/** term, index, type, data length. */
const ENTRY_FIXED_BYTES = 8 + 8 + 1 + 4;
/** index, term, voter count, data length. */
const SNAPSHOT_FIXED_BYTES = 8 + 8 + 1 + 4;

/** Raised for input that is not a well-formed encoding; the message says where and why. */
export class MessageDecodeError extends Error {
  override name = 'MessageDecodeError';
}

/** The exact number of bytes `encodeMessageInto` writes for `message`. */
export function encodedSize(message: Message): number {
  let size = FIXED_BYTES + message.from.length + message.to.length + message.context.byteLength;
  for (const entry of message.entries) size += ENTRY_FIXED_BYTES + entry.data.byteLength;
  const snapshot = message.snapshot;
  if (snapshot !== null) {
    size += SNAPSHOT_FIXED_BYTES + snapshot.data.byteLength;
    for (const voter of snapshot.meta.voters) size += 1 + voter.length;
  }
  if (size > MESSAGE_BYTES_MAX) throw new RangeError(`message of ${size} bytes exceeds ${MESSAGE_BYTES_MAX}`);
  return size;
}

/** Encodes `message` into a fresh, exactly-sized ArrayBuffer (whole, so it can be transferred). */
export function encodeMessage(message: Message): Uint8Array<ArrayBuffer> {
  const size = encodedSize(message);
  const target = new Uint8Array(size);
  encodeMessageInto(message, target, 0, size);
  return target;
}

/**
 * Encodes `message` into `target` at `offset` and returns the offset after it. The caller sizes
 * the room with `encodedSize` (and may pass that size on rather than have it measured again);
 * too little room is a RangeError before anything is written.
 */
export function encodeMessageInto(message: Message, target: Uint8Array, offset: number, size = encodedSize(message)): number {
  if (!(offset >= 0 && offset + size <= target.byteLength)) {
    throw new RangeError(`need ${size} bytes at offset ${offset}, target holds ${target.byteLength}`);
  }
  const writer = new ByteWriter(target, offset);
  writer.u8(FORMAT_TAG);
  writer.u8(message.type);
  writer.u8((message.reject ? FLAG_REJECT : 0) | (message.snapshot !== null ? FLAG_SNAPSHOT : 0));
  writer.nodeId(message.from);
  writer.nodeId(message.to);
  writer.number(message.term);
  writer.number(message.logTerm);
  writer.number(message.index);
  writer.number(message.commit);
  writer.number(message.rejectHint);
  writer.number(message.rejectHintTerm);
  writer.bytes(message.context);
  writer.u32(message.entries.length);
  for (const entry of message.entries) {
    writer.number(entry.term);
    writer.number(entry.index);
    writer.u8(entry.type);
    writer.bytes(entry.data);
  }
  if (message.snapshot !== null) writeSnapshot(writer, message.snapshot);
  if (writer.offset !== offset + size) throw new Error(`codec wrote ${writer.offset - offset} bytes, sized ${size}`);
  return writer.offset;
}

function writeSnapshot(writer: ByteWriter, snapshot: Snapshot): void {
  const voters = snapshot.meta.voters;
  if (voters.length > VOTERS_MAX) throw new RangeError(`${voters.length} voters exceed ${VOTERS_MAX}`);
  writer.number(snapshot.meta.index);
  writer.number(snapshot.meta.term);
  writer.u8(voters.length);
  for (const voter of voters) writer.nodeId(voter);
  writer.bytes(snapshot.data);
}

/**
 * Decodes one message that fills `bytes` exactly. Entry data, snapshot data and context are
 * views into `bytes`: keep `bytes` unchanged while the message is in use.
 */
export function decodeMessage(bytes: Uint8Array): Message {
  const reader = new ByteReader(bytes);
  if (bytes.byteLength < FIXED_BYTES) reader.fail(`too short for a message (${bytes.byteLength} bytes)`);
  if (reader.u8() !== FORMAT_TAG) reader.fail('not a message encoding (bad format tag)');
  const type = reader.u8();
  if (type > MESSAGE_TYPE_MAX) reader.fail(`unknown message type ${type}`);
  const flags = reader.u8();
  if ((flags & ~FLAGS_KNOWN) !== 0) reader.fail(`unknown flags 0x${flags.toString(16)}`);
  const message: Message = {
    type: type as MessageType,
    from: reader.nodeId(),
    to: reader.nodeId(),
    term: reader.number(),
    logTerm: reader.number(),
    index: reader.number(),
    commit: reader.number(),
    reject: (flags & FLAG_REJECT) !== 0,
    rejectHint: reader.number(),
    rejectHintTerm: reader.number(),
    context: reader.bytes(),
    entries: readEntries(reader),
    snapshot: (flags & FLAG_SNAPSHOT) !== 0 ? readSnapshot(reader) : null,
  };
  if (reader.offset !== bytes.byteLength) reader.fail(`${bytes.byteLength - reader.offset} trailing bytes`);
  return message;
}

function readEntries(reader: ByteReader): Entry[] {
  const count = reader.u32();
  // Each entry takes at least its fixed part, so a garbage count fails before any allocation.
  if (count > reader.remaining() / ENTRY_FIXED_BYTES) reader.fail(`entry count ${count} exceeds the input`);
  const entries: Entry[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const term = reader.number();
    const index = reader.number();
    const type = reader.u8();
    if (type > ENTRY_TYPE_MAX) reader.fail(`unknown entry type ${type}`);
    entries[i] = { term, index, type, data: reader.bytes() };
  }
  return entries;
}

function readSnapshot(reader: ByteReader): Snapshot {
  const index = reader.number();
  const term = reader.number();
  const voterCount = reader.u8();
  const voters: NodeId[] = new Array(voterCount);
  for (let i = 0; i < voterCount; i++) voters[i] = reader.nodeId();
  return { meta: { index, term, voters }, data: reader.bytes() };
}

/** Little-endian writes at a moving offset; numbers are float64, exact for every safe integer. */
class ByteWriter {
  private readonly view: DataView;

  constructor(
    private readonly target: Uint8Array,
    public offset: number,
  ) {
    this.view = new DataView(target.buffer, target.byteOffset, target.byteLength);
  }

  u8(value: number): void {
    this.view.setUint8(this.offset, value);
    this.offset += 1;
  }

  u32(value: number): void {
    this.view.setUint32(this.offset, value, true);
    this.offset += 4;
  }

  number(value: number): void {
    if (!isWireNumber(value)) throw new RangeError(`${value} is not an integer in [0, 2^53)`);
    this.view.setFloat64(this.offset, value, true);
    this.offset += 8;
  }

  bytes(data: Uint8Array): void {
    this.u32(data.byteLength);
    this.target.set(data, this.offset);
    this.offset += data.byteLength;
  }

  nodeId(id: NodeId): void {
    if (id.length > NODE_ID_BYTES_MAX) throw new RangeError(`node id of ${id.length} chars exceeds ${NODE_ID_BYTES_MAX}`);
    this.u8(id.length);
    for (let i = 0; i < id.length; i++) {
      const code = id.charCodeAt(i);
      if (code > 0x7f) throw new RangeError(`node id ${JSON.stringify(id)} is not ASCII`);
      this.target[this.offset + i] = code;
    }
    this.offset += id.length;
  }
}

/** Little-endian reads that check every length against what is left of the input. */
class ByteReader {
  private readonly view: DataView;
  offset = 0;

  constructor(private readonly input: Uint8Array) {
    this.view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  }

  remaining(): number {
    return this.input.byteLength - this.offset;
  }

  fail(reason: string): never {
    throw new MessageDecodeError(`cannot decode message at byte ${this.offset}: ${reason}`);
  }

  u8(): number {
    this.need(1);
    return this.view.getUint8(this.offset++);
  }

  u32(): number {
    this.need(4);
    const value = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return value;
  }

  number(): number {
    this.need(8);
    const value = this.view.getFloat64(this.offset, true);
    if (!isWireNumber(value)) this.fail(`${value} is not an integer in [0, 2^53)`);
    this.offset += 8;
    return value;
  }

  bytes(): Uint8Array {
    const length = this.u32();
    this.need(length);
    const start = this.input.byteOffset + this.offset;
    this.offset += length;
    return new Uint8Array(this.input.buffer, start, length);
  }

  nodeId(): NodeId {
    const length = this.u8();
    if (length > NODE_ID_BYTES_MAX) this.fail(`node id length ${length} exceeds ${NODE_ID_BYTES_MAX}`);
    this.need(length);
    let id = '';
    for (let i = 0; i < length; i++) {
      const code = this.input[this.offset + i];
      if (code > 0x7f) this.fail('node id is not ASCII');
      id += String.fromCharCode(code);
    }
    this.offset += length;
    return id;
  }

  private need(length: number): void {
    if (length > this.remaining()) this.fail(`truncated: need ${length} bytes, ${this.remaining()} left`);
  }
}

function isWireNumber(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}

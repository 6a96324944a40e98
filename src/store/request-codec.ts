// The binary form of a V2Request inside a Raft entry: compact and exact. Layout: a version
// byte, a method byte, a flag byte, then LEB128 varints (prevIndex, expirationMs if flagged:
// its magnitude, with a flag for its sign, timeMs) and three length-prefixed UTF-8 strings (path, value, prevValue).

import { writeUtf8 } from '../util/utf8.js';
import { V2_METHODS, type V2Method, type V2Request } from './v2-request.js';

const FORMAT_VERSION = 1;

/** Encoded requests are at most this large (etcd refuses requests over 1.5 MiB earlier). */
export const V2_REQUEST_BYTES_MAX = 2 * 1024 * 1024;

const FLAG_DIR = 1 << 0;
const FLAG_RECURSIVE = 1 << 1;
const FLAG_SORTED = 1 << 2;
const FLAG_REFRESH = 1 << 3;
const FLAG_PREV_EXIST_SET = 1 << 4;
const FLAG_PREV_EXIST = 1 << 5;
const FLAG_EXPIRATION = 1 << 6;
/** A huge TTL wraps like Go's int64 into an expiration before 1970 (which etcd treats as none). */
const FLAG_EXPIRATION_NEGATIVE = 1 << 7;

const VARINT_BYTES_MAX = 8; // 2^53 needs 8 groups of 7 bits.
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * The request's bytes, after `headroomBytes` bytes left for a container's header (a node's
 * command frame), so the request is written once, in place, and never copied into a frame.
 */
export function encodeV2Request(request: V2Request, headroomBytes = 0): Uint8Array {
  const methodCode = V2_METHODS.indexOf(request.method) + 1;
  if (methodCode === 0) throw new Error(`unknown v2 method ${String(request.method)}`);
  const pathBytes = Buffer.byteLength(request.path, 'utf8');
  const valueBytes = Buffer.byteLength(request.value, 'utf8');
  const prevValueBytes = Buffer.byteLength(request.prevValue, 'utf8');
  let size = 3 + varintSize(request.prevIndex) + varintSize(request.timeMs);
  if (request.expirationMs !== null) size += varintSize(Math.abs(request.expirationMs));
  size += stringSize(pathBytes) + stringSize(valueBytes) + stringSize(prevValueBytes);
  if (size > V2_REQUEST_BYTES_MAX) throw new Error(`v2 request of ${size} bytes is over ${V2_REQUEST_BYTES_MAX}`);
  const bytes = new Uint8Array(headroomBytes + size);
  bytes[headroomBytes] = FORMAT_VERSION;
  bytes[headroomBytes + 1] = methodCode;
  bytes[headroomBytes + 2] = flagsOf(request);
  let at = writeVarint(bytes, headroomBytes + 3, request.prevIndex);
  if (request.expirationMs !== null) at = writeVarint(bytes, at, Math.abs(request.expirationMs));
  at = writeVarint(bytes, at, request.timeMs);
  at = writeString(bytes, at, request.path, pathBytes);
  at = writeString(bytes, at, request.value, valueBytes);
  at = writeString(bytes, at, request.prevValue, prevValueBytes);
  if (at !== bytes.length) throw new Error(`v2 request: wrote ${at - headroomBytes} bytes, expected ${size}`);
  return bytes;
}

export function decodeV2Request(bytes: Uint8Array): V2Request {
  if (bytes.length > V2_REQUEST_BYTES_MAX) throw new Error(`v2 request of ${bytes.length} bytes is over the limit`);
  if (bytes.length < 3 || bytes[0] !== FORMAT_VERSION) throw new Error('not a v2 request (bad header)');
  const method = V2_METHODS[(bytes[1] as number) - 1] as V2Method | undefined;
  if (method === undefined) throw new Error(`v2 request: unknown method code ${bytes[1]}`);
  const flags = bytes[2] as number;
  // Every bit has a meaning now; a sign with no expiration to sign is what no encoder writes.
  if ((flags & FLAG_EXPIRATION_NEGATIVE) !== 0 && (flags & FLAG_EXPIRATION) === 0) throw new Error(`v2 request: unknown flags ${flags} (a sign without an expiration)`);
  const reader = { bytes, at: 3 };
  const prevIndex = readVarint(reader);
  const expirationMagnitudeMs = (flags & FLAG_EXPIRATION) !== 0 ? readVarint(reader) : null;
  const expirationMs = expirationMagnitudeMs !== null && (flags & FLAG_EXPIRATION_NEGATIVE) !== 0 ? -expirationMagnitudeMs : expirationMagnitudeMs;
  const timeMs = readVarint(reader);
  const path = readString(reader);
  const value = readString(reader);
  const prevValue = readString(reader);
  if (reader.at !== bytes.length) throw new Error(`v2 request: ${bytes.length - reader.at} trailing bytes`);
  return {
    method,
    path,
    value,
    dir: (flags & FLAG_DIR) !== 0,
    prevValue,
    prevIndex,
    prevExist: (flags & FLAG_PREV_EXIST_SET) === 0 ? null : (flags & FLAG_PREV_EXIST) !== 0,
    expirationMs,
    refresh: (flags & FLAG_REFRESH) !== 0,
    recursive: (flags & FLAG_RECURSIVE) !== 0,
    sorted: (flags & FLAG_SORTED) !== 0,
    timeMs,
  };
}

function flagsOf(request: V2Request): number {
  let flags = 0;
  if (request.dir) flags |= FLAG_DIR;
  if (request.recursive) flags |= FLAG_RECURSIVE;
  if (request.sorted) flags |= FLAG_SORTED;
  if (request.refresh) flags |= FLAG_REFRESH;
  if (request.prevExist !== null) flags |= FLAG_PREV_EXIST_SET | (request.prevExist ? FLAG_PREV_EXIST : 0);
  if (request.expirationMs !== null) flags |= FLAG_EXPIRATION | (request.expirationMs < 0 ? FLAG_EXPIRATION_NEGATIVE : 0);
  return flags;
}

function writeVarint(bytes: Uint8Array, start: number, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`v2 request: ${value} is not a non-negative safe integer`);
  let at = start;
  let rest = value;
  while (rest >= 0x80) {
    bytes[at++] = (rest % 0x80) | 0x80;
    rest = Math.floor(rest / 0x80);
  }
  bytes[at++] = rest;
  return at;
}

function varintSize(value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`v2 request: ${value} is not a non-negative safe integer`);
  let size = 1;
  for (let rest = value; rest >= 0x80; rest = Math.floor(rest / 0x80)) size++;
  return size;
}

/** A length-prefixed string of `byteLength` UTF-8 bytes. */
function stringSize(byteLength: number): number {
  return varintSize(byteLength) + byteLength;
}

function writeString(bytes: Uint8Array, start: number, text: string, byteLength: number): number {
  return writeUtf8(bytes, writeVarint(bytes, start, byteLength), text, byteLength);
}

interface Reader {
  readonly bytes: Uint8Array;
  at: number;
}

function readVarint(reader: Reader): number {
  let value = 0;
  let scale = 1;
  for (let count = 0; count < VARINT_BYTES_MAX; count++) {
    const byte = reader.bytes[reader.at++];
    if (byte === undefined) throw new Error('v2 request: truncated number');
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) {
      if (!Number.isSafeInteger(value)) throw new Error('v2 request: number over 2^53');
      return value;
    }
    scale *= 0x80;
  }
  throw new Error('v2 request: number longer than 8 bytes');
}

function readString(reader: Reader): string {
  const length = readVarint(reader);
  const end = reader.at + length;
  if (end > reader.bytes.length) throw new Error('v2 request: truncated string');
  const text = decoder.decode(reader.bytes.subarray(reader.at, end));
  reader.at = end;
  return text;
}

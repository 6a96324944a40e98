// The message codec: exact round trips of every message type, zero-copy decoding, encoding into
// a caller's buffer, and rejection of truncated, corrupted and random input.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageType, emptyMessage, type Message } from '../../src/raft/types.js';
import { Prng } from '../../src/util/prng.js';
import {
  MessageDecodeError,
  decodeMessage,
  encodeMessage,
  encodeMessageInto,
  encodedSize,
} from '../../src/transport/message-codec.js';
import { ALL_MESSAGE_TYPES, makeEntries, makeFullMessage, makeRandomMessage } from './message-fixtures.js';

test('every message type survives a round trip with all fields set', () => {
  for (const type of ALL_MESSAGE_TYPES) {
    const message = makeFullMessage(type);
    assert.deepStrictEqual(decodeMessage(encodeMessage(message)), message);
  }
});

test('an empty heartbeat round-trips and stays small', () => {
  const message = emptyMessage(MessageType.Heartbeat, 'n1', 'n2', 3);
  const bytes = encodeMessage(message);
  assert.ok(bytes.byteLength < 80, `heartbeat took ${bytes.byteLength} bytes`);
  assert.deepStrictEqual(decodeMessage(bytes), message);
});

test('big entries and a big snapshot round-trip', () => {
  const message = emptyMessage(MessageType.Snapshot, 'n1', 'n2', 9);
  message.entries = makeEntries(4, 1 << 20, 1, 9);
  message.snapshot = { meta: { index: 1 << 30, term: 9, voters: ['n1', 'n2', 'n3', 'n4', 'n5'] }, data: makeEntries(1, 3 << 20, 1, 1)[0].data };
  assert.deepStrictEqual(decodeMessage(encodeMessage(message)), message);
});

test('random messages round-trip', () => {
  const prng = new Prng(42);
  for (let i = 0; i < 500; i++) {
    const message = makeRandomMessage(prng);
    assert.deepStrictEqual(decodeMessage(encodeMessage(message)), message, `message ${i}`);
  }
});

test('encodeMessage returns a whole, exactly-sized buffer that can be transferred', () => {
  const message = makeFullMessage(MessageType.Append);
  const bytes = encodeMessage(message);
  assert.equal(bytes.byteOffset, 0);
  assert.equal(bytes.byteLength, bytes.buffer.byteLength);
  assert.equal(bytes.byteLength, encodedSize(message));
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(bytes, [bytes.buffer]);
  assert.equal(bytes.byteLength, 0, 'the buffer was detached by the transfer');
  port1.close();
  port2.close();
});

test('decoding returns views into the input instead of copies', () => {
  const bytes = encodeMessage(makeFullMessage(MessageType.Snapshot));
  const decoded = decodeMessage(bytes);
  for (const data of [decoded.entries[0].data, decoded.snapshot!.data, decoded.context]) {
    assert.equal(data.buffer, bytes.buffer);
  }
});

test('encodeMessageInto writes at an offset of a larger buffer and returns the end', () => {
  const first = makeFullMessage(MessageType.Append);
  const second = makeFullMessage(MessageType.VoteResponse);
  const target = new Uint8Array(5 + encodedSize(first) + encodedSize(second) + 7);
  const middle = encodeMessageInto(first, target, 5);
  const end = encodeMessageInto(second, target, middle);
  assert.equal(end, target.byteLength - 7);
  assert.deepStrictEqual(decodeMessage(target.subarray(5, middle)), first);
  assert.deepStrictEqual(decodeMessage(target.subarray(middle, end)), second);
  assert.throws(() => encodeMessageInto(first, target, target.byteLength - 10), RangeError);
});

test('encoding refuses values the wire cannot carry', () => {
  const cases: Array<(message: Message) => void> = [
    (m) => (m.term = -1),
    (m) => (m.index = 1.5),
    (m) => (m.commit = 2 ** 53),
    (m) => (m.logTerm = Number.NaN),
    (m) => (m.from = 'é'),
    (m) => (m.to = 'x'.repeat(65)),
  ];
  for (const spoil of cases) {
    const message = makeFullMessage(MessageType.Append);
    spoil(message);
    assert.throws(() => encodeMessage(message), RangeError);
  }
});

test('every truncation of a valid encoding is rejected', () => {
  const bytes = encodeMessage(makeFullMessage(MessageType.Snapshot));
  for (let length = 0; length < bytes.byteLength; length++) {
    assert.throws(() => decodeMessage(bytes.subarray(0, length)), MessageDecodeError, `length ${length}`);
  }
  const padded = new Uint8Array(bytes.byteLength + 1);
  padded.set(bytes);
  assert.throws(() => decodeMessage(padded), /trailing/);
});

test('corrupted encodings throw a decode error or decode, never anything else', () => {
  const prng = new Prng(7);
  let rejected = 0;
  for (let i = 0; i < 3000; i++) {
    const bytes = encodeMessage(makeRandomMessage(prng));
    for (let flips = prng.int(1, 4); flips > 0; flips--) bytes[prng.int(0, bytes.byteLength)] = prng.nextUint32() & 0xff;
    if (decodesOrRejects(bytes)) rejected++;
  }
  assert.ok(rejected > 0 && rejected < 3000, `rejected ${rejected} of 3000`);
});

test('random bytes throw a decode error or decode, never anything else', () => {
  const prng = new Prng(99);
  for (let i = 0; i < 3000; i++) {
    const bytes = new Uint8Array(prng.int(0, 200));
    for (let j = 0; j < bytes.byteLength; j++) bytes[j] = prng.nextUint32() & 0xff;
    // Starting with the format tag sends the random rest deep into the decoder.
    if (bytes.byteLength > 0 && i % 2 === 0) bytes[0] = encodeMessage(emptyMessage(0, '', '', 0))[0];
    decodesOrRejects(bytes);
  }
});

/** Decodes `bytes`; true when rejected with a MessageDecodeError, false when decoded. */
function decodesOrRejects(bytes: Uint8Array): boolean {
  try {
    decodeMessage(bytes);
    return false;
  } catch (error) {
    assert.ok(error instanceof MessageDecodeError, `unexpected ${String(error)}`);
    return true;
  }
}

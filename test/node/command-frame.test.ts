// Command frames: the request id and the command survive a round trip, the command is the very
// array its writer filled (written once, not copied), only the proposer reads its request back,
// frames of older logs still read, and bad ids or truncated frames are refused.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeCommandFrame, frameCommand, frameRequestNumber, RequestIds } from '../../src/node/command-frame.js';

/** An encoder like the store's: the command after `headroomBytes` bytes left free. */
function recordingEncoder(): { encode: (command: Uint8Array, headroomBytes: number) => Uint8Array; written: Uint8Array[] } {
  const written: Uint8Array[] = [];
  const encode = (command: Uint8Array, headroomBytes: number): Uint8Array => {
    const bytes = new Uint8Array(headroomBytes + command.length);
    bytes.set(command, headroomBytes);
    written.push(bytes);
    return bytes;
  };
  return { encode, written };
}

const proposer = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);

test('a frame carries its request id and command, in the array the writer filled', () => {
  const command = Uint8Array.of(1, 2, 3, 250);
  const { encode, written } = recordingEncoder();
  const frame = encodeCommandFrame(proposer, 42, encode, command);
  assert.equal(written.length, 1);
  assert.equal(frame, written[0]);
  assert.equal(frameRequestNumber(frame, proposer), 42);
  assert.deepEqual(frameCommand(frame), command);
});

test('the layout is a zero byte, the 16-byte proposer, the request number (32 bits, little-endian), then the command', () => {
  const frame = encodeCommandFrame(proposer, 0xfedc_ba98, recordingEncoder().encode, Uint8Array.of(9, 8));
  assert.deepEqual(frame, Uint8Array.of(0, ...proposer, 0x98, 0xba, 0xdc, 0xfe, 9, 8));
  assert.equal(frameRequestNumber(frame, proposer), 0xfedc_ba98);
  assert.deepEqual(frameCommand(frame), Uint8Array.of(9, 8));
});

test('only the proposer gets a request number back; another node gets 0', () => {
  const frame = encodeCommandFrame(proposer, 7, recordingEncoder().encode, Uint8Array.of(1));
  const other = proposer.slice();
  other[15] ^= 1;
  assert.equal(frameRequestNumber(frame, other), 0);
});

test('a frame of an older log (a length byte, the id as text, the command) still gives its command, and no request', () => {
  const frame = Uint8Array.of(5, 0x69, 0x64, 0x2d, 0xc3, 0xa9, 9, 8);
  assert.deepEqual(frameCommand(frame), Uint8Array.of(9, 8));
  assert.equal(frameRequestNumber(frame, proposer), 0);
});

test('request ids count up from 1 under one proposer and wrap after 2^32 - 1; bad ids and truncated frames are refused', () => {
  const ids = new RequestIds();
  assert.deepEqual([ids.next(), ids.next(), ids.proposer.length], [1, 2, 16]);
  assert.notDeepEqual(new RequestIds().proposer, ids.proposer);
  const wrapping = new RequestIds(0xffff_fffe);
  assert.deepEqual([wrapping.next(), wrapping.next(), wrapping.next()], [0xffff_ffff, 1, 2], 'the number wraps to 1 under the same proposer');
  const frame = encodeCommandFrame(proposer, 1, recordingEncoder().encode, new Uint8Array(0));
  assert.equal(frameCommand(frame).length, 0);
  assert.throws(() => encodeCommandFrame(proposer, 0, recordingEncoder().encode, new Uint8Array(0)), RangeError);
  assert.throws(() => encodeCommandFrame(proposer.subarray(1), 1, recordingEncoder().encode, new Uint8Array(0)), RangeError);
  assert.throws(() => frameCommand(frame.subarray(0, 20)), /truncated command frame/);
  assert.throws(() => frameRequestNumber(new Uint8Array(0), proposer), /truncated command frame/);
});

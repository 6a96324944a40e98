// Command frames: the request id and the command survive a round trip, the command is the very
// array its writer filled (written once, not copied), the layout stays what logs already hold,
// and ids too long for the length byte are refused.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeCommandFrame, frameCommand, frameRequestId } from '../../src/node/command-frame.js';

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

test('a frame carries its request id and command, in the array the writer filled', () => {
  const command = Uint8Array.of(1, 2, 3, 250);
  const { encode, written } = recordingEncoder();
  const frame = encodeCommandFrame('Hv0ziZQORx-QQu_7IfgpHw-42', encode, command);
  assert.equal(written.length, 1);
  assert.equal(frame, written[0]);
  assert.equal(frameRequestId(frame), 'Hv0ziZQORx-QQu_7IfgpHw-42');
  assert.deepEqual(frameCommand(frame), command);
});

test('the layout is a length byte, the UTF-8 id, then the command', () => {
  const frame = encodeCommandFrame('id-é', recordingEncoder().encode, Uint8Array.of(9, 8));
  assert.deepEqual(frame, Uint8Array.of(5, 0x69, 0x64, 0x2d, 0xc3, 0xa9, 9, 8));
  assert.equal(frameRequestId(frame), 'id-é');
  assert.deepEqual(frameCommand(frame), Uint8Array.of(9, 8));
});

test('an empty command and the longest id fit; a longer id or a truncated frame is refused', () => {
  const longest = 'x'.repeat(255);
  const frame = encodeCommandFrame(longest, recordingEncoder().encode, new Uint8Array(0));
  assert.equal(frameRequestId(frame), longest);
  assert.equal(frameCommand(frame).length, 0);
  assert.throws(() => encodeCommandFrame('x'.repeat(256), recordingEncoder().encode, new Uint8Array(0)), RangeError);
  assert.throws(() => frameCommand(frame.subarray(0, 100)), /truncated command frame/);
  assert.throws(() => frameRequestId(new Uint8Array(0)), /truncated command frame/);
});

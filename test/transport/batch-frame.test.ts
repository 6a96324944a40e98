// Batch frames: the arrival time and every message survive the trip, a cut notice is an empty
// frame, and frames too short or with a message running past the end are refused.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ARRIVE_AT_ONCE, BATCH_HEADER_BYTES, CUT_NOTICE, frameArrivalAtMs, packBatch, unpackBatch } from '../../src/transport/batch-frame.js';
import { decodeMessage } from '../../src/transport/message-codec.js';
import { MessageType, type Message } from '../../src/raft/types.js';
import { makeFullMessage } from './message-fixtures.js';

function unpacked(frame: Uint8Array): Message[] {
  const messages: Message[] = [];
  unpackBatch(frame, (bytes) => messages.push(decodeMessage(bytes)));
  return messages;
}

test('a frame carries its arrival time and its messages in order', () => {
  const batch = [makeFullMessage(MessageType.Append), makeFullMessage(MessageType.Heartbeat), makeFullMessage(MessageType.AppendResponse)];
  const atOnce = packBatch(batch);
  assert.equal(frameArrivalAtMs(atOnce), ARRIVE_AT_ONCE);
  assert.deepStrictEqual(unpacked(atOnce), batch);
  const later = packBatch(batch, 123_456.789);
  assert.equal(frameArrivalAtMs(later), 123_456.789);
  assert.deepStrictEqual(unpacked(later), batch);
});

test('a cut notice is an empty frame; short or overrunning frames are refused', () => {
  const notice = packBatch([], CUT_NOTICE);
  assert.equal(notice.byteLength, BATCH_HEADER_BYTES);
  assert.equal(frameArrivalAtMs(notice), CUT_NOTICE);
  assert.deepStrictEqual(unpacked(notice), []);
  assert.throws(() => frameArrivalAtMs(new Uint8Array(4)), /shorter than its header/);
  assert.throws(() => unpackBatch(new Uint8Array(4), () => {}), /shorter than its header/);
  const frame = packBatch([makeFullMessage(MessageType.Heartbeat)]);
  assert.throws(() => unpackBatch(frame.subarray(0, frame.byteLength - 1), () => {}), /overruns/);
});

test('a frame whose arrival time is not a time is refused, so a channel drops it', () => {
  const frame = packBatch([makeFullMessage(MessageType.Heartbeat)]);
  new DataView(frame.buffer).setFloat64(0, Number.NaN, true);
  assert.throws(() => frameArrivalAtMs(frame), /bad arrival time/);
  new DataView(frame.buffer).setFloat64(0, -5, true);
  assert.throws(() => frameArrivalAtMs(frame), /bad arrival time/);
});

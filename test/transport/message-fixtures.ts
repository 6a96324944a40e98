// Builders of Raft messages for the codec tests and the codec benchmark: one message of every
// type with its fields filled, random messages from a seeded Prng, and the benchmark's shapes.

import { EntryType, MessageType, emptyMessage, type Entry, type Message } from '../../src/raft/types.js';
import type { Prng } from '../../src/util/prng.js';

/** Every `MessageType` value, in order. */
export const ALL_MESSAGE_TYPES: MessageType[] = Array.from({ length: 13 }, (_, type) => type as MessageType);

export function filledBytes(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + seed) & 0xff;
  return bytes;
}

export function makeEntries(count: number, dataBytes: number, firstIndex: number, term: number): Entry[] {
  return Array.from({ length: count }, (_, i) => ({
    term,
    index: firstIndex + i,
    type: i % 7 === 3 ? EntryType.ConfChange : EntryType.Normal,
    data: filledBytes(dataBytes, i),
  }));
}

/** A message of `type` whose every field differs from its default. */
export function makeFullMessage(type: MessageType): Message {
  const message = emptyMessage(type, 'n1', 'node-with-a-longer-id-3', 7 + type);
  message.logTerm = 6;
  message.index = 2 ** 53 - 1 - type;
  message.entries = makeEntries(3, 40, 101, 6);
  message.commit = 99;
  message.reject = type % 2 === 1;
  message.rejectHint = 55;
  message.rejectHintTerm = 4;
  message.context = filledBytes(16, type);
  message.snapshot = {
    meta: { index: 4096, term: 5, voters: ['n1', 'n2', 'n3'] },
    data: filledBytes(1000, 9),
  };
  return message;
}

/** The benchmark's Append: 64 entries of 256 bytes. */
export function makeAppend(): Message {
  const message = emptyMessage(MessageType.Append, 'n1', 'n2', 12);
  message.logTerm = 12;
  message.index = 100_000;
  message.commit = 99_990;
  message.entries = makeEntries(64, 256, 100_001, 12);
  return message;
}

export function makeHeartbeat(): Message {
  const message = emptyMessage(MessageType.Heartbeat, 'n1', 'n2', 12);
  message.commit = 99_990;
  return message;
}

/** A message with random field values, random entry sizes and sometimes a snapshot. */
export function makeRandomMessage(prng: Prng): Message {
  const message = emptyMessage(prng.pick(ALL_MESSAGE_TYPES), randomId(prng), randomId(prng), randomNumber(prng));
  message.logTerm = randomNumber(prng);
  message.index = randomNumber(prng);
  message.commit = randomNumber(prng);
  message.reject = prng.chance(0.5);
  message.rejectHint = randomNumber(prng);
  message.rejectHintTerm = randomNumber(prng);
  message.context = filledBytes(prng.int(0, 3) * 8, prng.nextUint32());
  message.entries = makeEntries(prng.int(0, 5), prng.int(0, 300), Math.floor(randomNumber(prng) / 2), randomNumber(prng));
  if (prng.chance(0.3)) {
    const voters = Array.from({ length: prng.int(0, 6) }, () => randomId(prng));
    message.snapshot = { meta: { index: randomNumber(prng), term: randomNumber(prng), voters }, data: filledBytes(prng.int(0, 500), 1) };
  }
  return message;
}

function randomId(prng: Prng): string {
  return 'n' + prng.int(0, 1_000_000).toString(36).repeat(prng.int(0, 4));
}

/** Small numbers, 32-bit-crossing numbers and numbers near 2^53, all safe integers. */
function randomNumber(prng: Prng): number {
  const magnitude = prng.pick([2 ** 8, 2 ** 32, 2 ** 40, 2 ** 53 - 2 ** 21]);
  return Math.floor(prng.next() * magnitude);
}

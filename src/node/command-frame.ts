// The bytes of one log entry written by a node: the proposing request's id, so the node that
// proposed it can answer its client when it is applied, followed by the command itself. A
// request id is hyperid's pair, in binary: the proposer's 16-byte uuid and a request number.
// Logs written before ids were binary (a length byte and the id as text) still read.

import hyperid from 'hyperid';

/** The first byte of a frame with a binary id; a text id's length byte is never 0. */
const BINARY_ID_MARK = 0;
const PROPOSER_BYTES = 16;
const BINARY_ID_BYTES = 1 + PROPOSER_BYTES + 4;
const REQUEST_NUMBER_MAX = 0xffff_ffff;

/**
 * Encodes `command` into a new array, after `headroomBytes` bytes it leaves free at the front
 * for the frame's header: the command is then written once, never copied into a frame.
 */
export type CommandEncoder<Command> = (command: Command, headroomBytes: number) => Uint8Array;

/**
 * The ids one node gives its requests: its own uuid (new each time the node starts, so entries
 * of an earlier run are never taken for its own), and a number counting up from 1. The number
 * wraps after 2^32 - 1 requests: hours of writes at full speed, while a request waits seconds
 * at most, so no two requests waiting at once share a number.
 */
export class RequestIds {
  readonly proposer: Uint8Array = Buffer.from(hyperid().uuid.replaceAll('-', ''), 'hex');

  /** `lastNumber`: the count starts after it (0, so the first request is 1). */
  constructor(private lastNumber = 0) {
    if (!Number.isInteger(lastNumber) || lastNumber < 0 || lastNumber > REQUEST_NUMBER_MAX) throw new RangeError(`bad last request number ${lastNumber}`);
  }

  next(): number {
    this.lastNumber = this.lastNumber === REQUEST_NUMBER_MAX ? 1 : this.lastNumber + 1;
    return this.lastNumber;
  }
}

export function encodeCommandFrame<Command>(proposer: Uint8Array, requestNumber: number, encode: CommandEncoder<Command>, command: Command): Uint8Array {
  if (proposer.length !== PROPOSER_BYTES) throw new RangeError(`proposer of ${proposer.length} bytes, expected ${PROPOSER_BYTES}`);
  if (!Number.isInteger(requestNumber) || requestNumber < 1 || requestNumber > REQUEST_NUMBER_MAX) throw new RangeError(`bad request number ${requestNumber}`);
  const frame = encode(command, BINARY_ID_BYTES);
  frame[0] = BINARY_ID_MARK;
  frame.set(proposer, 1);
  const at = 1 + PROPOSER_BYTES;
  frame[at] = requestNumber & 0xff;
  frame[at + 1] = (requestNumber >>> 8) & 0xff;
  frame[at + 2] = (requestNumber >>> 16) & 0xff;
  frame[at + 3] = requestNumber >>> 24;
  return frame;
}

/** The command a frame carries (a view, not a copy). */
export function frameCommand(data: Uint8Array): Uint8Array {
  return data.subarray(idBytesOf(data));
}

/**
 * The number of the request that proposed the frame's command if `proposer` proposed it, else
 * 0: only its proposer answers a request.
 */
export function frameRequestNumber(data: Uint8Array, proposer: Uint8Array): number {
  idBytesOf(data);
  if (data[0] !== BINARY_ID_MARK) return 0;
  for (let i = 0; i < PROPOSER_BYTES; i++) if (data[1 + i] !== proposer[i]) return 0;
  const at = 1 + PROPOSER_BYTES;
  return (data[at]! | (data[at + 1]! << 8) | (data[at + 2]! << 16)) + data[at + 3]! * 0x100_0000;
}

function idBytesOf(data: Uint8Array): number {
  const idBytes = data.length > 0 && data[0] === BINARY_ID_MARK ? BINARY_ID_BYTES : 1 + (data[0] ?? 0);
  if (data.length < 1 || data.length < idBytes) throw new RangeError('truncated command frame');
  return idBytes;
}

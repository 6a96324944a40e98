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

/** The ids one node gives its requests: its own uuid, and a number counting up from 1. */
export class RequestIds {
  private proposerBytes = newProposer();
  private lastNumber = 0;

  /** This node's uuid, as frames carry it. */
  get proposer(): Uint8Array {
    return this.proposerBytes;
  }

  /** The next request number; after 2^32 - 1 of them the node takes a fresh uuid. */
  next(): number {
    if (this.lastNumber === REQUEST_NUMBER_MAX) {
      this.proposerBytes = newProposer();
      this.lastNumber = 0;
    }
    return ++this.lastNumber;
  }
}

function newProposer(): Uint8Array {
  return Buffer.from(hyperid().uuid.replaceAll('-', ''), 'hex');
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

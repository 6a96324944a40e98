// The bytes of one log entry written by a node: the proposing request's id, so the node that
// proposed it can answer its client when it is applied, followed by the command itself.

import { writeUtf8 } from '../util/utf8.js';

const ID_BYTES_MAX = 255;
const decoder = new TextDecoder();

/**
 * Encodes `command` into a new array, after `headroomBytes` bytes it leaves free at the front
 * for the frame's header: the command is then written once, never copied into a frame.
 */
export type CommandEncoder<Command> = (command: Command, headroomBytes: number) => Uint8Array;

export function encodeCommandFrame<Command>(requestId: string, encode: CommandEncoder<Command>, command: Command): Uint8Array {
  const idLength = Buffer.byteLength(requestId, 'utf8');
  if (idLength > ID_BYTES_MAX) throw new RangeError(`request id of ${idLength} bytes exceeds ${ID_BYTES_MAX}`);
  const frame = encode(command, 1 + idLength);
  frame[0] = idLength;
  writeUtf8(frame, 1, requestId, idLength);
  return frame;
}

/** The command a frame carries (a view, not a copy). */
export function frameCommand(data: Uint8Array): Uint8Array {
  return data.subarray(1 + idLengthOf(data));
}

/** The id of the request that proposed the frame's command: only its proposer needs it. */
export function frameRequestId(data: Uint8Array): string {
  return decoder.decode(data.subarray(1, 1 + idLengthOf(data)));
}

function idLengthOf(data: Uint8Array): number {
  if (data.length < 1 || data.length < 1 + data[0]!) throw new RangeError('truncated command frame');
  return data[0]!;
}

// The bytes of one log entry written by a node: the proposing request's id, so the node that
// proposed it can answer its client when it is applied, followed by the command itself.

const ID_BYTES_MAX = 255;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeCommandFrame(requestId: string, command: Uint8Array): Uint8Array {
  const id = encoder.encode(requestId);
  if (id.length > ID_BYTES_MAX) throw new RangeError(`request id of ${id.length} bytes exceeds ${ID_BYTES_MAX}`);
  const frame = new Uint8Array(1 + id.length + command.length);
  frame[0] = id.length;
  frame.set(id, 1);
  frame.set(command, 1 + id.length);
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

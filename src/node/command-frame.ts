// The bytes of one log entry written by a node: the proposing request's id, so the node that
// proposed it can answer its client when it is applied, followed by the command itself.

const ID_BYTES_MAX = 255;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface CommandFrame {
  requestId: string;
  command: Uint8Array;
}

export function encodeCommandFrame(requestId: string, command: Uint8Array): Uint8Array {
  const id = encoder.encode(requestId);
  if (id.length > ID_BYTES_MAX) throw new RangeError(`request id of ${id.length} bytes exceeds ${ID_BYTES_MAX}`);
  const frame = new Uint8Array(1 + id.length + command.length);
  frame[0] = id.length;
  frame.set(id, 1);
  frame.set(command, 1 + id.length);
  return frame;
}

export function decodeCommandFrame(data: Uint8Array): CommandFrame {
  if (data.length < 1 || data.length < 1 + data[0]!) throw new RangeError('truncated command frame');
  const idLength = data[0]!;
  return {
    requestId: decoder.decode(data.subarray(1, 1 + idLength)),
    command: data.subarray(1 + idLength),
  };
}

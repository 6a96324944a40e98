// Reading an accepted socket into one buffer that the caller owns: node's `onread` mode, which
// net.connect offers but net.Server does not for the sockets it accepts. Each read then lands
// in that buffer and is handed to a callback, with no 64 KiB allocation, ArrayBuffer, Buffer,
// stream push or 'data' event per read (about a tenth of the leader's time under load). The
// switch uses node's own per-socket slots for that mode, found by name; on a node without them
// it is refused and the caller reads 'data' events as before.

import type { Socket } from 'node:net';

/** Takes the bytes of one read, `buffer[0, bytesRead)`, which the next read overwrites. */
export type ReadCallback = (bytesRead: number, buffer: Buffer) => void;

interface UserBufferSlots {
  readonly buffer: symbol;
  readonly callback: symbol;
  readonly generator: symbol;
}

interface UserBufferHandle {
  useUserBuffer(buffer: Uint8Array): void;
}

type SocketWithSlots = Socket & Record<symbol, unknown> & { _handle?: Partial<UserBufferHandle> | null };

/** A socket switched to reading into a buffer; `release` gives its reads back to the stream. */
export interface BufferedReads {
  /**
   * From now on every read is copied and pushed into the socket's stream ('data' events, or
   * node:http's parser once it takes the handle over).
   */
  release(): void;
}

let slots: UserBufferSlots | null | undefined;

/**
 * Switches `socket` to reading into `buffer` and calling `onRead`; null (and nothing changed)
 * when this node has no such mode or the socket is already in it.
 */
export function readIntoBuffer(socket: Socket, buffer: Buffer, onRead: ReadCallback): BufferedReads | null {
  const target = socket as SocketWithSlots;
  const handle = target._handle;
  if (handle === null || handle === undefined || typeof handle.useUserBuffer !== 'function') return null;
  if (slots === undefined) slots = findSlots(target);
  if (slots === null) return null;
  const { buffer: bufferSlot, callback: callbackSlot, generator: generatorSlot } = slots;
  if (target[bufferSlot] !== null || target[callbackSlot] !== null || target[generatorSlot] !== null) return null;
  target[bufferSlot] = buffer;
  target[callbackSlot] = onRead;
  handle.useUserBuffer(buffer);
  return {
    release: () => {
      target[callbackSlot] = (bytesRead: number, bytes: Buffer): boolean => socket.push(Buffer.from(bytes.subarray(0, bytesRead)));
    },
  };
}

/** Node's slots for the `onread` mode, present (and null) on every socket it makes. */
function findSlots(socket: SocketWithSlots): UserBufferSlots | null {
  const byName = new Map<string | undefined, symbol>();
  for (const symbol of Object.getOwnPropertySymbols(socket)) byName.set(symbol.description, symbol);
  const buffer = byName.get('kBuffer');
  const callback = byName.get('kBufferCb');
  const generator = byName.get('kBufferGen');
  if (buffer === undefined || callback === undefined || generator === undefined) return null;
  return { buffer, callback, generator };
}

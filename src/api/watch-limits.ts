// Bounds on open watches: HTTP/1.1 pipelining lets one connection start many watches at once,
// and each holds a store watcher, so watches are counted per connection and in all; a watch
// beyond either bound is refused instead of admitted.

import type { Socket } from 'node:net';

export const WATCHES_PER_CONNECTION_MAX_DEFAULT = 64;
const WATCHES_MAX_DEFAULT = 10_000;

export class WatchLimits {
  private readonly perSocket = new WeakMap<Socket, number>();
  private openCount = 0;

  constructor(
    readonly perConnectionMax: number = WATCHES_PER_CONNECTION_MAX_DEFAULT,
    readonly totalMax: number = WATCHES_MAX_DEFAULT,
  ) {
    if (!Number.isInteger(perConnectionMax) || perConnectionMax < 1) throw new Error(`bad per-connection watch limit ${perConnectionMax}`);
    if (!Number.isInteger(totalMax) || totalMax < 1) throw new Error(`bad watch limit ${totalMax}`);
  }

  /** Why a new watch on `socket` is refused, or null when it is admitted (and counted). */
  acquire(socket: Socket): string | null {
    const onSocket = this.perSocket.get(socket) ?? 0;
    if (onSocket >= this.perConnectionMax) return `too many watches on one connection (at most ${this.perConnectionMax})`;
    if (this.openCount >= this.totalMax) return `too many watches (at most ${this.totalMax})`;
    this.perSocket.set(socket, onSocket + 1);
    this.openCount++;
    return null;
  }

  release(socket: Socket): void {
    const onSocket = this.perSocket.get(socket) ?? 0;
    if (onSocket < 1 || this.openCount < 1) throw new Error('watch released more often than acquired');
    this.perSocket.set(socket, onSocket - 1);
    this.openCount--;
  }
}

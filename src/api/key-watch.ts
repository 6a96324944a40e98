// Serving a watch (GET /v2/keys/...?wait=true) as etcd's handleKeyWatch does: headers (with the
// index at which the watch began) are flushed before any event, a plain watch answers one
// event and ends, a stream watch writes each event as it comes and ends only when the store
// drops its watcher or the client goes away; the watcher is removed whenever the answer ends.

import type { ServerResponse } from 'node:http';
import { renderEventBody, type V2Event, type Watcher } from '../store/index.js';
import { JSON_TYPE, withCors, type Headers } from './http-reply.js';
import { WATCHES_PER_CONNECTION_MAX_DEFAULT } from './watch-limits.js';

/**
 * A stream whose client reads slower than events arrive is cut once this much output waits
 * in memory, as etcd cuts a watcher that falls behind.
 */
const WATCH_BUFFERED_BYTES_MAX = 1024 * 1024;
/** Each watch listens for its connection's end and close: room for every watch one may hold. */
const SOCKET_LISTENERS_MAX = 2 * WATCHES_PER_CONNECTION_MAX_DEFAULT + 16;

export interface WatchAnswer {
  readonly watcher: Watcher;
  readonly stream: boolean;
  /** Headers besides Content-Type and X-Etcd-Index (cluster id, raft index and term). */
  readonly headers: Headers;
  readonly nowMs: () => number;
  /** Called once when the answer is over, however it ended. */
  readonly onDone: () => void;
}

export function serveWatch(res: ServerResponse, answer: WatchAnswer): void {
  const { watcher, stream } = answer;
  res.writeHead(200, withCors({ ...answer.headers, 'Content-Type': JSON_TYPE, 'X-Etcd-Index': String(watcher.startIndex) }));
  res.flushHeaders();
  let finished = false;
  // A pipelined answer waiting behind an earlier one gets no 'close' when the client goes
  // away, and node keeps a half-closed connection open while answers are pending: like etcd,
  // a watch ends when its client closes its side (or its watcher would leak forever).
  const socket = res.req.socket;
  if (socket.getMaxListeners() < SOCKET_LISTENERS_MAX) socket.setMaxListeners(SOCKET_LISTENERS_MAX);
  const finish = (): void => {
    if (finished) return;
    finished = true;
    socket.off('close', finish);
    socket.off('end', finish);
    watcher.onWake(null);
    watcher.remove();
    answer.onDone();
    if (!res.writableEnded) res.end();
  };
  res.on('close', finish);
  socket.once('close', finish);
  socket.once('end', finish);
  watcher.onWake(() => {
    if (finished) return;
    for (const event of watcher.takeEvents()) {
      res.write(watchBody(event, answer.nowMs));
      if (!stream || res.writableLength > WATCH_BUFFERED_BYTES_MAX) return finish();
    }
    // A stream answered from the history is never registered and, as in etcd, stays open
    // until the client leaves; only a watcher the store dropped ends the stream.
    if (watcher.wasDropped) finish();
  });
}

/** Bodies of events that carry their own time, shared by every watch the same event wakes. */
const renderedBodies = new WeakMap<V2Event, string>();

/**
 * The store hands one event object to every watcher it wakes. A write's event carries the
 * time it was applied, so its body is the same for all of them: rendered once. An event
 * without a time (none a write makes) is rendered at this moment, for this watcher only.
 */
function watchBody(event: V2Event, nowMs: () => number): string {
  const cached = renderedBodies.get(event);
  if (cached !== undefined) return cached;
  const body = renderEventBody(event, nowMs);
  if (event.timeMs !== null) renderedBodies.set(event, body);
  return body;
}

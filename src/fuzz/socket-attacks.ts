// Misbehaving clients on raw TCP sockets, which an HTTP library would never produce: garbage
// and invalid UTF-8 in the request line, headers trickled forever (slowloris), a body that is
// never finished, a FIN right after the headers. Each reports what the server answered and
// whether (and when) it closed the connection.

import { connect, type Socket } from 'node:net';

export interface RawOutcome {
  /** Everything the server sent, as latin1 text. */
  reply: string;
  /** Milliseconds until the server closed the connection, or null if it was still open. */
  closedAfterMs: number | null;
}

const REPLY_BYTES_KEPT = 64 * 1024;

/** Connects, lets `behave` misbehave on the socket, and watches for up to `watchMs`. */
function watchSocket(host: string, port: number, watchMs: number, behave: (socket: Socket) => () => void): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const startedMs = performance.now();
    let reply = '';
    let stopBehaving = (): void => {};
    const socket = connect(port, host, () => (stopBehaving = behave(socket)));
    const finish = (closedAfterMs: number | null): void => {
      clearTimeout(timer);
      stopBehaving();
      socket.destroy();
      resolve({ reply, closedAfterMs });
    };
    const timer = setTimeout(() => finish(null), watchMs);
    socket.on('data', (chunk: Buffer) => (reply = (reply + chunk.toString('latin1')).slice(0, REPLY_BYTES_KEPT)));
    socket.on('error', () => {});
    socket.on('close', () => finish(Math.round(performance.now() - startedMs)));
  });
}

/** Sends `bytes`, optionally half-closes (FIN), and reads until the server closes. */
export function rawExchange(host: string, port: number, bytes: Buffer, halfClose: boolean, watchMs: number): Promise<RawOutcome> {
  return watchSocket(host, port, watchMs, (socket) => {
    if (halfClose) socket.end(bytes);
    else socket.write(bytes);
    return () => {};
  });
}

/** Sends a request line, then one more header line every `intervalMs`, never finishing. */
export function slowHeaders(host: string, port: number, intervalMs: number, watchMs: number): Promise<RawOutcome> {
  return watchSocket(host, port, watchMs, (socket) => {
    socket.write('GET /v2/keys/slow HTTP/1.1\r\nHost: fuzz\r\n');
    let n = 0;
    const timer = setInterval(() => socket.writable && socket.write(`X-Slow-${n++}: a\r\n`), intervalMs);
    return () => clearInterval(timer);
  });
}

/** Sends complete headers promising a body, then only part of it. */
export function unfinishedBody(host: string, port: number, watchMs: number): Promise<RawOutcome> {
  const head = 'PUT /v2/keys/slow HTTP/1.1\r\nHost: fuzz\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n';
  return rawExchange(host, port, Buffer.from(head + 'value='), false, watchMs);
}

/** Sends one valid request and then stays idle on the keep-alive connection. */
export function idleAfterRequest(host: string, port: number, watchMs: number): Promise<RawOutcome> {
  return rawExchange(host, port, Buffer.from('GET /version HTTP/1.1\r\nHost: fuzz\r\n\r\n'), false, watchMs);
}

/**
 * Request heads no HTTP library would send; the server must answer 4xx or close, never crash.
 * An `incomplete` head leaves the server waiting for more (until its request timeout) unless
 * the client half-closes.
 */
export const MALFORMED_HEADS: readonly { name: string; bytes: Buffer; incomplete?: boolean }[] = [
  { name: 'garbage request line', bytes: Buffer.from('NONSENSE\r\n\r\n') },
  { name: 'invalid UTF-8 in the target', bytes: Buffer.from('GET /v2/keys/\xff\xfe\xc3( HTTP/1.1\r\nHost: x\r\n\r\n', 'latin1') },
  { name: 'NUL in the target', bytes: Buffer.from('GET /v2/keys/a\0b HTTP/1.1\r\nHost: x\r\n\r\n', 'latin1') },
  { name: 'space in the target', bytes: Buffer.from('GET /v2/keys/a b HTTP/1.1\r\nHost: x\r\n\r\n') },
  { name: 'bare LF line ends', bytes: Buffer.from('GET /v2/keys/a HTTP/1.1\nHost: x\n\n') },
  { name: 'HTTP/9.9', bytes: Buffer.from('GET /v2/keys/a HTTP/9.9\r\nHost: x\r\n\r\n') },
  { name: 'negative Content-Length', bytes: Buffer.from('PUT /v2/keys/a HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n') },
  { name: 'two Content-Lengths', bytes: Buffer.from('PUT /v2/keys/a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 7\r\n\r\nvalue=1') },
  { name: 'bad chunked body', bytes: Buffer.from('PUT /v2/keys/a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nvalue=1\r\n0\r\n\r\n') },
  { name: 'header without a colon', bytes: Buffer.from('GET /v2/keys/a HTTP/1.1\r\nHost x\r\n\r\n') },
  { name: 'headers over 1 MiB', bytes: Buffer.from(`GET /v2/keys/a HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(1100 * 1024)}\r\n\r\n`) },
  { name: 'PUT headers promising a body that never comes', bytes: Buffer.from('PUT /v2/keys/a HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n'), incomplete: true },
];

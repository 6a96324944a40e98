// A raw HTTP/1.1 client connection for tests of the server's connection handling: the test
// writes exact bytes (pipelined, split, half-closed) and reads the answers back one by one,
// each parsed from the byte stream by its Content-Length or its chunked framing.

import { connect, type Socket } from 'node:net';

export interface RawAnswer {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: Record<string, string>;
  readonly body: string;
}

const WAIT_MS_MAX = 5000;

export class RawConnection {
  private received = Buffer.alloc(0);
  private closed = false;
  private wake: (() => void) | null = null;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.wake?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
    socket.on('error', () => undefined);
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  write(text: string): void {
    this.socket.write(text);
  }

  /** True once the server has closed the connection (within the wait bound). */
  async waitClosed(): Promise<boolean> {
    await this.waitFor(() => this.closed);
    return this.closed;
  }

  /**
   * The next whole answer. A chunked one is read until its chunks hold `chunkedBytes`; the
   * answer to a HEAD (`bodyless`) has a Content-Length and no body.
   */
  async next(options: { readonly chunkedBytes?: number; readonly bodyless?: boolean } = {}): Promise<RawAnswer> {
    let answer: { value: RawAnswer; length: number } | null = null;
    await this.waitFor(() => (answer = parseAnswer(this.received, options.chunkedBytes ?? 0, options.bodyless ?? false)) !== null || this.closed);
    if (answer === null) throw new Error(`no whole answer in ${JSON.stringify(this.received.toString('latin1'))}`);
    const { value, length } = answer as { value: RawAnswer; length: number };
    this.received = this.received.subarray(length);
    return value;
  }

  /** Bytes received and not yet read as an answer. */
  get unread(): string {
    return this.received.toString('latin1');
  }

  close(): void {
    this.socket.destroy();
  }

  private async waitFor(done: () => boolean): Promise<void> {
    const deadlineMs = Date.now() + WAIT_MS_MAX;
    while (!done() && Date.now() < deadlineMs) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }
}

function parseAnswer(bytes: Buffer, chunkedBytes: number, bodyless: boolean): { value: RawAnswer; length: number } | null {
  const headEnd = bytes.indexOf('\r\n\r\n');
  if (headEnd === -1) return null;
  const [statusLine, ...lines] = bytes.toString('latin1', 0, headEnd).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colonAt = line.indexOf(':');
    headers[line.slice(0, colonAt).toLowerCase()] = line.slice(colonAt + 1).trim();
  }
  const status = Number(statusLine!.split(' ')[1]);
  const bodyStart = headEnd + 4;
  if (headers['transfer-encoding'] === 'chunked') {
    const text = bytes.toString('utf8', bodyStart);
    const body = text.replace(/(?:^|\r\n)[0-9a-f]+\r\n/g, '');
    if (Buffer.byteLength(body) < chunkedBytes) return null;
    return { value: { status, headers, body }, length: bytes.length };
  }
  const bodyBytes = bodyless ? 0 : Number(headers['content-length'] ?? '0');
  if (bytes.length < bodyStart + bodyBytes) return null;
  return { value: { status, headers, body: bytes.toString('utf8', bodyStart, bodyStart + bodyBytes) }, length: bodyStart + bodyBytes };
}

// A raw HTTP client for API tests: sends the request target exactly as written (no dot-segment
// cleaning, unlike fetch), returns status, headers and body, and can hold a watch open to see
// its headers before its events.

import { request, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';

export interface ProbeRequest {
  readonly method: string;
  /** Path and query, sent as is. */
  readonly target: string;
  /** Sent as an application/x-www-form-urlencoded body. */
  readonly form?: Record<string, string>;
  readonly body?: string;
  readonly headers?: Record<string, string>;
}

export interface ProbeAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

const PROBE_TIMEOUT_MS = 10_000;

function start(endpoint: string, probe: ProbeRequest): Promise<IncomingMessage> {
  const url = new URL(endpoint);
  const headers: Record<string, string> = { ...probe.headers };
  let body = probe.body;
  if (probe.form !== undefined) {
    body = new URLSearchParams(probe.form).toString();
    headers['Content-Type'] ??= 'application/x-www-form-urlencoded';
  }
  if (body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(body));
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method: probe.method, path: probe.target, headers, agent: false });
    req.setTimeout(PROBE_TIMEOUT_MS, () => req.destroy(new Error(`no answer to ${probe.method} ${probe.target} in ${PROBE_TIMEOUT_MS} ms`)));
    req.once('response', resolve);
    req.once('error', reject);
    req.end(body);
  });
}

function readAll(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.once('error', reject);
  });
}

export async function probe(endpoint: string, request: ProbeRequest): Promise<ProbeAnswer> {
  const res = await start(endpoint, request);
  const body = await readAll(res);
  return { status: res.statusCode ?? 0, headers: res.headers, body };
}

/** An answer whose headers have arrived; its body is read on demand, line by line for streams. */
export interface OpenAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The next `count` newline-terminated lines of the body. */
  lines(count: number): Promise<string[]>;
  /** The rest of the body once the server ends it. */
  rest(): Promise<string>;
  close(): void;
}

export async function probeOpen(endpoint: string, request: ProbeRequest): Promise<OpenAnswer> {
  const res = await start(endpoint, request);
  let buffered = '';
  let ended = false;
  let wake: (() => void) | null = null;
  res.setEncoding('utf8');
  res.on('data', (text: string) => {
    buffered += text;
    wake?.();
  });
  res.once('end', () => {
    ended = true;
    wake?.();
  });
  res.once('error', () => undefined);
  const waitFor = async (ready: () => boolean): Promise<void> => {
    while (!ready()) {
      if (ended) throw new Error(`answer ended early; body so far: ${JSON.stringify(buffered)}`);
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };
  return {
    status: res.statusCode ?? 0,
    headers: res.headers,
    async lines(count) {
      await waitFor(() => buffered.split('\n').length > count);
      const parts = buffered.split('\n');
      buffered = parts.slice(count).join('\n');
      return parts.slice(0, count);
    },
    async rest() {
      while (!ended) await new Promise<void>((resolve) => (wake = resolve));
      return buffered;
    },
    close: () => res.destroy(),
  };
}

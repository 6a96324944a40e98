// One etcd v2 stream watcher (`?wait=true&stream=true`) on its own connection: it resolves once
// the server has sent the headers (the watch is registered), then hands every event's node
// value and arrival time to the caller. Events arrive as JSON objects, one per line.

import { request, type ClientRequest } from 'node:http';
import { performance } from 'node:perf_hooks';

/** An event line longer than this is not a benchmark event; the stream is ended. */
const LINE_CHARS_MAX = 4 * 1024 * 1024;

export interface WatchStream {
  close(): void;
}

export interface WatchHandlers {
  onValue(value: string, arrivedMs: number): void;
  /** The stream ended before close() (the server dropped the watcher, or the socket broke). */
  onEnd(reason: string): void;
}

export function openWatchStream(endpoint: string, keyPathText: string, handlers: WatchHandlers, openTimeoutMs: number): Promise<WatchStream> {
  const url = new URL(`${keyPathText}?wait=true&stream=true`, endpoint);
  return new Promise((resolve, reject) => {
    let ended = false;
    const end = (reason: string): void => {
      if (!ended) handlers.onEnd(reason);
      ended = true;
    };
    const req: ClientRequest = request(url, { agent: false });
    const timer = setTimeout(() => req.destroy(new Error(`watch on ${endpoint} did not open within ${openTimeoutMs} ms`)), openTimeoutMs);
    const stream: WatchStream = {
      close: () => {
        ended = true;
        req.destroy();
      },
    };
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
      end(error.message);
    });
    req.on('response', (res) => {
      clearTimeout(timer);
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`watch on ${endpoint} answered HTTP ${res.statusCode}`));
        return;
      }
      resolve(stream);
      let pending = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const arrivedMs = performance.now();
        pending += chunk;
        let newline: number;
        while ((newline = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, newline);
          pending = pending.slice(newline + 1);
          const value = line.trim().length > 0 ? eventValue(line) : null;
          if (value === undefined) {
            end(`malformed watch event: ${line.slice(0, 200)}`);
            res.destroy();
            return;
          }
          if (value !== null) handlers.onValue(value, arrivedMs);
        }
        if (pending.length > LINE_CHARS_MAX) res.destroy(new Error('watch event line too long'));
      });
      res.on('close', () => end('the server ended the watch stream'));
    });
    req.end();
  });
}

/** The node value of one event line, or undefined when the line is not an event with a value. */
function eventValue(line: string): string | undefined {
  try {
    const value = (JSON.parse(line) as { node?: { value?: unknown } }).node?.value;
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

// Watches one key (or a tree) for changes. Without `stream` each event is one long-poll GET
// with wait=true, resumed from the last event's modifiedIndex + 1 so nothing is missed; with
// `stream` one answer carries newline-separated events. Use it as an async iterator, with
// next(), or with onEvent(callback).

import type { IncomingHttpHeaders } from 'node:http';
import { StringDecoder } from 'node:string_decoder';
import type { EndpointPool } from './endpoint-pool.js';
import { keysPath } from './key-path.js';
import { decodeEvent, decodeKeysAnswer, KEYS_PREFIX, parseJson, withQuery } from './keys-api.js';
import { EmptyBodyError } from './v2-error.js';
import type { V2Response } from './v2-types.js';

export interface WatchOptions {
  recursive?: boolean;
  /** Deliver events with an index greater than this one (etcdctl's --after-index). */
  afterIndex?: number;
  /** Keep one answer open and read every event from it. */
  stream?: boolean;
  signal?: AbortSignal;
}

/** A watch event larger than this is treated as a broken stream. */
export const STREAM_EVENT_BYTES_MAX = 16 * 1024 * 1024;

export class KeyWatcher implements AsyncIterable<V2Response> {
  /** The waitIndex of the next request; 0 waits for the next event whatever its index. */
  private nextWaitIndex: number;
  private readonly controller = new AbortController();
  private readonly signal: AbortSignal;
  private streamLines: AsyncIterator<string> | undefined;
  private streamHeaders: IncomingHttpHeaders = {};

  constructor(
    private readonly pool: EndpointPool,
    private readonly key: string,
    private readonly options: WatchOptions = {},
  ) {
    const afterIndex = options.afterIndex ?? 0;
    if (!Number.isSafeInteger(afterIndex) || afterIndex < 0) throw new RangeError(`afterIndex must be >= 0, got ${afterIndex}`);
    this.nextWaitIndex = afterIndex > 0 ? afterIndex + 1 : 0;
    this.signal = options.signal ? AbortSignal.any([options.signal, this.controller.signal]) : this.controller.signal;
  }

  /** Resolves with the next event; rejects with V2Error, ClusterError or an abort. */
  async next(): Promise<V2Response> {
    const event = this.options.stream ? await this.nextStreamed() : await this.nextPolled();
    this.nextWaitIndex = (event.node.modifiedIndex ?? 0) + 1;
    return event;
  }

  /** Stops the watch; a pending next() rejects. */
  close(): void {
    this.controller.abort(new Error('watch closed'));
  }

  async *[Symbol.asyncIterator](): AsyncIterator<V2Response> {
    try {
      while (!this.signal.aborted) yield await this.next();
    } finally {
      this.close();
    }
  }

  /** Calls `onEvent` for every event until close(); `onError` gets the error that ends it. */
  onEvent(onEvent: (event: V2Response) => void, onError: (error: unknown) => void = () => {}): this {
    const loop = async (): Promise<void> => {
      for (;;) onEvent(await this.next());
    };
    loop().catch((error: unknown) => {
      if (!this.controller.signal.aborted) onError(error);
    });
    return this;
  }

  private requestPath(stream: boolean): string {
    const query = new URLSearchParams({ wait: 'true', waitIndex: String(this.nextWaitIndex) });
    if (this.options.recursive) query.set('recursive', 'true');
    if (stream) query.set('stream', 'true');
    return withQuery(keysPath(KEYS_PREFIX, this.key), query);
  }

  private async nextPolled(): Promise<V2Response> {
    for (;;) {
      const answer = await this.pool.request({ method: 'GET', path: this.requestPath(false) }, { signal: this.signal, waitsForEvent: true });
      try {
        return decodeKeysAnswer(answer.status, answer.headers, answer.body);
      } catch (error) {
        // The server ends a long poll with an empty body when it gives up waiting; ask again.
        if (!(error instanceof EmptyBodyError)) throw error;
      }
    }
  }

  private async nextStreamed(): Promise<V2Response> {
    for (;;) {
      if (!this.streamLines) await this.openStream();
      const line = await this.streamLines!.next();
      // A stream that ends (the server dropped a slow watcher) is reopened where it stopped.
      if (line.done) this.streamLines = undefined;
      else if (line.value.trim() !== '') return decodeEvent(parseJson(line.value), 200, this.streamHeaders);
    }
  }

  private async openStream(): Promise<void> {
    const { endpoint, answer } = await this.pool.open({ method: 'GET', path: this.requestPath(true) }, { signal: this.signal, waitsForEvent: true });
    if (answer.status !== 200) {
      const body = await this.pool.transport.readBody(endpoint, answer, STREAM_EVENT_BYTES_MAX, this.signal);
      decodeKeysAnswer(answer.status, answer.headers, body);
    }
    this.streamHeaders = answer.headers;
    this.streamLines = splitLines(answer.stream, STREAM_EVENT_BYTES_MAX);
  }
}

/** Splits a byte stream into text lines, refusing lines longer than `lineBytesMax`. */
async function* splitLines(stream: AsyncIterable<Buffer>, lineBytesMax: number): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  for await (const chunk of stream) {
    pending += decoder.write(chunk);
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      yield pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      newline = pending.indexOf('\n');
    }
    if (pending.length > lineBytesMax) throw new Error(`watch stream line exceeds ${lineBytesMax} bytes`);
  }
  if (pending !== '') yield pending;
}

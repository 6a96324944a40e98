// Reading a request body with a bound: a body larger than the limit (by its Content-Length,
// or as it streams in) is not buffered; the caller refuses the request and closes the
// connection instead of reading the rest.

import type { IncomingMessage } from 'node:http';

export type BodyOutcome = { readonly kind: 'body'; readonly text: string } | { readonly kind: 'too-large' } | { readonly kind: 'aborted' };

export function readBody(req: IncomingMessage, bytesMax: number): Promise<BodyOutcome> {
  if (!Number.isSafeInteger(bytesMax) || bytesMax < 0) throw new Error(`bad body limit ${bytesMax}`);
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > bytesMax) return Promise.resolve({ kind: 'too-large' });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let receivedBytes = 0;
    const settle = (outcome: BodyOutcome): void => {
      req.removeAllListeners('data');
      resolve(outcome);
    };
    req.on('data', (chunk: Buffer) => {
      receivedBytes += chunk.length;
      if (receivedBytes > bytesMax) {
        req.pause();
        return settle({ kind: 'too-large' });
      }
      chunks.push(chunk);
    });
    // A small body comes in one chunk: decode it where it lies rather than concatenating a copy.
    req.once('end', () => settle({ kind: 'body', text: (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, receivedBytes)).toString('utf8') }));
    req.once('aborted', () => settle({ kind: 'aborted' }));
    req.once('error', () => settle({ kind: 'aborted' }));
  });
}

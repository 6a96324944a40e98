// The request target as Go's net/http hands it to etcd's handlers: the raw target split into
// a percent-decoded path and a raw query. ServeMux's path cleaning is util/clean-path.ts's
// muxCleanPath, which the client shares.

import { isEscapeFailure, queryUnescape } from './go-form.js';

export interface RequestTarget {
  /** The decoded path (Go's URL.Path). */
  readonly path: string;
  /** The query string after `?`, undecoded (Go's URL.RawQuery). */
  readonly rawQuery: string;
}

/** Splits and decodes a request target; null when Go's server would refuse it (400). */
export function parseRequestTarget(rawTarget: string): RequestTarget | null {
  if (!rawTarget.startsWith('/')) return null;
  const questionAt = rawTarget.indexOf('?');
  const rawPath = questionAt === -1 ? rawTarget : rawTarget.slice(0, questionAt);
  const rawQuery = questionAt === -1 ? '' : rawTarget.slice(questionAt + 1);
  const path = queryUnescape(rawPath, false);
  if (isEscapeFailure(path)) return null;
  return { path, rawQuery };
}

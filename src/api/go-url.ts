// The request target as Go's net/http hands it to etcd's handlers: the raw target split into
// a percent-decoded path and a raw query, and the ServeMux path cleaning (a request for an
// unclean path is redirected to the clean one; util/escape-path.ts escapes its Location).

import { isEscapeFailure, queryUnescape } from './go-form.js';
import { cleanRootedPath } from '../util/clean-path.js';

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

/** ServeMux's cleanPath: path.Clean, keeping one trailing slash if the path had one. */
export function muxCleanPath(path: string): string {
  if (path === '') return '/';
  const rooted = path.startsWith('/') ? path : '/' + path;
  const cleaned = cleanRootedPath(rooted);
  return rooted.endsWith('/') && cleaned !== '/' ? cleaned + '/' : cleaned;
}

// The request target as Go's net/http hands it to etcd's handlers: the raw target split into
// a percent-decoded path and a raw query, the ServeMux path cleaning (a request for an
// unclean path is redirected to the clean one), and the path escaping of the redirect URL.

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

// Go's shouldEscape for a path keeps the unreserved characters and these sub-delimiters.
const PATH_SAFE = /[A-Za-z0-9\-_.~$&+,/:;=@]/;

/** url.URL{Path: path}.EscapedPath(): every byte outside the safe set as %XX (upper case). */
export function escapeGoPath(path: string): string {
  let escaped = '';
  for (const char of path) {
    if (PATH_SAFE.test(char)) {
      escaped += char;
      continue;
    }
    for (const byte of Buffer.from(char, 'utf8')) escaped += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return escaped;
}

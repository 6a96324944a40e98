// Builds /v2/keys request paths: cleans the key as etcd's Go client does (path.Clean, but a
// trailing slash survives, as in ServeMux) and percent-encodes it as Go's URL.EscapedPath does.

import { muxCleanPath } from '../util/clean-path.js';
import { escapeGoPath } from '../util/escape-path.js';

/** The request path of `key` under `prefix` (e.g. "/v2/keys"), without the query. */
export function keysPath(prefix: string, key: string): string {
  const joined = key === '' || key.startsWith('/') ? `${prefix}${key}` : `${prefix}/${key}`;
  return escapeGoPath(muxCleanPath(joined));
}

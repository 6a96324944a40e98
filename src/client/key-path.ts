// Builds /v2/keys request paths: cleans the key as etcd's Go client does (path.Clean, but a
// trailing slash survives) and percent-encodes each segment.

import { cleanRootedPath } from '../util/clean-path.js';

/** The request path of `key` under `prefix` (e.g. "/v2/keys"), without the query. */
export function keysPath(prefix: string, key: string): string {
  const joined = key === '' || key.startsWith('/') ? `${prefix}${key}` : `${prefix}/${key}`;
  const cleaned = cleanRootedPath(joined);
  const keepSlash = joined.endsWith('/') && cleaned !== '/';
  const encoded = cleaned.split('/').map(encodeSegment).join('/');
  return keepSlash ? `${encoded}/` : encoded;
}

/** Percent-encodes a path segment, leaving the sub-delimiters Go leaves in paths. */
function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/%(24|26|2B|2C|3B|3D|3A|40)/g, (_, hex: string) =>
    String.fromCharCode(parseInt(hex, 16)),
  );
}

// Go's url.URL{Path: p}.EscapedPath(): how a path goes on the wire in etcd's Go code. The API's
// redirect Location and the client's /v2/keys request paths both escape paths this way.

// Go's shouldEscape for a path keeps the unreserved characters and these sub-delimiters.
const PATH_SAFE_CLASS = '[A-Za-z0-9\\-_.~$&+,/:;=@]';
const PATH_SAFE = new RegExp(PATH_SAFE_CLASS);
const ALL_PATH_SAFE = new RegExp(`^${PATH_SAFE_CLASS}*$`);

/** Every byte of `path` outside the safe set as %XX (upper case); slashes stay. */
export function escapeGoPath(path: string): string {
  // Almost every key needs no escaping: one whole-path test then spares the per-character loop.
  if (ALL_PATH_SAFE.test(path)) return path;
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

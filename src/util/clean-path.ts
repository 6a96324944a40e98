// Go's path.Clean for the rooted paths every layer deals in (store keys, request paths, client
// key paths): no empty or "." segments, ".." resolved (never above the root), no trailing "/";
// and Go ServeMux's variant of it, which keeps one trailing "/" (request paths, client key paths).

/** Go's path.Clean(path.Join("/", path)): `//a/./b/../c/` is `/a/c`; a leading ".." is dropped. */
export function cleanRootedPath(key: string): string {
  // Paths usually arrive clean: then nothing is split or joined.
  if (isClean(key)) return key;
  const kept: string[] = [];
  for (const segment of key.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      // A rooted path cannot climb above the root, so a leading ".." is dropped.
      kept.pop();
      continue;
    }
    kept.push(segment);
  }
  return '/' + kept.join('/');
}

/** ServeMux's cleanPath: path.Clean, keeping one trailing slash if the path had one. */
export function muxCleanPath(path: string): string {
  if (path === '') return '/';
  const rooted = path.startsWith('/') ? path : '/' + path;
  const cleaned = cleanRootedPath(rooted);
  return rooted.endsWith('/') && cleaned !== '/' ? cleaned + '/' : cleaned;
}

/** Whether `key` is already rooted and free of empty, "." and ".." segments and of a trailing "/". */
function isClean(key: string): boolean {
  if (key.charCodeAt(0) !== 0x2f) return false;
  let segmentStart = 1;
  for (let at = 1; at <= key.length; at++) {
    if (at < key.length && key.charCodeAt(at) !== 0x2f) continue;
    const length = at - segmentStart;
    const dotAt = key.charCodeAt(segmentStart) === 0x2e;
    if (length === 0) return key.length === 1;
    if (dotAt && (length === 1 || (length === 2 && key.charCodeAt(segmentStart + 1) === 0x2e))) return false;
    segmentStart = at + 1;
  }
  return true;
}

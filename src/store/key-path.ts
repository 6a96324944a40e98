// Key paths of the v2 store (clean ones: util/clean-path.ts cleans them): splitting a path into
// its segments and joining a child to its parent, the hidden rules (a segment starting with
// "_"), and the order Go uses when it sorts keys (byte order of their UTF-8 encoding).

/** The path of the root directory; it is read only. */
export const ROOT_PATH = '/';

/** The segments of a clean path, root first excluded: `/a/b` gives ["a", "b"]. */
export function keySegments(cleanPath: string): string[] {
  assertClean(cleanPath);
  return cleanPath === ROOT_PATH ? [] : cleanPath.slice(1).split('/');
}

/** Joins a clean directory path and one segment. */
export function childKey(parentPath: string, name: string): string {
  return parentPath === ROOT_PATH ? '/' + name : parentPath + '/' + name;
}

/** A node is hidden from listings when its own name starts with "_". */
export function isHiddenName(name: string): boolean {
  return name.charCodeAt(0) === 0x5f;
}

/**
 * Whether `keyPath` is hidden from a watcher at `watchPath`: some segment below the watched
 * path starts with "_". A watch path deeper than the key (a watcher inside a deleted
 * directory) never hides the event.
 */
export function isHiddenBelow(watchPath: string, keyPath: string): boolean {
  if (watchPath.length > keyPath.length) return false;
  // Both paths are clean, so the segments below the watched path start right after it (the
  // root's own slash is the first one).
  return keyPath.indexOf('/_', watchPath === ROOT_PATH ? 0 : watchPath.length) !== -1;
}

/**
 * Compares two strings in the byte order of their UTF-8 encodings, which is how Go compares
 * strings. UTF-16 code-unit order differs only for surrogates against U+E000..U+FFFF, so
 * those units are remapped before comparing.
 */
export function compareUtf8Order(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const unitA = a.charCodeAt(i);
    const unitB = b.charCodeAt(i);
    if (unitA !== unitB) return utf8Rank(unitA) - utf8Rank(unitB);
  }
  return a.length - b.length;
}

function utf8Rank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

function assertClean(path: string): void {
  if (path.charCodeAt(0) !== 0x2f) throw new Error(`key path must start with "/": ${JSON.stringify(path)}`);
}

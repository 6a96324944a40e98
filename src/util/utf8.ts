// Writing a string's UTF-8 bytes into an existing array, where the caller has already measured
// them (it needs the length for a header or a size before it can write).

const encoder = new TextEncoder();

/** Below this many characters an ASCII string is copied by a plain loop: encodeInto costs more. */
const ASCII_LOOP_CHARS_MAX = 64;

/**
 * Writes `text`, whose UTF-8 form is `byteLength` bytes (Buffer.byteLength), into `target` at
 * `at`, and returns the index after it.
 */
export function writeUtf8(target: Uint8Array, at: number, text: string, byteLength: number): number {
  // Equal lengths mean every character is one byte: the string is ASCII.
  if (byteLength === text.length && byteLength < ASCII_LOOP_CHARS_MAX) {
    for (let i = 0; i < byteLength; i++) target[at + i] = text.charCodeAt(i);
  } else {
    encoder.encodeInto(text, target.subarray(at, at + byteLength));
  }
  return at + byteLength;
}

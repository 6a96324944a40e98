// HTTP/1.1 syntax shared by the API server's request parser and the bench's answer parser: the
// blank line that ends a head, and the plain decimal length a Content-Length header holds.

/** The bytes that end a message head (the last header line's CRLF and an empty line). */
export const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');

/** More digits than this would pass 2^53; no body is that long. */
const DECIMAL_LENGTH_DIGITS_MAX = 15;

/** A Content-Length value: 1 to 15 ASCII digits as a number, or null for anything else. */
export function parseDecimalLength(text: string): number | null {
  if (text.length === 0 || text.length > DECIMAL_LENGTH_DIGITS_MAX) return null;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return null;
    value = value * 10 + digit;
  }
  return value;
}

// The two pieces of Go's encoding/json output that JavaScript writes differently: string
// quoting (Go escapes <, >, &, U+2028 and U+2029, writes other control characters as
// \u00XX, and turns invalid UTF-16 into \ufffd) and time.Time (RFC 3339 with nanoseconds,
// trailing zeros of the fraction dropped, "Z" for UTC).

const NEEDS_ESCAPE = /[\u0000-\u001f"\\<>&\u2028\u2029\ud800-\udfff]/;
const HEX_DIGITS = '0123456789abcdef';

/** The JSON string literal Go's encoder writes for `text`. */
export function goQuote(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return `"${text}"`;
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      out += text[i] + text[i + 1];
      i++;
    } else {
      out += escapeUnit(unit, text[i] as string);
    }
  }
  return out + '"';
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

function escapeUnit(unit: number, char: string): string {
  if (unit === 0x22) return '\\"';
  if (unit === 0x5c) return '\\\\';
  if (unit === 0x0a) return '\\n';
  if (unit === 0x0d) return '\\r';
  if (unit === 0x09) return '\\t';
  // A lone surrogate cannot be encoded as UTF-8; Go writes the replacement character.
  if (unit >= 0xd800 && unit <= 0xdfff) return '\\ufffd';
  if (unit < 0x20 || unit === 0x3c || unit === 0x3e || unit === 0x26 || unit === 0x2028 || unit === 0x2029) {
    return '\\u' + hex4(unit);
  }
  return char;
}

function hex4(unit: number): string {
  let digits = '';
  for (let shift = 12; shift >= 0; shift -= 4) digits += HEX_DIGITS[(unit >> shift) & 0xf];
  return digits;
}

/** Go's time.Time JSON (RFC3339Nano) for an instant in ms, in UTC: `"2024-05-01T12:00:05.5Z"`. */
export function goTimeJson(timeMs: number): string {
  return `"${goTimeText(timeMs)}"`;
}

/** Go's time.Time as RFC3339Nano text (unquoted), for an instant in ms, in UTC. */
export function goTimeText(timeMs: number): string {
  if (!Number.isSafeInteger(timeMs)) throw new Error(`time must be an integer number of ms: ${timeMs}`);
  const date = new Date(timeMs);
  const year = date.getUTCFullYear();
  // Go refuses to encode years outside 0..9999 (MarshalJSON fails).
  if (year < 0 || year > 9999) throw new Error(`time ${timeMs} is outside the years Go can encode`);
  const iso = date.toISOString();
  const millis = iso.slice(20, 23).replace(/0+$/, '');
  return `${iso.slice(0, 19)}${millis === '' ? '' : '.' + millis}Z`;
}

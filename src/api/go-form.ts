// Go's form parsing as etcd's handlers see it (net/url.ParseQuery, strconv.ParseBool and
// ParseUint, mime.ParseMediaType): same accepted spellings and the same error texts, because
// etcd copies those texts into the `cause` of its form errors.

/** A parsed form: every value of every key, in arrival order (Go's url.Values). */
export type FormValues = Map<string, string[]>;

export interface ParsedForm {
  readonly values: FormValues;
  /** Go's error text for the first malformed part, or null; the other parts are still parsed. */
  readonly error: string | null;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** url.ParseQuery: `&`-separated pairs; a `;` spoils its pair; `+` is a space. */
export function parseQuery(query: string): ParsedForm {
  const values: FormValues = new Map();
  let error: string | null = null;
  for (const pair of query.split('&')) {
    if (pair.includes(';')) {
      error = 'invalid semicolon separator in query';
      continue;
    }
    if (pair === '') continue;
    const equalsAt = pair.indexOf('=');
    const key = queryUnescape(equalsAt === -1 ? pair : pair.slice(0, equalsAt));
    const value = queryUnescape(equalsAt === -1 ? '' : pair.slice(equalsAt + 1));
    if (isEscapeFailure(key) || isEscapeFailure(value)) {
      error ??= isEscapeFailure(key) ? key.message : (value as EscapeFailure).message;
      continue;
    }
    appendValue(values, key, value);
  }
  return { values, error };
}

interface EscapeFailure {
  readonly message: string;
}

/** url.QueryUnescape (or PathUnescape with `plusIsSpace` false); a malformed escape gives Go's error. */
export function queryUnescape(text: string, plusIsSpace = true): string | EscapeFailure {
  if (!text.includes('%') && !(plusIsSpace && text.includes('+'))) return text;
  for (let at = text.indexOf('%'); at !== -1; at = text.indexOf('%', at + 3)) {
    if (!(isHexDigit(text.charCodeAt(at + 1)) && isHexDigit(text.charCodeAt(at + 2)))) {
      return { message: `invalid URL escape ${goQuoteAscii(text.slice(at, at + 3))}` };
    }
  }
  // Unescape the UTF-8 bytes in place (the result is never longer): '%', '+' and hex digits are
  // ASCII, and UTF-8 never puts an ASCII byte inside a multibyte character, so raw characters
  // next to escapes (an emoji, say) keep all their bytes.
  const bytes = Buffer.from(text, 'utf8');
  let out = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (byte === 0x25) {
      bytes[out++] = (hexValue(bytes[i + 1]!) << 4) | hexValue(bytes[i + 2]!);
      i += 2;
    } else {
      bytes[out++] = byte === 0x2b && plusIsSpace ? 0x20 : byte;
    }
  }
  return utf8.decode(bytes.subarray(0, out));
}

function isHexDigit(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
}

function hexValue(code: number): number {
  return code <= 0x39 ? code - 0x30 : (code | 0x20) - 0x61 + 10;
}

export function isEscapeFailure(value: string | EscapeFailure): value is EscapeFailure {
  return typeof value !== 'string';
}

/** Go's %q of a short ASCII string, enough for the escape errors above. */
function goQuoteAscii(text: string): string {
  return JSON.stringify(text);
}

function appendValue(values: FormValues, key: string, value: string): void {
  const list = values.get(key);
  if (list === undefined) values.set(key, [value]);
  else list.push(value);
}

/** Go's copyValues: `from`'s values appended after `into`'s. */
export function mergeForms(into: FormValues, from: FormValues): void {
  for (const [key, list] of from) for (const value of list) appendValue(into, key, value);
}

const TRUE_SPELLINGS: ReadonlySet<string> = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE_SPELLINGS: ReadonlySet<string> = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** strconv.ParseBool: null when `text` is not one of Go's spellings. */
export function parseGoBool(text: string): boolean | null {
  if (TRUE_SPELLINGS.has(text)) return true;
  if (FALSE_SPELLINGS.has(text)) return false;
  return null;
}

const UINT64_MAX = (1n << 64n) - 1n;

/** strconv.ParseUint(text, 10, 64): decimal digits only, at most 2^64-1; null otherwise. */
export function parseGoUint64(text: string): bigint | null {
  if (!/^[0-9]+$/.test(text)) return null;
  const value = BigInt(text);
  return value > UINT64_MAX ? null : value;
}

const TOKEN_PREFIX = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]*/;
const PARAMETER = /^\s*[!#$%&'*+\-.^_`|~0-9A-Za-z]+\s*=\s*("(?:[^"\\]|\\.)*"|[!#$%&'*+\-.^_`|~0-9A-Za-z]+)\s*$/;

/** The media type of a urlencoded form, which Go's ParseForm reads from a PUT or POST body. */
export const FORM_TYPE = 'application/x-www-form-urlencoded';
const PLAIN_FORM_MEDIA: Readonly<{ mediaType: string; error: null }> = Object.freeze({ mediaType: FORM_TYPE, error: null });

/**
 * mime.ParseMediaType, reduced to what a form parser needs: the lower-cased media type (''
 * when it cannot be read) and Go's error text for a malformed header.
 */
export function parseMediaType(header: string): { mediaType: string; error: string | null } {
  // What every form client sends, answered without splitting and matching it.
  if (header === FORM_TYPE) return PLAIN_FORM_MEDIA;
  const parts = header.split(';');
  const mediaType = (parts[0] as string).trim().toLowerCase();
  const error = mediaTypeError(mediaType);
  if (error !== null) return { mediaType: '', error };
  const badParameter = parts.slice(1).some((part) => part.trim() !== '' && !PARAMETER.test(part));
  return { mediaType, error: badParameter ? 'mime: invalid media parameter' : null };
}

/** Go's checkMediaTypeDisposition: a token, optionally `/` and a second token, nothing else. */
function mediaTypeError(text: string): string | null {
  const major = (TOKEN_PREFIX.exec(text) as RegExpExecArray)[0];
  if (major === '') return 'mime: no media type';
  const rest = text.slice(major.length);
  if (rest === '') return null;
  if (!rest.startsWith('/')) return 'mime: expected slash after first token';
  const minor = (TOKEN_PREFIX.exec(rest.slice(1)) as RegExpExecArray)[0];
  if (minor === '') return 'mime: expected token after slash';
  if (rest.length !== minor.length + 1) return 'mime: unexpected content after media subtype';
  return null;
}

// Command-line flags parsed the way etcdctl's Go libraries parse them (Go's flag package under
// urfave/cli v1): `-f` and `--f` alike, `--f=v` or `--f v`, parsing stops at the first
// non-flag or `--`, and the same error texts. Command flags written after the positional
// arguments are moved in front first, as urfave/cli does.

import { parseGoBool } from '../../api/go-form.js';

export type FlagKind = 'bool' | 'int' | 'string' | 'duration';

export interface FlagSpec {
  /** Names as urfave/cli spells them: "recursive, r". */
  names: string;
  kind: FlagKind;
  usage: string;
  /** The default; a duration is in milliseconds. */
  defaultValue?: string | number | boolean;
  /** The default as help shows it, e.g. "2s" or "\"simple\"". */
  defaultText?: string;
}

export type FlagValue = string | number | boolean;

/** A usage error: the text Go's flag package reports. */
export class FlagError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FlagError';
  }
}

/** Parsed flag values (by any of their names) and the positional arguments left over. */
export class ParsedFlags {
  constructor(
    private readonly given: Map<string, FlagValue>,
    private readonly defaults: Map<string, FlagValue>,
    readonly args: string[],
  ) {}

  bool(name: string): boolean {
    return this.get(name) === true;
  }

  int(name: string): number {
    const value = this.get(name);
    return typeof value === 'number' ? value : 0;
  }

  string(name: string): string {
    const value = this.get(name);
    return typeof value === 'string' ? value : '';
  }

  /** True when the flag was given on the command line. */
  isSet(name: string): boolean {
    return this.given.has(name);
  }

  private get(name: string): FlagValue | undefined {
    return this.given.get(name) ?? this.defaults.get(name);
  }
}

function flagNames(spec: FlagSpec): string[] {
  return spec.names.split(',').map((n) => n.trim());
}

/**
 * Parses `args` as Go's FlagSet.Parse does. Values land under every name of the flag; absent
 * flags read as their defaults. `help`/`h` is parsed like any bool flag when listed.
 */
export function parseGoFlags(specs: FlagSpec[], args: string[]): ParsedFlags {
  const byName = new Map<string, FlagSpec>();
  for (const spec of specs) for (const name of flagNames(spec)) byName.set(name, spec);
  const given = new Map<FlagSpec, FlagValue>();
  let rest = args;
  while (rest.length > 0) {
    const arg = rest[0];
    if (arg.length < 2 || arg[0] !== '-') break;
    if (arg === '--') {
      rest = rest.slice(1);
      break;
    }
    const name = arg.slice(arg[1] === '-' ? 2 : 1);
    if (name === '' || name[0] === '-' || name[0] === '=') throw new FlagError(`bad flag syntax: ${arg}`);
    rest = rest.slice(1);
    const equals = name.indexOf('=', 1);
    const flagName = equals > 0 ? name.slice(0, equals) : name;
    const spec = byName.get(flagName);
    if (!spec) throw new FlagError(`flag provided but not defined: -${flagName}`);
    let text: string | undefined = equals > 0 ? name.slice(equals + 1) : undefined;
    if (spec.kind !== 'bool' && text === undefined) {
      if (rest.length === 0) throw new FlagError(`flag needs an argument: -${flagName}`);
      text = rest[0];
      rest = rest.slice(1);
    }
    given.set(spec, convert(spec, flagName, text));
  }
  const values = new Map<string, FlagValue>();
  for (const spec of specs) {
    const value = given.get(spec);
    if (value === undefined) continue;
    for (const name of flagNames(spec)) values.set(name, value);
  }
  return new ParsedFlags(values, defaultsOf(specs), rest);
}

/**
 * urfave/cli's argument reordering (v1.22.14+, as etcdctl is built): known flags, and the
 * argument after a flag without "=", move in front; a "--" moves to the front of the rest, so
 * it ends flag parsing there and is itself consumed.
 */
export function reorderCommandArgs(specs: FlagSpec[], args: string[]): string[] {
  const names = new Set(specs.flatMap(flagNames));
  const reordered: string[] = [];
  let remaining: string[] = [];
  let nextMayBeValue = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (nextMayBeValue && !isKnownFlag(names, arg)) {
      nextMayBeValue = false;
      reordered.push(arg);
    } else if (arg === '--') {
      remaining = ['--', ...remaining, ...args.slice(i + 1)];
      break;
    } else if (isKnownFlag(names, arg)) {
      reordered.push(arg);
      nextMayBeValue = !arg.includes('=');
    } else {
      remaining.push(arg);
    }
  }
  return [...reordered, ...remaining];
}

/** urfave/cli's argIsFlag: "-x", "--x" or "--x=v" where x is one of the command's flags. */
function isKnownFlag(names: Set<string>, arg: string): boolean {
  if (arg === '-' || arg === '--' || !arg.startsWith('-')) return false;
  let name = arg.startsWith('--') ? arg.slice(2) : arg;
  if (name.startsWith('-')) name = name.slice(1);
  return names.has(name.split('=')[0]);
}

function defaultsOf(specs: FlagSpec[]): Map<string, FlagValue> {
  const defaults = new Map<string, FlagValue>();
  for (const spec of specs) {
    if (spec.defaultValue === undefined) continue;
    for (const name of flagNames(spec)) defaults.set(name, spec.defaultValue);
  }
  return defaults;
}

function convert(spec: FlagSpec, name: string, text: string | undefined): FlagValue {
  switch (spec.kind) {
    case 'bool': {
      if (text === undefined) return true;
      const value = parseGoBool(text);
      if (value === null) throw new FlagError(`invalid boolean value ${percentQ(text)} for -${name}: parse error`);
      return value;
    }
    case 'int':
      return checked(parseGoInt(text!), name, text!);
    case 'duration':
      return checked(parseGoDurationMs(text!), name, text!);
    case 'string':
      return text!;
  }
}

function checked(result: number | 'syntax' | 'range', name: string, text: string): number {
  if (result === 'syntax') throw new FlagError(`invalid value ${percentQ(text)} for flag -${name}: parse error`);
  if (result === 'range') throw new FlagError(`invalid value ${percentQ(text)} for flag -${name}: value out of range`);
  return result;
}

/** strconv.ParseInt(text, 0, 64): decimal, 0x, 0o, 0b or a leading-0 octal, with a sign. */
export function parseGoInt(text: string): number | 'syntax' | 'range' {
  const match = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!match) return 'syntax';
  const digits = match[2];
  const prefixed = /^0[oO]/.test(digits) ? `0o${digits.slice(2)}` : /^0[0-7]+$/.test(digits) ? `0o${digits.slice(1)}` : digits;
  const magnitude = BigInt(prefixed);
  const value = match[1] === '-' ? -magnitude : magnitude;
  if (value > 9223372036854775807n || value < -9223372036854775808n) return 'range';
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) return 'range';
  return Number(value);
}

const DURATION_UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** time.ParseDuration, in milliseconds: "1.5s", "2m30s", "-1h", "0". */
export function parseGoDurationMs(text: string): number | 'syntax' {
  if (text === '0' || text === '+0' || text === '-0') return 0;
  const match = /^([+-]?)((?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(text);
  if (!match) return 'syntax';
  let totalMs = 0;
  for (const part of match[2].matchAll(/(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    totalMs += Number(part[1]) * DURATION_UNIT_MS[part[2]];
  }
  return match[1] === '-' ? -totalMs : totalMs;
}

/** Go's %q for the printable strings users type (not JSON quoting: see store/go-json's goQuote). */
function percentQ(text: string): string {
  return JSON.stringify(text);
}

// What every CLI command writes to, and the small parsing helpers they share.

export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Record<string, string | undefined>;
}

/** Parses a non-negative integer option, naming the flag in the error. */
export function integerOption(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  // Decimal digits only: Number() would also take "" (as 0), " 7", "0x10" and "1e3".
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value)) throw new RangeError(`--${name} must be a non-negative integer, not "${text}"`);
  return value;
}

/** Parses a non-negative integer option, or undefined when it is not given (a default applies later). */
export function optionalIntegerOption(text: string | undefined, name: string): number | undefined {
  return text === undefined ? undefined : integerOption(text, name, 0);
}

/** Parses `a=x,b=y` into a record. */
export function pairsOption(text: string | undefined, name: string): Record<string, string> {
  const result: Record<string, string> = {};
  if (!text) return result;
  for (const pair of text.split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new RangeError(`--${name} takes id=value pairs separated by commas, not "${pair}"`);
    result[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return result;
}

/** Resolves at the first SIGINT or SIGTERM, then stops listening for them. */
export function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}

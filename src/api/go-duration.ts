// Go's time.Duration.String(), which etcd uses for the leader uptime in /v2/stats/self:
// "0s", "850ns", "1.5µs", "104.846646ms", "2.5s", "1m2.000000001s", "3h0m0s".

const NANOS_PER_SECOND = 1_000_000_000n;

/** The text Go prints for a duration of `nanos` nanoseconds. */
export function goDurationString(nanos: bigint): string {
  if (nanos === 0n) return '0s';
  const sign = nanos < 0n ? '-' : '';
  const size = nanos < 0n ? -nanos : nanos;
  if (size < NANOS_PER_SECOND) return sign + subSecond(size);
  const hours = size / (3600n * NANOS_PER_SECOND);
  const minutes = (size / (60n * NANOS_PER_SECOND)) % 60n;
  const seconds = withFraction(size % (60n * NANOS_PER_SECOND), 9) + 's';
  if (hours > 0n) return `${sign}${hours}h${minutes}m${seconds}`;
  if (minutes > 0n) return `${sign}${minutes}m${seconds}`;
  return sign + seconds;
}

/** The same for a span in (possibly fractional) milliseconds, rounded to the nanosecond. */
export function goDurationOfMs(spanMs: number): string {
  if (!Number.isFinite(spanMs)) throw new Error(`a duration must be finite, got ${spanMs}`);
  return goDurationString(BigInt(Math.round(spanMs * 1_000_000)));
}

/** Below a second Go picks the largest unit that keeps an integer part: ns, µs or ms. */
function subSecond(size: bigint): string {
  if (size < 1000n) return `${size}ns`;
  if (size < 1_000_000n) return withFraction(size, 3) + 'µs';
  return withFraction(size, 6) + 'ms';
}

/** `value` / 10^digits with the fraction's trailing zeros (and a bare point) left out. */
function withFraction(value: bigint, digits: number): string {
  const scale = 10n ** BigInt(digits);
  const fraction = (value % scale).toString().padStart(digits, '0').replace(/0+$/, '');
  return `${value / scale}${fraction === '' ? '' : '.' + fraction}`;
}

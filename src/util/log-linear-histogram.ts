// A compact log-linear latency histogram in the spirit of HdrHistogram: exact below 2^p
// microseconds, then every power-of-two octave split into 2^p equal sub-buckets, so any
// recorded value is reported within a relative error of 2^-p. It serializes sparsely so that
// threads can ship their histograms to another to be merged (the bench's load generators), or
// report a running total that a reader cuts into windows (a WAL's flush durations).

/** Values are whole microseconds; anything above this (about 71 minutes) is clamped. */
const VALUE_US_MAX = 0xffff_ffff;
const PRECISION_BITS_MIN = 1;
const PRECISION_BITS_MAX = 12;

export interface SerializedHistogram {
  precisionBits: number;
  count: number;
  sumUs: number;
  minUs: number;
  maxUs: number;
  /** Flattened pairs: bucket index, count, bucket index, count, ... */
  buckets: number[];
}

export class LogLinearHistogram {
  readonly precisionBits: number;
  private readonly counts: Float64Array;
  private countTotal = 0;
  private sumUs = 0;
  private minUs = Number.POSITIVE_INFINITY;
  private maxUs = 0;

  /**
   * precisionBits 10 keeps every reported value within 0.1% of a recorded one: 0.08 ms at an
   * 80 ms round trip, fine enough to tell a commit 1 ms above its floor from one 2 ms above.
   */
  constructor(precisionBits = 10) {
    if (!Number.isInteger(precisionBits) || precisionBits < PRECISION_BITS_MIN || precisionBits > PRECISION_BITS_MAX) {
      throw new RangeError(`histogram precision must be an integer in [${PRECISION_BITS_MIN}, ${PRECISION_BITS_MAX}]`);
    }
    this.precisionBits = precisionBits;
    this.counts = new Float64Array((33 - precisionBits) << precisionBits);
  }

  get count(): number {
    return this.countTotal;
  }

  get min(): number {
    return this.countTotal === 0 ? 0 : this.minUs;
  }

  get max(): number {
    return this.maxUs;
  }

  get mean(): number {
    return this.countTotal === 0 ? 0 : this.sumUs / this.countTotal;
  }

  /** Records one value in microseconds (rounded; negative values are a caller bug). */
  record(valueUs: number, times = 1): void {
    if (!(valueUs >= 0) || !Number.isFinite(valueUs)) throw new RangeError(`histogram value must be finite and >= 0, got ${valueUs}`);
    const value = Math.min(VALUE_US_MAX, Math.round(valueUs));
    this.counts[this.indexOf(value)] += times;
    this.countTotal += times;
    this.sumUs += value * times;
    if (value < this.minUs) this.minUs = value;
    if (value > this.maxUs) this.maxUs = value;
  }

  /**
   * Which of `count` values, counted from the smallest (1), a percentile reports. Multiplies first
   * and forgives rounding noise, so that p99.9 of 1000 values is rank 999, not 1000.
   */
  static percentileRank(percentile: number, count: number): number {
    return Math.max(1, Math.ceil((percentile * count) / 100 - 1e-9));
  }

  /**
   * The smallest recorded-bucket value such that at least `percentile`% of the values are at or
   * below it. Reports the bucket's upper edge (never understating latency), capped by the max.
   */
  percentile(percentile: number): number {
    if (!(percentile >= 0 && percentile <= 100)) throw new RangeError(`percentile must be in [0, 100], got ${percentile}`);
    if (this.countTotal === 0) return 0;
    const rank = LogLinearHistogram.percentileRank(percentile, this.countTotal);
    let seen = 0;
    for (let index = 0; index < this.counts.length; index++) {
      seen += this.counts[index];
      if (seen >= rank) return Math.max(this.minUs, Math.min(this.maxUs, this.highestEquivalent(index)));
    }
    throw new Error(`histogram ranks are inconsistent: ${seen} counted, ${this.countTotal} recorded`);
  }

  /** Fraction of values at or below each bucket edge, for drawing a cumulative distribution. */
  cumulative(): Array<{ valueUs: number; fraction: number }> {
    const points: Array<{ valueUs: number; fraction: number }> = [];
    let seen = 0;
    for (let index = 0; index < this.counts.length; index++) {
      if (this.counts[index] === 0) continue;
      seen += this.counts[index];
      points.push({ valueUs: Math.min(this.maxUs, this.highestEquivalent(index)), fraction: seen / this.countTotal });
    }
    return points;
  }

  mergeSerialized(other: SerializedHistogram): void {
    if (other.precisionBits !== this.precisionBits) {
      throw new Error(`cannot merge histograms of precision ${other.precisionBits} into ${this.precisionBits}`);
    }
    if (other.count === 0) return;
    for (let i = 0; i < other.buckets.length; i += 2) this.counts[other.buckets[i]] += other.buckets[i + 1];
    this.countTotal += other.count;
    this.sumUs += other.sumUs;
    this.minUs = Math.min(this.minUs, other.minUs);
    this.maxUs = Math.max(this.maxUs, other.maxUs);
  }

  serialize(): SerializedHistogram {
    const buckets: number[] = [];
    for (let index = 0; index < this.counts.length; index++) {
      if (this.counts[index] !== 0) buckets.push(index, this.counts[index]);
    }
    return { precisionBits: this.precisionBits, count: this.countTotal, sumUs: this.sumUs, minUs: this.min, maxUs: this.maxUs, buckets };
  }

  static fromSerialized(serialized: SerializedHistogram): LogLinearHistogram {
    const histogram = new LogLinearHistogram(serialized.precisionBits);
    histogram.mergeSerialized(serialized);
    return histogram;
  }

  /**
   * The values recorded between two serializations of one histogram that only grew: `later`
   * minus `earlier`, bucket by bucket. A window keeps no extremes of its own, so its min and max
   * are its lowest and highest buckets' edges, within the later extremes.
   */
  static since(later: SerializedHistogram, earlier: SerializedHistogram): LogLinearHistogram {
    if (later.precisionBits !== earlier.precisionBits) throw new Error(`cannot subtract a histogram of precision ${earlier.precisionBits} from one of ${later.precisionBits}`);
    const window = LogLinearHistogram.fromSerialized(later);
    for (let i = 0; i < earlier.buckets.length; i += 2) {
      const index = earlier.buckets[i];
      window.counts[index] -= earlier.buckets[i + 1];
      if (window.counts[index] < 0) throw new Error(`the earlier histogram holds values the later one lacks (bucket ${index})`);
    }
    window.countTotal -= earlier.count;
    window.sumUs -= earlier.sumUs;
    window.minUs = Number.POSITIVE_INFINITY;
    window.maxUs = 0;
    if (window.countTotal === 0) return window;
    const first = window.counts.findIndex((count) => count > 0);
    const last = window.counts.findLastIndex((count) => count > 0);
    window.minUs = Math.max(later.minUs, first === 0 ? 0 : window.highestEquivalent(first - 1) + 1);
    window.maxUs = Math.min(later.maxUs, window.highestEquivalent(last));
    return window;
  }

  private indexOf(value: number): number {
    const linearLimit = 1 << this.precisionBits;
    if (value < linearLimit) return value;
    const octave = 31 - Math.clz32(value); // >= precisionBits
    const shift = octave - this.precisionBits;
    return linearLimit + (shift << this.precisionBits) + ((value >>> shift) - linearLimit);
  }

  /** The largest value that lands in bucket `index`. */
  private highestEquivalent(index: number): number {
    const linearLimit = 1 << this.precisionBits;
    if (index < linearLimit) return index;
    const shift = Math.floor((index - linearLimit) / linearLimit);
    const subBucket = (index - linearLimit) % linearLimit;
    return (linearLimit + subBucket + 1) * 2 ** shift - 1;
  }
}

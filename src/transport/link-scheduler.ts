// The pure core of a shaped link: given when a message is sent and its size, decide whether it
// is lost and when each copy arrives. No timers and no clock, so a seed replays every decision
// exactly; ShapedLink puts the decisions on real time.

import { Prng } from '../util/prng.js';
import { PASS_THROUGH_LINK, mergeLinkConfig, type LinkConfig } from './link-config.js';

/** Shape of the 'pareto' tail (a Lomax law); 3 keeps its variance finite. */
const PARETO_SHAPE = 3;
/** The pareto tail is cut at this multiple of jitterMs so one draw cannot stall a link. */
const PARETO_JITTER_FACTOR_MAX = 50;

export class LinkScheduler {
  private current: LinkConfig;
  private readonly prng: Prng;
  private lastSendMs = -Infinity;
  /** When the wire finishes sending everything accepted so far (bandwidth queueing). */
  private wireFreeAtMs = -Infinity;
  /** The latest arrival given to an in-order message; later in-order messages never precede it. */
  private fifoFloorMs = -Infinity;
  /** The Gilbert-Elliott chain's state: in a burst every message is lost. */
  private inLossBurst = false;

  constructor(config: Partial<LinkConfig>, seed: number) {
    this.current = mergeLinkConfig(PASS_THROUGH_LINK, config);
    this.prng = new Prng(seed);
  }

  get config(): Readonly<LinkConfig> {
    return this.current;
  }

  /** Changes some settings; messages already scheduled keep their times. */
  configure(update: Partial<LinkConfig>): void {
    this.current = mergeLinkConfig(this.current, update);
    if (this.current.lossBurstLengthMean === 0) this.inLossBurst = false;
  }

  /**
   * The arrival times of a message of `sizeBytes` sent at `nowMs`: none when it is lost, two
   * when it is duplicated. Calls must come in non-decreasing `nowMs`.
   */
  schedule(nowMs: number, sizeBytes: number): number[] {
    if (!(nowMs >= this.lastSendMs && Number.isFinite(nowMs))) {
      throw new Error(`link send time ${nowMs} precedes the previous ${this.lastSendMs}`);
    }
    if (!(Number.isInteger(sizeBytes) && sizeBytes >= 0)) throw new RangeError(`bad message size ${sizeBytes}`);
    this.lastSendMs = nowMs;
    if (this.current.cut) return [];
    // A lost message was still sent, so it occupies the wire like any other.
    const sentMs = this.transmit(nowMs, sizeBytes);
    if (this.drawLoss()) return [];
    const arrivals = [this.arrival(sentMs)];
    if (this.prng.chance(this.current.duplicate)) arrivals.push(this.arrival(sentMs));
    return arrivals;
  }

  /** When the last byte leaves the sender, after everything queued before it. */
  private transmit(nowMs: number, sizeBytes: number): number {
    const bandwidthBps = this.current.bandwidthBps;
    if (bandwidthBps === 0) return nowMs;
    this.wireFreeAtMs = Math.max(nowMs, this.wireFreeAtMs) + (sizeBytes * 1000) / bandwidthBps;
    return this.wireFreeAtMs;
  }

  private drawLoss(): boolean {
    const { loss, lossBurstLengthMean } = this.current;
    if (lossBurstLengthMean === 0) return this.prng.chance(loss);
    // Leaving a burst has probability 1/L, so bursts last L messages on average; entering one
    // has the probability that makes the long-run fraction of lost messages equal `loss`.
    const exitBurst = 1 / lossBurstLengthMean;
    const enterBurst = (loss * exitBurst) / (1 - loss);
    this.inLossBurst = this.inLossBurst ? !this.prng.chance(exitBurst) : this.prng.chance(enterBurst);
    return this.inLossBurst;
  }

  private arrival(sentMs: number): number {
    const candidateMs = sentMs + this.drawDelayMs();
    if (this.prng.chance(this.current.reorder)) return candidateMs;
    this.fifoFloorMs = Math.max(candidateMs, this.fifoFloorMs);
    return this.fifoFloorMs;
  }

  private drawDelayMs(): number {
    const { delayMs, jitterMs, distribution } = this.current;
    if (jitterMs === 0) return delayMs;
    let offsetMs: number;
    if (distribution === 'uniform') offsetMs = jitterMs * (2 * this.prng.next() - 1);
    else if (distribution === 'normal') offsetMs = jitterMs * this.prng.normal();
    else offsetMs = this.drawParetoMs(jitterMs);
    return Math.max(0, delayMs + offsetMs);
  }

  /** A Lomax draw with mean `meanMs`: most draws are small, a few are many times the mean. */
  private drawParetoMs(meanMs: number): number {
    const scaleMs = meanMs * (PARETO_SHAPE - 1);
    const draw = scaleMs * (Math.pow(1 - this.prng.next(), -1 / PARETO_SHAPE) - 1);
    return Math.min(draw, meanMs * PARETO_JITTER_FACTOR_MAX);
  }
}

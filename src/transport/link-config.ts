// The settings of one shaped, directed link (delay, jitter, loss, duplication, reordering,
// bandwidth, cut) with their defaults and validation. A link's settings can change at run
// time; every change goes through `mergeLinkConfig` so a link never holds an invalid setting.

export type JitterDistribution = 'uniform' | 'normal' | 'pareto';

export interface LinkConfig {
  /** One-way delay added to every message. */
  delayMs: number;
  /**
   * Spread of the delay. 'uniform': delayMs ± jitterMs. 'normal': standard deviation jitterMs.
   * 'pareto': delayMs is the minimum and a heavy tail adds jitterMs on average.
   * Delays never go below zero.
   */
  jitterMs: number;
  distribution: JitterDistribution;
  /** Long-run fraction of messages lost, in [0, 1]. */
  loss: number;
  /**
   * 0: each loss is drawn independently. At least 1: losses come in bursts of this mean length
   * (a two-state Gilbert-Elliott chain whose bad state loses everything), keeping the long-run
   * rate at `loss`.
   */
  lossBurstLengthMean: number;
  /** Probability that a message is delivered twice. */
  duplicate: number;
  /**
   * Probability that a message ignores the link's FIFO order. Without it a link delivers in
   * send order even with jitter (like TCP); reordering needs jitter to have any effect.
   */
  reorder: number;
  /** Capacity in bytes (not bits) per second; messages queue behind each other. 0: unlimited. */
  bandwidthBps: number;
  /** A partition: the link loses everything, including messages already in flight. */
  cut: boolean;
}

/** Delays beyond a minute are a configuration mistake, not a network. */
export const LINK_DELAY_MS_MAX = 60_000;

/** A link that changes nothing; a ShapedLink with it delivers synchronously. */
export const PASS_THROUGH_LINK: Readonly<LinkConfig> = Object.freeze({
  delayMs: 0,
  jitterMs: 0,
  distribution: 'uniform',
  loss: 0,
  lossBurstLengthMean: 0,
  duplicate: 0,
  reorder: 0,
  bandwidthBps: 0,
  cut: false,
});

/** `base` with `update` applied, validated; throws a RangeError naming the bad setting. */
export function mergeLinkConfig(base: Readonly<LinkConfig>, update: Partial<LinkConfig>): LinkConfig {
  const config: LinkConfig = { ...base, ...update };
  checkRange('delayMs', config.delayMs, 0, LINK_DELAY_MS_MAX);
  checkRange('jitterMs', config.jitterMs, 0, LINK_DELAY_MS_MAX);
  if (!['uniform', 'normal', 'pareto'].includes(config.distribution)) {
    throw new RangeError(`link distribution must be uniform, normal or pareto, not ${String(config.distribution)}`);
  }
  checkRange('loss', config.loss, 0, 1);
  checkRange('duplicate', config.duplicate, 0, 1);
  checkRange('reorder', config.reorder, 0, 1);
  checkRange('bandwidthBps', config.bandwidthBps, 0, Number.MAX_SAFE_INTEGER);
  checkBurstLoss(config.loss, config.lossBurstLengthMean);
  if (typeof config.cut !== 'boolean') throw new RangeError('link cut must be a boolean');
  return config;
}

/** True when a link with `config` would deliver every message at once, unchanged. */
export function isPassThrough(config: Readonly<LinkConfig>): boolean {
  return (
    !config.cut &&
    config.delayMs === 0 &&
    config.jitterMs === 0 &&
    config.loss === 0 &&
    config.duplicate === 0 &&
    config.bandwidthBps === 0
  );
}

function checkRange(name: string, value: number, min: number, max: number): void {
  if (!(typeof value === 'number' && value >= min && value <= max)) {
    throw new RangeError(`link ${name} must be in [${min}, ${max}], not ${String(value)}`);
  }
}

function checkBurstLoss(loss: number, burstLengthMean: number): void {
  if (burstLengthMean === 0) return;
  checkRange('lossBurstLengthMean', burstLengthMean, 1, 1_000_000);
  // The chain enters its bad state with probability loss / (burstLengthMean * (1 - loss)),
  // which must itself be a probability.
  const lossMax = burstLengthMean / (burstLengthMean + 1);
  if (loss > lossMax) {
    throw new RangeError(`bursty loss ${loss} with mean burst ${burstLengthMean} exceeds ${lossMax.toFixed(3)}`);
  }
}

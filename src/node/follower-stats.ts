// What a leader measures of one follower for /v2/stats/leader (etcd's FollowerStats): how many
// appends it answered and how many failed, and the round-trip latency of the answered ones
// (current, average, standard deviation, minimum, maximum, in milliseconds). An append is
// matched to its answer by the log index the answer acknowledges; a rejected append, and one
// left unanswered too long (lost, or a dead follower), counts as a failure.

import { MessageType, type Message } from '../raft/types.js';

/** Appends awaiting an answer, per follower, at the most; beyond, the oldest counts as failed. */
const APPENDS_IN_FLIGHT_MAX = 1024;

interface SentAppend {
  /** The index the append's entries follow (a rejection names it). */
  readonly prevIndex: number;
  /** The last index the append carries (its acceptance acknowledges it). */
  readonly lastIndex: number;
  readonly sentAtMs: number;
}

export interface FollowerStatsJson {
  latency: { current: number; average: number; standardDeviation: number; minimum: number | bigint; maximum: number };
  counts: { fail: number; success: number };
}

/** etcd starts the minimum at 1<<63 and shows it until the first success. */
const MINIMUM_UNSET = 2n ** 63n;

export class FollowerStats {
  private successCount = 0;
  private failCount = 0;
  private currentMs = 0;
  private averageMs = 0;
  private averageSquareMs2 = 0;
  private minimumMs = Infinity;
  private maximumMs = 0;
  private inFlight: SentAppend[] = [];

  /** @param answerTimeoutMs an append unanswered for longer counts as failed. */
  constructor(private readonly answerTimeoutMs: number) {
    if (!(answerTimeoutMs > 0)) throw new Error(`answerTimeoutMs must be positive, got ${answerTimeoutMs}`);
  }

  appendSent(message: Message, nowMs: number): void {
    if (message.type !== MessageType.Append) throw new Error(`appendSent given a message of type ${message.type}`);
    this.expire(nowMs);
    if (this.inFlight.length === APPENDS_IN_FLIGHT_MAX) this.dropOldest(1);
    const lastIndex = message.index + message.entries.length;
    this.inFlight.push({ prevIndex: message.index, lastIndex, sentAtMs: nowMs });
  }

  /** An AppendResponse from this follower: acceptance acknowledges every append up to its index. */
  appendAnswered(answer: Message, nowMs: number): void {
    if (answer.type !== MessageType.AppendResponse) throw new Error(`appendAnswered given a message of type ${answer.type}`);
    if (answer.reject) return this.rejected(answer.index);
    let answered = 0;
    while (answered < this.inFlight.length && this.inFlight[answered]!.lastIndex <= answer.index) {
      this.succeeded(nowMs - this.inFlight[answered]!.sentAtMs);
      answered++;
    }
    // In place: an answer that acknowledges nothing new (most do, under load) costs no copy.
    if (answered > 0) this.inFlight.splice(0, answered);
  }

  /** This member stopped leading: answers to its appends will not be counted. */
  forgetInFlight(): void {
    this.inFlight = [];
  }

  /** Counts appends left unanswered for longer than the timeout as failed. */
  expire(nowMs: number): void {
    let expired = 0;
    while (expired < this.inFlight.length && nowMs - this.inFlight[expired]!.sentAtMs > this.answerTimeoutMs) expired++;
    if (expired > 0) this.dropOldest(expired);
  }

  toJson(): FollowerStatsJson {
    return {
      latency: {
        current: this.currentMs,
        average: this.averageMs,
        standardDeviation: Math.sqrt(Math.max(0, this.averageSquareMs2 - this.averageMs * this.averageMs)),
        minimum: this.minimumMs === Infinity ? MINIMUM_UNSET : this.minimumMs,
        maximum: this.maximumMs,
      },
      counts: { fail: this.failCount, success: this.successCount },
    };
  }

  /** etcd's FollowerStats.Succ: running average and average square give the deviation. */
  private succeeded(latencyMs: number): void {
    const total = this.successCount * this.averageMs;
    const totalSquare = this.successCount * this.averageSquareMs2;
    this.successCount++;
    this.currentMs = latencyMs;
    this.maximumMs = Math.max(this.maximumMs, latencyMs);
    this.minimumMs = Math.min(this.minimumMs, latencyMs);
    this.averageMs = (total + latencyMs) / this.successCount;
    this.averageSquareMs2 = (totalSquare + latencyMs * latencyMs) / this.successCount;
  }

  private rejected(prevIndex: number): void {
    const at = this.inFlight.findIndex((sent) => sent.prevIndex === prevIndex);
    // An answer to an append already counted (expired) is not counted twice.
    if (at < 0) return;
    this.inFlight.splice(at, 1);
    this.failCount++;
  }

  private dropOldest(count: number): void {
    this.inFlight.splice(0, count);
    this.failCount += count;
  }
}

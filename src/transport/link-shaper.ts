// A shaped, directed link on real time: messages wait in a delivery-time queue and leave when
// due, with ONE timer armed for the head of the queue (see head-timer.ts), so a busy link costs
// one timer, not one per message, and every message already due leaves in the same turn. The
// timer is precise (see precise-timer.ts): a message never leaves before its time, nor much
// after it, so a commit under geo-delay costs the configured round trip and little more. With a
// lead, messages leave that much early, saying by how much, for a receiver that holds them until
// their time (see arrival-hold.ts). A pass-through link delivers at once.

import { isPassThrough, type LinkConfig } from './link-config.js';
import { LinkScheduler } from './link-scheduler.js';
import { DeliveryQueue } from './delivery-queue.js';
import { HeadTimer, preciseClock, type TimerClock } from './head-timer.js';

export interface ShapedLinkOptions<T> {
  config: Partial<LinkConfig>;
  seed: number;
  /**
   * Hands a message on, `earlyByMs` before its arrival time (0: on time). A message is handed
   * on up to `leadMs` early, for a receiver that holds it until then (see arrival-hold.ts).
   */
  deliver: (message: T, earlyByMs: number) => void;
  /** How far ahead of its arrival time a message may be handed on (default 0: never early). */
  leadMs?: number;
  /** Messages in flight before new ones are dropped, like a router's full buffer. */
  queueMessagesMax?: number;
  /** Real time by default; tests pass a simulated clock. */
  clock?: TimerClock;
}

export interface LinkStats {
  sent: number;
  delivered: number;
  /** Lost to `loss` or `cut`, including messages in flight when the link was cut. */
  dropped: number;
  /** Dropped because `queueMessagesMax` messages were already in flight. */
  overflowed: number;
}

const QUEUE_MESSAGES_MAX_DEFAULT = 10_000;

export class ShapedLink<T> {
  private readonly scheduler: LinkScheduler;
  private readonly queue: DeliveryQueue<T>;
  private readonly deliver: (message: T, earlyByMs: number) => void;
  private readonly leadMs: number;
  private readonly clock: TimerClock;
  private readonly timer: HeadTimer;
  private passThrough: boolean;
  private closed = false;
  private readonly counts: LinkStats = { sent: 0, delivered: 0, dropped: 0, overflowed: 0 };

  constructor(options: ShapedLinkOptions<T>) {
    this.scheduler = new LinkScheduler(options.config, options.seed);
    this.queue = new DeliveryQueue(options.queueMessagesMax ?? QUEUE_MESSAGES_MAX_DEFAULT);
    this.deliver = options.deliver;
    this.leadMs = options.leadMs ?? 0;
    if (!(this.leadMs >= 0 && Number.isFinite(this.leadMs))) throw new RangeError(`a link's lead must be a finite number of ms >= 0, got ${this.leadMs}`);
    this.clock = options.clock ?? preciseClock;
    // The timer fires `leadMs` before the head's arrival time, when it may be handed on.
    this.timer = new HeadTimer(
      {
        fireAtMs: () => this.queue.headAtMs - this.leadMs,
        followingFireAtMs: () => this.queue.secondAtMs - this.leadMs,
        drainDue: (nowMs) => this.deliverDue(nowMs),
      },
      this.clock,
    );
    this.passThrough = isPassThrough(this.scheduler.config);
  }

  get config(): Readonly<LinkConfig> {
    return this.scheduler.config;
  }

  get stats(): Readonly<LinkStats> {
    return this.counts;
  }

  get queuedCount(): number {
    return this.queue.size;
  }

  send(message: T, sizeBytes: number): void {
    if (this.closed) throw new Error('send on a closed link');
    this.counts.sent++;
    // Only an empty queue may be bypassed: messages still in flight must not be overtaken.
    if (this.passThrough && this.queue.size === 0) {
      this.counts.delivered++;
      this.deliver(message, 0);
      return;
    }
    if (this.queue.isFull) {
      this.counts.overflowed++;
      return;
    }
    const arrivalsMs = this.scheduler.schedule(this.clock.nowMs(), sizeBytes);
    if (arrivalsMs.length === 0) this.counts.dropped++;
    // A duplicate is the one message that may push the queue one past its bound; skip it then.
    for (const atMs of arrivalsMs) if (!this.queue.isFull) this.queue.push(atMs, message);
    this.timer.update();
  }

  /** Changes settings at run time; cutting a link loses what is in flight on it. */
  configure(update: Partial<LinkConfig>): void {
    this.scheduler.configure(update);
    this.passThrough = isPassThrough(this.scheduler.config);
    if (this.scheduler.config.cut && this.queue.size > 0) {
      this.counts.dropped += this.queue.size;
      this.queue.clear();
      this.timer.disarm();
    }
  }

  /** Stops the timer and forgets messages in flight. */
  close(): void {
    this.closed = true;
    this.queue.clear();
    this.timer.disarm();
  }

  private deliverDue(nowMs: number): void {
    while (this.queue.headAtMs <= nowMs + this.leadMs) {
      const earlyByMs = Math.max(0, this.queue.headAtMs - nowMs);
      this.counts.delivered++;
      this.deliver(this.queue.pop(), earlyByMs);
    }
  }
}

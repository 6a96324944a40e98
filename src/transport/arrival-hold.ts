// The receiving end of a delayed link: frames that came in before their arrival time wait here,
// in the order they came, and are handed on when due. A shaped link releases a frame a little
// ahead of its time (ARRIVAL_LEAD_MS), so the sender's wake-up and the hop between threads
// happen while the message is still in flight, and the receiver's own precise timer ends the
// wait: one wake-up at the due time instead of two. Never hands a frame on early; never holds
// one longer than the lead, whatever time the sender wrote (a bad clock costs precision only).

import { hrNowMs, preciseTimers } from './precise-timer.js';

/** How far ahead of its arrival time a delayed link hands a message to the channel. */
export const ARRIVAL_LEAD_MS = 2;
/** Frames due within this much of each other leave together. */
const SAME_INSTANT_MS = 0.005;
/** Handed-on frames kept at the front of the queue before it is compacted. */
const COMPACT_AFTER_FRAMES = 256;

interface HeldFrame {
  atMs: number;
  frame: Uint8Array;
}

export class ArrivalHold {
  private frames: HeldFrame[] = [];
  private head = 0;
  private timer: unknown = null;

  constructor(
    private readonly deliver: (frame: Uint8Array) => void,
    /** The sender's lead: no frame is held longer. */
    private readonly leadMs = ARRIVAL_LEAD_MS,
  ) {}

  get size(): number {
    return this.frames.length - this.head;
  }

  /** Hands `frame` on now if it is due and nothing is held before it; holds it otherwise. */
  receive(frame: Uint8Array, arrivalAtMs: number): void {
    const nowMs = hrNowMs();
    if (this.size === 0 && arrivalAtMs <= nowMs + SAME_INSTANT_MS) {
      this.deliver(frame);
      return;
    }
    this.frames.push({ atMs: Math.min(arrivalAtMs, nowMs + this.leadMs), frame });
    if (this.size === 1) this.arm(nowMs);
  }

  /** The link was cut: what is still held was in flight, and is lost. */
  drop(): number {
    const dropped = this.size;
    this.frames = [];
    this.head = 0;
    if (this.timer !== null) preciseTimers.clear(this.timer);
    this.timer = null;
    return dropped;
  }

  private arm(nowMs: number): void {
    this.timer = preciseTimers.set(() => this.release(), Math.max(0, this.frames[this.head]!.atMs - nowMs));
  }

  private release(): void {
    this.timer = null;
    const nowMs = hrNowMs();
    while (this.size > 0 && this.frames[this.head]!.atMs <= nowMs + SAME_INSTANT_MS) {
      const { frame } = this.frames[this.head++]!;
      this.deliver(frame);
      // A frame handed on can close the transport, which drops the rest.
      if (this.timer !== null || this.size === 0) break;
    }
    if (this.size === 0) {
      this.frames = [];
      this.head = 0;
      return;
    }
    // A steady stream never empties the hold: drop the handed-on prefix now and then.
    if (this.head >= COMPACT_AFTER_FRAMES) {
      this.frames = this.frames.slice(this.head);
      this.head = 0;
    }
    if (this.timer === null) this.arm(nowMs);
  }
}

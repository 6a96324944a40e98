// The receiving end of a delayed link: frames that came in before their arrival time wait here,
// in the order they came, and are handed on when due. A shaped link releases a frame a little
// ahead of its time (ARRIVAL_LEAD_MS), so the sender's wake-up and the hop between threads
// happen while the message is still in flight, and the receiver's own precise timer ends the
// wait: one wake-up at the due time instead of two. Never hands a frame on early; never holds
// one longer than the lead, whatever time the sender wrote (a bad clock costs precision only).
// A frame is bytes here; the write path's floor bench holds its plain messages the same way.

import { ARRIVE_AT_ONCE } from './batch-frame.js';
import { DueQueue } from './due-queue.js';
import { hrNowMs } from './precise-timer.js';

/** How far ahead of its arrival time a delayed link hands a message to the channel. */
export const ARRIVAL_LEAD_MS = 2;
/** Frames held from one peer before further ones are dropped (Raft tolerates loss). */
const HELD_FRAMES_MAX = 10_000;

export class ArrivalHold<T = Uint8Array> {
  private readonly queue: DueQueue<T>;

  constructor(
    /** `waited`: the frame was held until its time (false: it was due when it came). */
    private readonly deliver: (frame: T, waited: boolean) => void,
    /** The sender's lead: no frame is held longer. */
    private readonly leadMs = ARRIVAL_LEAD_MS,
  ) {
    this.queue = new DueQueue((frame) => deliver(frame, true), HELD_FRAMES_MAX);
  }

  get size(): number {
    return this.queue.size;
  }

  /**
   * Hands `frame` on now if it is due (`arrivalAtMs` on hrNowMs(), or ARRIVE_AT_ONCE) and nothing
   * is held before it; holds it otherwise.
   */
  receive(frame: T, arrivalAtMs: number): void {
    const waitMs = arrivalAtMs === ARRIVE_AT_ONCE ? 0 : Math.min(Math.max(0, arrivalAtMs - hrNowMs()), this.leadMs);
    if (this.queue.size === 0 && waitMs === 0) this.deliver(frame, false);
    else if (!this.queue.isFull) this.queue.pushAt(performance.now() + waitMs, frame);
  }

  /** The link was cut: what is still held was in flight, and is lost. Returns how many frames. */
  drop(): number {
    return this.queue.clear();
  }
}

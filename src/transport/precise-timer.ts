// Timers on a sub-millisecond clock for this thread: a callback never runs before its deadline
// and rarely more than a tenth of a millisecond after it. Node's timers count whole milliseconds
// of a cached loop time, so they fire up to a millisecond early or late, and this thread cannot
// wait more finely without spinning (a burnt core the other members need) or blocking its loop
// in Atomics.wait (its I/O waits meanwhile). So a helper thread, the metronome, sleeps in
// Atomics.wait until the earliest deadline and wakes this thread with Atomics.notify, which an
// Atomics.waitAsync here turns into a callback about 0.05 ms later. Both threads sleep between
// deadlines; no CPU is burnt. Linux lets a sleeping thread's timer fire up to its "timer slack"
// late (50 µs by default, to merge wake-ups); the metronome asks for 1 ns for itself alone, which
// halves its lateness here (p50 0.11 -> 0.05 ms, p90 0.22 -> 0.07 ms). A thread whose timers have
// rested a while (a member between the writes of a sequential client behind 40 ms links) is
// woken a little early instead and spins to the deadline: its wake-up, the slowest after rest, is
// then over before the deadline, and the callback runs on a running thread. A busy thread's
// timers come often and never spin: a thread spins at most SPIN_LEAD_MAX_MS per COLD_AFTER_MS.
// Such a thread's CPU caches are cold too, so its owner can give the spin some work first that
// brings the coming callback's code back into them (onRestedSpin). That work and the wake-up's
// own lateness both eat into the lead, so the lead follows them: when a spin is left less than
// SPIN_SPARE_MS after the work, the next rested wake comes that much earlier (up to
// SPIN_LEAD_MAX_MS), and a lead with time to spare shrinks back slowly toward SPIN_LEAD_MS.
// On a slow day a leader's work took 0.31 ms against the 0.2 ms lead, and its acknowledgement
// was stepped 0.21 ms after the follower's send plus the link's 40 ms; 0.05 ms with the lead grown.
// A thread whose timers come in a chain (a link's messages a millisecond apart) also tells the
// metronome the deadline after the next one, and the metronome goes on to it by itself after
// beating: re-arming for a deadline it already sleeps toward needs no wake-up of the metronome,
// so such a timer costs two thread wakes (the metronome's, then this thread's), not three.
// A coarse Node timer backs the metronome up (a thread that fails or is still starting costs
// precision, never a timer) and keeps the event loop alive.

import { startSourceThread } from '../util/source-thread.js';
import { DeliveryQueue } from './delivery-queue.js';

/** A deadline further off than this is first approached by a coarse timer, then handed on. */
const COARSE_LEAD_MS = 2;
/** How early a rested thread is woken, at least, to spin to its deadline. */
const SPIN_LEAD_MS = 0.2;
/** How early a rested thread is woken at most, however long its spin work and wake-ups take. */
const SPIN_LEAD_MAX_MS = 1;
/** The spin a rested wake should have left after its work, for the deadline never to wait for it. */
const SPIN_SPARE_MS = 0.05;
/** A lead with more to spare than that loses this share of the excess at each rested wake. */
const SPIN_LEAD_EASE = 1 / 8;
/** A thread whose timers last fired this long before a deadline has rested: it spins for it. */
const COLD_AFTER_MS = 2;
/** One timer per shaped link, delay line or open loop is the use, so clearing by a linear scan is cheap; a thousand means a leak. */
const TIMERS_MAX = 1024;
/**
 * Int32 slots of the shared control block, then two Float64s: the deadline to beat for and the
 * one after it, on hrtime. The request slot counts the writes of the two deadlines: odd while
 * this thread writes them (the metronome reads them again then), even when they are whole.
 */
const REQUEST_SLOT = 0;
const FIRED_SLOT = 1;
/** The metronome's timer slack in ns once it has set it; -1 until then, or if the kernel would not. */
const SLACK_SLOT = 2;
/**
 * What the metronome sleeps toward: the request count (even) it read plus 0 for the first
 * deadline or 1 for the second (both masked to stay positive), or IDLE_TAG when it sleeps until
 * asked. Written before each of its sleeps, so that a request can tell whether a wake is needed.
 */
const WAIT_TAG_SLOT = 3;
const IDLE_TAG = -1;
const TAG_MASK = 0x7ffffffe;
const CONTROL_SLOTS = 4;
const DEADLINE_BYTE_OFFSET = 16;
const DEADLINES = 2;
const SHARED_BYTES = DEADLINE_BYTE_OFFSET + DEADLINES * 8;

export interface PreciseTimerStats {
  fired: number;
  /** Times the metronome woke this thread. */
  metronomeWakes: number;
  /** Requests that had to wake the metronome; a request for what it already sleeps toward does not. */
  metronomeNotifies: number;
  /** Times a coarse Node timer woke this thread. */
  coarseWakes: number;
  /**
   * Timers a coarse Node timer ran while the metronome was up: no beat came for them in time, or
   * a far deadline's coarse approach itself came after the deadline (a busy thread). Each is up
   * to a millisecond or two late; this stays near zero while the metronome keeps its deadlines.
   */
  firedByBackstop: number;
  /**
   * The metronome thread's timer slack in ns (Linux: 1 once it has lowered it); null before the
   * metronome has started or where the kernel would not lower it.
   */
  metronomeSlackNs: number | null;
  /** Wakes that came before the deadline they were for and spun to it (rested threads only). */
  spins: number;
  /** Time from those wakes to their deadlines, in ms (the onRestedSpin work included): each about the spin lead. */
  spinMs: number;
  /** Runs of the onRestedSpin work: one per spin while some is registered. */
  spinWorks: number;
  /** How early the next rested wake is asked for, in ms: the lead as it has followed the spins so far. */
  restedLeadMs: number;
}

export interface PreciseTimerOptions {
  /**
   * How early the metronome wakes a rested thread at least, which then spins to its deadline (0:
   * never); the lead grows from there when the spin work and the wake-ups need more.
   */
  spinLeadMs?: number;
  /** Timers that last fired at least this long before a deadline make it a rested thread's. */
  coldAfterMs?: number;
}

/** A timer's handle: its own object, so that `clear` finds exactly this timer. */
interface PendingTimer {
  callback: () => void;
  /** When the callback will likely set the next timer for (performance.now() ms; see `set`). */
  following: (() => number) | undefined;
}

/** Two deadlines handed to the metronome, on this thread's clock and on hrtime. */
interface Published {
  /** The request count once they were written (even). */
  request: number;
  atMs: [number, number];
  hrMs: [number, number];
}

interface Metronome {
  control: Int32Array;
  deadlinesHrMs: Float64Array;
  /** The deadlines written last, and those written before them (which it may still sleep toward). */
  published: Published;
  previous: Published;
  /** Beats this thread has taken notice of: a beat after them wakes it. */
  beatsSeen: number;
  listening: boolean;
  failed: boolean;
}

export class PreciseTimers {
  /** By deadline; equal deadlines in the order they were set. */
  private readonly pending = new DeliveryQueue<PendingTimer>(TIMERS_MAX);
  private coarse: NodeJS.Timeout | null = null;
  /** The deadline this thread will be woken for (Infinity: none). */
  private armedAtMs = Infinity;
  /** Inside wake(), which arms for whatever is left when it is done. */
  private waking = false;
  private metronome: Metronome | null = null;
  private readonly counts = { fired: 0, metronomeWakes: 0, metronomeNotifies: 0, coarseWakes: 0, firedByBackstop: 0, spins: 0, spinMs: 0, spinWorks: 0 };
  /** What a rested spin does first (see onRestedSpin), in the order registered. */
  private readonly spinWork: (() => void)[] = [];
  /** When timers last fired on this thread (-Infinity: never, so the first deadline is a rested one). */
  private lastFiredAtMs = -Infinity;
  /** The deadline the metronome was asked to wake this thread early for (NaN: none); only it is spun to. */
  private spinForMs = Number.NaN;
  /** How early before spinForMs that wake was asked for. */
  private spinForLeadMs = 0;
  private readonly spinLeadMs: number;
  private readonly spinLeadMaxMs: number;
  /** How early the next rested wake is asked for: at least spinLeadMs, at most spinLeadMaxMs. */
  private restedLeadMs: number;
  private readonly coldAfterMs: number;

  constructor(options: PreciseTimerOptions = {}) {
    this.spinLeadMs = options.spinLeadMs ?? SPIN_LEAD_MS;
    this.coldAfterMs = options.coldAfterMs ?? COLD_AFTER_MS;
    if (!(this.spinLeadMs >= 0 && this.spinLeadMs < COARSE_LEAD_MS)) throw new RangeError(`spin lead must be in [0, ${COARSE_LEAD_MS}) ms, got ${this.spinLeadMs}`);
    if (!(this.coldAfterMs >= 0)) throw new RangeError(`bad rest before a spin ${this.coldAfterMs}`);
    this.spinLeadMaxMs = Math.max(this.spinLeadMs, SPIN_LEAD_MAX_MS);
    this.restedLeadMs = this.spinLeadMs;
  }

  get stats(): Readonly<PreciseTimerStats> {
    const slackNs = this.metronome === null ? -1 : Atomics.load(this.metronome.control, SLACK_SLOT);
    return { ...this.counts, metronomeSlackNs: slackNs >= 0 ? slackNs : null, restedLeadMs: this.restedLeadMs };
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /**
   * Runs `work` each time this thread wakes early for a rested deadline, before it spins to it.
   * After a rest the caches are cold: on this VM a store apply took 0.062 ms after 40 ms of rest
   * against 0.015 ms back to back, and 0.024 ms when a rehearsal of it on scratch state ran at
   * the start of the spin. `work` must be short (the lead grows to fit it only up to
   * SPIN_LEAD_MAX_MS, and a longer run makes the callback late), must change nothing the callback
   * or anyone else can observe, and must not throw. Returns a function that removes it.
   */
  onRestedSpin(work: () => void): () => void {
    this.spinWork.push(work);
    return () => {
      const at = this.spinWork.indexOf(work);
      if (at >= 0) this.spinWork.splice(at, 1);
    };
  }

  /** Runs `callback` once, no earlier than `delayMs` from now; returns a handle for `clear`. */
  set(callback: () => void, delayMs: number): unknown {
    if (!Number.isFinite(delayMs)) throw new RangeError(`bad timer delay ${delayMs}`);
    return this.setAt(callback, performance.now() + Math.max(0, delayMs));
  }

  /**
   * Runs `callback` once, no earlier than performance.now() reaches `atMs` (a past one: soon);
   * returns a handle for `clear`. `following`, if given, says when (on the same clock, exactly)
   * the callback will likely set its next timer, as a queue's head timer knows from the item
   * behind the head: the metronome then goes on to that deadline by itself. A wrong guess costs
   * a needless wake-up, never a timer.
   */
  setAt(callback: () => void, atMs: number, following?: () => number): unknown {
    if (!Number.isFinite(atMs)) throw new RangeError(`bad timer deadline ${atMs}`);
    if (this.pending.isFull) throw new Error(`more than ${TIMERS_MAX} precise timers pending`);
    const timer: PendingTimer = { callback, following };
    this.pending.push(atMs, timer);
    if (!this.waking && atMs < this.armedAtMs) this.arm(atMs);
    return timer;
  }

  clear(handle: unknown): void {
    this.pending.remove(handle as PendingTimer);
    // An idle thread must not be woken (or a process kept alive) for timers nobody waits for.
    if (this.pending.size === 0 && !this.waking) this.arm(Infinity);
  }

  /**
   * Arranges to be woken at `atMs`. Far deadlines get a coarse timer shortly before them, which
   * then asks the metronome (performance.now() and hrtime drift apart by a few hundred ppm, so
   * the metronome is given a deadline only when it is near). Near ones go to the metronome at
   * once, with a coarse timer just after the deadline as the backstop.
   */
  private arm(atMs: number): void {
    if (this.coarse !== null) clearTimeout(this.coarse);
    this.coarse = null;
    this.armedAtMs = atMs;
    if (atMs === Infinity) {
      this.requestMetronome(Infinity, Infinity);
      return;
    }
    // Started with the first deadline, so that it is up (it takes ~30 ms) when that one is near.
    this.startedMetronome();
    const remainingMs = atMs - performance.now();
    if (remainingMs > COARSE_LEAD_MS) {
      // Deadlines given to the metronome earlier are not wanted now: it is not to beat for them.
      this.requestMetronome(Infinity, Infinity);
      this.coarse = setTimeout(() => this.wake(false), Math.floor(remainingMs - COARSE_LEAD_MS));
      return;
    }
    const rested = this.spinLeadMs > 0 && atMs - this.lastFiredAtMs >= this.coldAfterMs;
    this.spinForMs = rested ? atMs : Number.NaN;
    this.spinForLeadMs = rested ? this.restedLeadMs : 0;
    this.requestMetronome(atMs - this.spinForLeadMs, this.followingDeadline(atMs));
    this.coarse = setTimeout(() => this.wake(false), Math.ceil(remainingMs) + 1);
  }

  /**
   * The deadline after `headAtMs` that the metronome may go on to by itself: the next pending
   * timer's, or the one the head's owner said it will set, whichever is first. Only a near one
   * (a rested deadline is woken for early, and a far one is approached by a coarse timer).
   */
  private followingDeadline(headAtMs: number): number {
    let nextAtMs = Infinity;
    const secondAtMs = this.pending.secondAtMs;
    if (secondAtMs > headAtMs) nextAtMs = secondAtMs;
    const following = this.pending.head?.following;
    if (following !== undefined) {
      const hintedAtMs = following();
      if (hintedAtMs > headAtMs && hintedAtMs < nextAtMs) nextAtMs = hintedAtMs;
    }
    return nextAtMs - headAtMs < Math.min(this.coldAfterMs, COARSE_LEAD_MS) ? nextAtMs : Infinity;
  }

  /**
   * Hands the metronome the deadline to beat for and the one after it (Infinity: none), and
   * wakes it only if it sleeps toward something else: a chain of timers whose next deadline it
   * was already given re-arms without waking it. The very deadlines given last are not written
   * again (cancelling when nothing was asked for costs nothing).
   */
  private requestMetronome(atMs: number, thenAtMs: number): void {
    const metronome = atMs === Infinity ? this.metronome : this.startedMetronome();
    if (metronome === null || metronome.failed) return;
    const published = metronome.published;
    if (atMs === published.atMs[0] && thenAtMs === published.atMs[1]) {
      if (atMs !== Infinity) this.listen(metronome);
      return;
    }
    const { control, deadlinesHrMs } = metronome;
    // The hrtime of a deadline given before is reused, so that the metronome recognises it.
    const last = metronome.previous;
    metronome.previous = published;
    metronome.published = last;
    let offsetMs = Number.NaN;
    for (let i = 0; i < DEADLINES; i++) {
      const deadlineMs = i === 0 ? atMs : thenAtMs;
      let hrMs = deadlineMs;
      if (deadlineMs === published.atMs[0]) hrMs = published.hrMs[0];
      else if (deadlineMs === published.atMs[1]) hrMs = published.hrMs[1];
      else if (deadlineMs !== Infinity) {
        if (Number.isNaN(offsetMs)) offsetMs = hrNowMs() - performance.now();
        hrMs = deadlineMs + offsetMs;
      }
      last.atMs[i] = deadlineMs;
      last.hrMs[i] = hrMs;
    }
    Atomics.add(control, REQUEST_SLOT, 1);
    deadlinesHrMs[0] = last.hrMs[0];
    deadlinesHrMs[1] = last.hrMs[1];
    last.request = (Atomics.add(control, REQUEST_SLOT, 1) + 1) | 0;
    // Read after the request is seen: a sleep that began before it is the one this tag describes.
    const tag = Atomics.load(control, WAIT_TAG_SLOT);
    let asleepTowardHrMs: number;
    if (tag === IDLE_TAG) asleepTowardHrMs = Infinity;
    else if ((tag & TAG_MASK) === (last.request & TAG_MASK)) asleepTowardHrMs = last.hrMs[0];
    else if ((tag & TAG_MASK) === (published.request & TAG_MASK)) asleepTowardHrMs = published.hrMs[tag & 1]!;
    else asleepTowardHrMs = Number.NaN;
    // Waking it for a deadline it already sleeps toward would cost a wake-up and gain nothing;
    // once it beats, it reads the deadlines afresh and goes on to the next one.
    if (asleepTowardHrMs !== last.hrMs[0] && (tag & TAG_MASK) !== (last.request & TAG_MASK)) {
      this.counts.metronomeNotifies++;
      Atomics.notify(control, REQUEST_SLOT);
    }
    if (atMs !== Infinity) this.listen(metronome);
  }

  /**
   * Waits (without blocking) for the first beat this thread has not yet taken notice of; one wait
   * at a time (a wait under way ends at the next beat, which is no later than the one asked for).
   */
  private listen(metronome: Metronome): void {
    if (metronome.listening) return;
    const beat = Atomics.waitAsync(metronome.control, FIRED_SLOT, metronome.beatsSeen);
    if (!beat.async) {
      // It has beaten since: perhaps for this very deadline. If not, wake() asks again.
      queueMicrotask(() => this.wake(true));
      return;
    }
    metronome.listening = true;
    void beat.value.then(() => {
      metronome.listening = false;
      this.wake(true);
    });
  }

  private startedMetronome(): Metronome {
    if (this.metronome !== null) return this.metronome;
    const shared = new SharedArrayBuffer(SHARED_BYTES);
    const nothing = (): Published => ({ request: 0, atMs: [Infinity, Infinity], hrMs: [Infinity, Infinity] });
    const metronome: Metronome = {
      control: new Int32Array(shared, 0, CONTROL_SLOTS),
      deadlinesHrMs: new Float64Array(shared, DEADLINE_BYTE_OFFSET, DEADLINES),
      published: nothing(),
      previous: nothing(),
      beatsSeen: 0,
      listening: false,
      failed: false,
    };
    metronome.deadlinesHrMs.fill(Infinity);
    metronome.control[SLACK_SLOT] = -1;
    metronome.control[WAIT_TAG_SLOT] = IDLE_TAG;
    const worker = startSourceThread(
      `const control = new Int32Array(shared, 0, ${CONTROL_SLOTS});` +
        `(${lowerOwnTimerSlack.toString()})(require('node:fs'), control, ${SLACK_SLOT});` +
        `(${beatMetronome.toString()})(control, new Float64Array(shared, ${DEADLINE_BYTE_OFFSET}, ${DEADLINES}));`,
      shared,
    );
    // Coarse timers alone still keep every deadline (less precisely) if the thread is gone.
    worker.on('error', () => {});
    worker.on('exit', () => {
      metronome.failed = true;
    });
    this.metronome = metronome;
    warmSpin();
    return metronome;
  }

  private wake(byMetronome: boolean): void {
    if (byMetronome) this.counts.metronomeWakes++;
    else this.counts.coarseWakes++;
    // Every timer due by now runs in this wake: the beats so far need no further one.
    if (this.metronome !== null) this.metronome.beatsSeen = Atomics.load(this.metronome.control, FIRED_SLOT);
    this.waking = true;
    try {
      this.spinToNearDeadline();
      const fired = this.runDue();
      if (!byMetronome && this.metronome !== null && !this.metronome.failed) this.counts.firedByBackstop += fired;
    } finally {
      // Even after a throwing callback, the timers after it stay armed.
      this.waking = false;
      this.arm(this.pending.headAtMs);
    }
  }

  /**
   * Woken at most the lead before the deadline it asked to be woken early for: does the spin work
   * and spins to it, then moves the lead by what was left to spare (see the header).
   */
  private spinToNearDeadline(): void {
    const untilMs = this.pending.headAtMs;
    if (untilMs !== this.spinForMs) return;
    const startedMs = performance.now();
    // Any earlier (a beat for something else) is not this wake; a wake after the deadline had
    // nothing to spare, and the next one comes earlier by as much.
    if (untilMs - startedMs > this.spinForLeadMs) return;
    if (untilMs <= startedMs) return this.followSpare(untilMs - startedMs);
    for (const work of this.spinWork) {
      work();
      this.counts.spinWorks++;
    }
    this.followSpare(untilMs - (this.spinWork.length > 0 ? performance.now() : startedMs));
    const nowMs = spinUntil(untilMs);
    this.counts.spins++;
    this.counts.spinMs += nowMs - startedMs;
  }

  /** Moves the lead after a rested wake that had `spareMs` left to spin (negative: it was late). */
  private followSpare(spareMs: number): void {
    const excessMs = spareMs - SPIN_SPARE_MS;
    const leadMs = excessMs < 0 ? this.restedLeadMs - excessMs : this.restedLeadMs - excessMs * SPIN_LEAD_EASE;
    this.restedLeadMs = Math.min(this.spinLeadMaxMs, Math.max(this.spinLeadMs, leadMs));
  }

  /** Runs every due callback, earliest first (equal deadlines in the order they were set); returns how many. */
  private runDue(): number {
    let fired = 0;
    let nowMs = performance.now();
    while (this.pending.headAtMs <= nowMs) {
      const due = this.pending.pop();
      this.counts.fired++;
      fired++;
      due.callback();
      nowMs = performance.now();
    }
    // The clock read that ended the loop is when they last fired: no read of its own (each allocates).
    if (fired > 0) this.lastFiredAtMs = nowMs;
    return fired;
  }
}

/** Atomics.load calls between two clock reads while spinning: about 2.5 µs here. */
const SPIN_LOADS_PER_CLOCK_READ = 500;
const spinCell = new Int32Array(1);

/**
 * Busy-waits until performance.now() reaches `untilMs`; returns the time it read last. Each
 * performance.now() allocates (a 0.2 ms spin reading it back to back made about 100 KiB of
 * garbage), so the clock is read only between runs of Atomics.load, which allocate nothing and
 * cannot be optimised away: a spin overshoots by a few microseconds and makes almost no garbage.
 */
function spinUntil(untilMs: number): number {
  let nowMs = performance.now();
  while (nowMs < untilMs) {
    for (let i = 0; i < SPIN_LOADS_PER_CLOCK_READ; i++) Atomics.load(spinCell, 0);
    nowMs = performance.now();
  }
  return nowMs;
}

/** Short spins that make V8 optimise spinUntil, and how long each lasts. */
const WARM_SPINS = 8;
const WARM_SPIN_MS = 0.01;
let spinWarmed = false;

/**
 * Runs spinUntil a few times for a few microseconds, once per thread, when its metronome starts:
 * V8 optimises a function on about its third call, on a helper thread that here took 2–2.5 ms
 * and took the spinning thread's core meanwhile, so a first real spin overshot its deadline by
 * 1.2–2.6 ms. Warmed, the compilation is done while the metronome itself is still starting.
 */
function warmSpin(): void {
  if (spinWarmed) return;
  spinWarmed = true;
  for (let i = 0; i < WARM_SPINS; i++) spinUntil(performance.now() + WARM_SPIN_MS);
}

/** The process-wide monotonic clock (hrtime) in ms: the same in every thread, unlike performance.now(). */
export function hrNowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/**
 * Sets the calling thread's timer slack to 1 ns (Linux: /proc/<tid>/timerslack_ns, which a thread
 * may write for itself without privileges) and stores the slack it then has in `control[slot]`,
 * or -1 where there is no such file. Runs as source text in the metronome, like beatMetronome.
 */
function lowerOwnTimerSlack(fs: typeof import('node:fs'), control: Int32Array, slot: number): void {
  let slackNs = -1;
  try {
    const slackFile = '/proc/' + fs.readlinkSync('/proc/thread-self').split('/').pop() + '/timerslack_ns';
    fs.writeFileSync(slackFile, '1');
    slackNs = Number(fs.readFileSync(slackFile, 'utf8'));
  } catch {
    // Not Linux, or /proc is not mounted: the thread keeps the default slack.
  }
  Atomics.store(control, slot, Number.isInteger(slackNs) ? slackNs : -1);
}

/**
 * The metronome thread's whole life: sleep until the first requested deadline (or a new
 * request), beat once for it, then sleep until the second and beat once for that. A request
 * whose first deadline is the one it beat for last goes straight on to its second. It runs as
 * source text in its own thread, so it must use nothing but globals and declare no inner
 * functions (a transpiler could wrap those in helpers it lacks). Slots as in the constants above.
 */
function beatMetronome(control: Int32Array, deadlinesHrMs: Float64Array): void {
  let readRequest = -1;
  /** Which of the two deadlines is next: 0, 1, or 2 (both beaten). */
  let step = 0;
  let beatForHrMs = NaN;
  for (;;) {
    const request = Atomics.load(control, 0);
    if ((request & 1) === 1) {
      // The deadlines are being written, which takes nanoseconds unless that thread is preempted.
      Atomics.wait(control, 0, request, 0.01);
      continue;
    }
    const firstHrMs = deadlinesHrMs[0]!;
    const secondHrMs = deadlinesHrMs[1]!;
    if (Atomics.load(control, 0) !== request) continue;
    if (request !== readRequest) {
      readRequest = request;
      step = firstHrMs === beatForHrMs ? 1 : 0;
    }
    const atHrMs = step === 0 ? firstHrMs : step === 1 ? secondHrMs : Infinity;
    const remainingMs = atHrMs - Number(process.hrtime.bigint()) / 1e6;
    if (atHrMs === Infinity) {
      Atomics.store(control, 3, -1);
      Atomics.wait(control, 0, request);
    } else if (remainingMs > 0) {
      Atomics.store(control, 3, (request & 0x7ffffffe) | step);
      Atomics.wait(control, 0, request, remainingMs);
    } else {
      beatForHrMs = atHrMs;
      step++;
      // Said before the beat: the woken thread may run before this one sleeps again, and must
      // not wake it for the deadline it is going on to.
      Atomics.store(control, 3, step === 1 && secondHrMs !== Infinity ? (request & 0x7ffffffe) | 1 : -1);
      Atomics.add(control, 1, 1);
      Atomics.notify(control, 1);
    }
  }
}

/** This thread's timers (every worker loads its own copy of this module). */
export const preciseTimers = new PreciseTimers();

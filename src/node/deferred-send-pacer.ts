// When a leader sends what its core held back (RaftCore.sendDeferred): the entries of followers
// off the commit path, and the commit index to followers that have not heard it. The leader
// looks now and then (at least a millisecond apart); this decides, from its log's last index
// and commit index and when each last moved, whether to send now and when the next look could
// decide anything. Pure: the caller passes the clock, so tests step it.
//
// While writes flow, the off-path followers get one batch every `batchMs` (one wake-up and one
// fdatasync, not one per write racing the commit path's for the same disk and cores). Sooner when
// writes have stopped (`idleAfterMs` without a new entry: the followers should learn the last
// commit index and apply) or when the commit index has not moved for `stuckAfterMs` although
// entries wait (the commit path is slow or lost, so the others must make the quorum). Both are
// times, not "since the last look": at 1000 writes/s a look often falls between two writes, and
// behind 40 ms links a look often sees no acknowledgement, and taking either for a stop or a
// stall sent the off-path follower about 430 messages a second instead of 125. The leader looks
// again only when a look could decide something (nextDecisionAtMs), not every millisecond.

export interface DeferredSendPacerOptions {
  /** How often off-path followers get their entries while writes flow. */
  readonly batchMs: number;
  /** No new entry for this long means writes stopped: send at once, commit notices included. */
  readonly idleAfterMs: number;
  /** The commit index not moving for this long while entries wait means the commit path is stuck. */
  readonly stuckAfterMs: number;
}

/**
 * A leader's pacing: a batch every 8 ms; a stop after 3 ms (at 1000 writes/s a gap of three
 * writes); a stall after 4 ms, so a lost commit path delays a write by about half a batch
 * period, not a whole one.
 */
const DEFERRED_SEND_PACING: DeferredSendPacerOptions = { batchMs: 8, idleAfterMs: 3, stuckAfterMs: 4 };

/** 'hold': nothing now; 'batch': send held-back entries; 'idle': those and every commit notice owed. */
export type DeferredSendDecision = 'hold' | 'batch' | 'idle';

export class DeferredSendPacer {
  private lastIndex = -1;
  private lastIndexMovedAtMs = -Infinity;
  private commitIndex = -1;
  private commitMovedAtMs = -Infinity;
  private sentAtMs = -Infinity;

  constructor(private readonly options: DeferredSendPacerOptions = DEFERRED_SEND_PACING) {
    const { batchMs, idleAfterMs, stuckAfterMs } = options;
    for (const [name, value] of Object.entries({ batchMs, idleAfterMs, stuckAfterMs })) {
      if (!(value >= 0 && Number.isFinite(value))) throw new RangeError(`${name} must be a finite number of ms >= 0, got ${value}`);
    }
  }

  /** Notes the log's indexes without deciding (the leader does at each turn of its loop that may have moved them). */
  observe(nowMs: number, lastIndex: number, commitIndex: number): void {
    if (lastIndex !== this.lastIndex) {
      this.lastIndex = lastIndex;
      this.lastIndexMovedAtMs = nowMs;
    }
    if (commitIndex !== this.commitIndex) {
      this.commitIndex = commitIndex;
      this.commitMovedAtMs = nowMs;
    }
  }

  /**
   * The earliest time after `nowMs` at which a look could decide anything but 'hold', from the
   * indexes noted so far (entries or commits since then only make it later): the end of the
   * batch period, of the idle wait, or of the stall wait while entries wait. A look sooner than
   * that would only wake the leader.
   */
  nextDecisionAtMs(): number {
    const { batchMs, idleAfterMs, stuckAfterMs } = this.options;
    let atMs = Math.min(this.sentAtMs + batchMs, this.lastIndexMovedAtMs + idleAfterMs);
    if (this.lastIndex > this.commitIndex) atMs = Math.min(atMs, this.commitMovedAtMs + stuckAfterMs);
    return atMs;
  }

  /** One look: notes the indexes and says what to send now. */
  decide(nowMs: number, lastIndex: number, commitIndex: number): DeferredSendDecision {
    this.observe(nowMs, lastIndex, commitIndex);
    const idle = nowMs - this.lastIndexMovedAtMs >= this.options.idleAfterMs;
    const stuck = lastIndex > commitIndex && nowMs - this.commitMovedAtMs >= this.options.stuckAfterMs;
    if (!idle && !stuck && nowMs - this.sentAtMs < this.options.batchMs) return 'hold';
    this.sentAtMs = nowMs;
    return idle ? 'idle' : 'batch';
  }
}

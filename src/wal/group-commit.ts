// Group commit: callers ask for "everything appended up to seq is durable"; one flush (one write,
// one fdatasync) at a time serves every request it covers, and requests that arrive while it runs
// share the single next flush. A failed flush is fatal: it and every later request reject.

/** One flush, begun synchronously: it covers every sequence number up to `coveredSeq`. */
export interface FlushJob {
  coveredSeq: number;
  /** Settles when the flush is over; null: it was over when beginFlush returned. */
  done: Promise<void> | null;
}

interface Deferred {
  promise: Promise<number>;
  resolve: (durableSeq: number) => void;
  reject: (error: Error) => void;
}

function deferred(): Deferred {
  let resolve!: (durableSeq: number) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<number>((resolveFn, rejectFn) => {
    resolve = resolveFn;
    reject = rejectFn;
  });
  // A waiter may be dropped by a caller that is shutting down; never report that as unhandled.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

export class GroupCommit {
  private durable = 0;
  private inFlight: { coveredSeq: number; waiters: Deferred } | null = null;
  private next: Deferred | null = null;
  private failure: Error | null = null;

  /**
   * `beginFlush` takes everything appended so far and starts writing and syncing it; with
   * `atOnce` it may finish the flush before returning (then `done` is null).
   */
  constructor(private readonly beginFlush: (atOnce: boolean) => FlushJob) {}

  /** Highest sequence number whose flush has returned. */
  get durableSeq(): number {
    return this.durable;
  }

  get failed(): Error | null {
    return this.failure;
  }

  /** Whether a flush is running or asked for. */
  get busy(): boolean {
    return this.inFlight !== null || this.next !== null;
  }

  /**
   * Resolves with the durable sequence number once it is at least `targetSeq`. With `atOnce`, a
   * flush that starts now may be done before this returns (durableSeq tells).
   */
  request(targetSeq: number, atOnce = false): Promise<number> {
    if (this.failure) return Promise.reject(this.failure);
    if (targetSeq <= this.durable) return Promise.resolve(this.durable);
    if (this.inFlight && this.inFlight.coveredSeq >= targetSeq) return this.inFlight.waiters.promise;
    this.next ??= deferred();
    const waiting = this.next.promise;
    if (!this.inFlight) this.startNext(atOnce);
    return waiting;
  }

  /** Resolves once no flush is running (used before closing files). */
  async idle(): Promise<void> {
    while (this.inFlight) await this.inFlight.waiters.promise.catch(() => undefined);
  }

  private startNext(atOnce: boolean): void {
    const waiters = this.next;
    if (!waiters) throw new Error('startNext() without waiters');
    this.next = null;
    let job: FlushJob;
    try {
      job = this.beginFlush(atOnce);
    } catch (error) {
      this.fail(error as Error, waiters);
      return;
    }
    if (job.coveredSeq <= this.durable) throw new Error(`flush covers ${job.coveredSeq}, already durable ${this.durable}`);
    this.inFlight = { coveredSeq: job.coveredSeq, waiters };
    // Flushed at once: durable before request() returns, so its caller can go on in this turn.
    if (job.done === null) return this.finish(job.coveredSeq, waiters);
    job.done.then(
      () => this.finish(job.coveredSeq, waiters),
      (error: Error) => this.fail(error, waiters),
    );
  }

  private finish(coveredSeq: number, waiters: Deferred): void {
    this.durable = coveredSeq;
    this.inFlight = null;
    waiters.resolve(coveredSeq);
    if (this.next) this.startNext(false);
  }

  /** Records a fatal failure found outside a flush: every waiting and later request rejects. */
  markFailed(error: Error): void {
    this.failure ??= error;
    this.next?.reject(this.failure);
    this.next = null;
  }

  private fail(error: Error, waiters: Deferred): void {
    this.inFlight = null;
    this.markFailed(error);
    waiters.reject(this.failure ?? error);
  }
}

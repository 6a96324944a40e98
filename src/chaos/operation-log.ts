// Everything the chaos clients did: the history for the linearizability checker (through the
// shared recorder), the wall-clock times of definite answers (to catch answers given while the
// quorum was gone), and the counts the report prints. Operations that certainly took no effect
// (refused connections) and gets whose answer was lost say nothing, so the history leaves them out.

import { HistoryRecorder, type PendingCall } from '../check/recorder.js';
import type { History } from '../check/history.js';
import type { V2Input, V2Output } from '../check/models/v2-key-model.js';
import type { RunClock } from './fault-timeline.js';
import type { WireOutcome } from './v2-wire.js';

export interface TimedOperation {
  readonly clientId: number;
  readonly input: V2Input;
  readonly output: V2Output;
  readonly invokedAtMs: number;
  readonly completedAtMs: number;
}

export interface OperationCounts {
  /** Succeeded (errorCode 0). */
  ok: number;
  /** Definite etcd errors: 100, 101, 105. */
  failed: number;
  /** Timeouts, connection errors, server errors: may or may not have taken effect. */
  unknown: number;
  /** Answers no correct server gives (kept as unknown in the history, reported as violations). */
  unexpected: number;
  /** Refused connections (a member down): left out of the history. */
  notSent: number;
}

export interface InFlight {
  readonly call: PendingCall;
  readonly clientId: number;
  readonly input: V2Input;
  readonly invokedAtMs: number;
}

/** The first few unexpected answers are kept word for word; the rest are only counted. */
const UNEXPECTED_KEPT_MAX = 20;

export class OperationLog {
  readonly counts: OperationCounts = { ok: 0, failed: 0, unknown: 0, unexpected: 0, notSent: 0 };
  readonly unexpectedAnswers: string[] = [];
  private readonly recorder: HistoryRecorder<V2Input, V2Output>;
  private readonly definite: TimedOperation[] = [];
  /** Recorder slots of operations the history leaves out (see the header). */
  private readonly silentSlots = new Set<number>();

  constructor(
    private readonly clock: RunClock,
    operationsMax: number,
  ) {
    this.recorder = new HistoryRecorder(operationsMax);
  }

  begin(clientId: number, input: V2Input): InFlight {
    return { call: this.recorder.invoke(clientId, input), clientId, input, invokedAtMs: this.clock() };
  }

  finish(op: InFlight, outcome: WireOutcome): void {
    if (outcome.kind !== 'definite') {
      this.recorder.unknown(op.call);
      if (outcome.kind === 'not-sent' || op.input.kind === 'get') this.silentSlots.add(op.call.slot);
      if (outcome.kind === 'unknown') this.counts.unknown += 1;
      else if (outcome.kind === 'not-sent') this.counts.notSent += 1;
      else this.noteUnexpected(op, outcome.reason);
      return;
    }
    this.recorder.complete(op.call, outcome.output);
    if (outcome.output.errorCode === 0) this.counts.ok += 1;
    else this.counts.failed += 1;
    const { clientId, input, invokedAtMs } = op;
    this.definite.push({ clientId, input, output: outcome.output, invokedAtMs, completedAtMs: this.clock() });
  }

  /**
   * The history to check. A get with no answer is left out as well: it changes nothing and
   * constrains nothing, so dropping it cannot change the verdict, and it spares the search.
   */
  history(): History<V2Input, V2Output> {
    return this.recorder.history().filter((_, slot) => !this.silentSlots.has(slot));
  }

  definiteOperations(): readonly TimedOperation[] {
    return this.definite;
  }

  private noteUnexpected(op: InFlight, reason: string): void {
    this.counts.unexpected += 1;
    if (this.unexpectedAnswers.length < UNEXPECTED_KEPT_MAX) {
      this.unexpectedAnswers.push(`client ${op.clientId} ${op.input.kind} ${op.input.key}: ${reason}`);
    }
  }
}

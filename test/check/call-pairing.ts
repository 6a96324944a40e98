// Test tooling shared by the corpus parsers: pairs each process's invocation with its
// completion into checker operations. Log line numbers serve as times. An invocation still
// open when the log ends never heard back, so its outcome is unknown.

import type { Operation } from '../../src/check/history.js';

interface Pending<Input> {
  readonly input: Input;
  readonly callTime: number;
}

export class CallPairing<Input, Output> {
  private readonly pendingByProcess = new Map<number, Pending<Input>>();
  private readonly operations: Operation<Input, Output>[] = [];

  invoke(process: number, input: Input, time: number): void {
    if (this.pendingByProcess.has(process)) throw new Error(`process ${process} invokes twice (line ${time + 1})`);
    this.pendingByProcess.set(process, { input, callTime: time });
  }

  /** The pending input of `process`, which must exist. */
  pendingInput(process: number, time: number): Input {
    const pending = this.pendingByProcess.get(process);
    if (pending === undefined) throw new Error(`completion without an invocation (line ${time + 1})`);
    return pending.input;
  }

  /** Completes the pending call; `returnTime` Infinity and `output` undefined for a timeout. */
  complete(process: number, returnTime: number, output: Output | undefined): void {
    const pending = this.pendingByProcess.get(process);
    if (pending === undefined) throw new Error(`process ${process} completes nothing`);
    this.pendingByProcess.delete(process);
    this.operations.push({ clientId: process, input: pending.input, callTime: pending.callTime, returnTime, output });
  }

  /** All operations, with the calls still open turned into unknown outcomes. */
  finish(): Operation<Input, Output>[] {
    for (const process of [...this.pendingByProcess.keys()]) this.complete(process, Infinity, undefined);
    return this.operations;
  }
}

/** The non-empty lines of a log, each with its line number as time. */
export function logLines(text: string): { line: string; time: number }[] {
  return text
    .split('\n')
    .map((line, time) => ({ line: line.trim(), time }))
    .filter(({ line }) => line !== '');
}

// Test tooling: terse builders for hand-made histories, so a test reads as a timeline of
// `client, call, return, input, output` rows.

import type { Operation } from '../../src/check/history.js';
import type { RegisterInput, RegisterOutput } from '../../src/check/models/register-model.js';

export type RegisterOperation = Operation<RegisterInput, RegisterOutput>;

export function op<Input, Output>(
  clientId: number,
  callTime: number,
  returnTime: number,
  input: Input,
  output: Output | undefined,
): Operation<Input, Output> {
  return { clientId, callTime, returnTime, input, output };
}

/** `op` for the register model, so inputs and outputs are checked against its types. */
export const registerOp = op<RegisterInput, RegisterOutput>;

export const write = (clientId: number, callTime: number, returnTime: number, value: string): RegisterOperation =>
  registerOp(clientId, callTime, returnTime, { kind: 'write', value }, { kind: 'write' });

export const read = (clientId: number, callTime: number, returnTime: number, value: string | null): RegisterOperation =>
  registerOp(clientId, callTime, returnTime, { kind: 'read' }, { kind: 'read', value });

export const cas = (clientId: number, callTime: number, returnTime: number, from: string, to: string, swapped: boolean): RegisterOperation =>
  registerOp(clientId, callTime, returnTime, { kind: 'cas', from, to }, { kind: 'cas', swapped });

/** A write that timed out: it never returns and nobody saw its outcome. */
export const lostWrite = (clientId: number, callTime: number, value: string): RegisterOperation =>
  registerOp(clientId, callTime, Infinity, { kind: 'write', value }, undefined);

// Test tooling: parses a Jepsen etcd register log (`INFO  jepsen.util - <process> <:type> <:f>
// <value>`) into a checker history. A timed-out write or cas (`:info`) never returns and has an
// unknown outcome; a timed-out read (`:fail :read :timed-out`) has an unknown output.

import type { Operation } from '../../src/check/history.js';
import type { RegisterInput, RegisterOutput } from '../../src/check/models/register-model.js';
import { CallPairing, logLines } from './call-pairing.js';

const linePattern = /^INFO\s+jepsen\.util\s+-\s+(\d+)\s+:(invoke|ok|fail|info)\s+:(read|write|cas)\s+(.+)$/;
const casPattern = /^\[(\d+) (\d+)\]$/;

function parseInput(f: string, value: string): RegisterInput {
  if (f === 'read') return { kind: 'read' };
  if (f === 'write') return { kind: 'write', value };
  const cas = casPattern.exec(value);
  if (cas === null) throw new Error(`bad cas argument ${value}`);
  return { kind: 'cas', from: cas[1], to: cas[2] };
}

function parseOutput(type: string, input: RegisterInput, value: string): RegisterOutput | undefined {
  if (type === 'info' || value === ':timed-out') return undefined;
  if (input.kind === 'read') return { kind: 'read', value: value === 'nil' ? null : value };
  if (input.kind === 'write') return { kind: 'write' };
  return { kind: 'cas', swapped: type === 'ok' };
}

export function parseJepsenLog(text: string): Operation<RegisterInput, RegisterOutput>[] {
  const pairing = new CallPairing<RegisterInput, RegisterOutput>();
  for (const { line, time } of logLines(text)) {
    const match = linePattern.exec(line);
    if (match === null) throw new Error(`unparsable line ${time + 1}: ${line}`);
    const [, processText, type, f, value] = match;
    const process = Number(processText);
    if (type === 'invoke') {
      pairing.invoke(process, parseInput(f, value), time);
      continue;
    }
    const input = pairing.pendingInput(process, time);
    if (input.kind !== f) throw new Error(`line ${time + 1} completes a ${f}, but a ${input.kind} is pending`);
    pairing.complete(process, type === 'info' ? Infinity : time, parseOutput(type, input, value));
  }
  return pairing.finish();
}

// Test tooling: parses Porcupine's kv histories (one EDN map per line: `{:process P, :type
// :invoke|:ok, :f :get|:put|:append, :key "K", :value "V"|nil}`) into a checker history.

import type { Operation } from '../../src/check/history.js';
import type { AppendKvInput, AppendKvOutput } from '../../src/check/models/append-kv-model.js';
import { CallPairing, logLines } from './call-pairing.js';

const linePattern = /^\{:process (\d+), :type :(invoke|ok), :f :(get|put|append), :key "([^"]*)", :value (nil|"[^"]*")\}$/;

function parseInput(f: string, key: string, value: string | null): AppendKvInput {
  if (f === 'get') return { kind: 'get', key };
  if (value === null) throw new Error(`${f} of key ${key} has no value`);
  return { kind: f === 'put' ? 'put' : 'append', key, value };
}

export function parseKvLog(text: string): Operation<AppendKvInput, AppendKvOutput>[] {
  const pairing = new CallPairing<AppendKvInput, AppendKvOutput>();
  for (const { line, time } of logLines(text)) {
    const match = linePattern.exec(line);
    if (match === null) throw new Error(`unparsable line ${time + 1}: ${line}`);
    const [, processText, type, f, key, valueText] = match;
    const process = Number(processText);
    const value = valueText === 'nil' ? null : valueText.slice(1, -1);
    if (type === 'invoke') {
      pairing.invoke(process, parseInput(f, key, value), time);
      continue;
    }
    const input = pairing.pendingInput(process, time);
    if (input.kind !== f || input.key !== key) throw new Error(`line ${time + 1} does not complete the pending call`);
    pairing.complete(process, time, f === 'get' ? { value: value ?? '' } : {});
  }
  return pairing.finish();
}

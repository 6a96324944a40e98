// The corpus parsers on small inline logs, so they are tested even where the shared corpus
// is absent.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseJepsenLog } from './jepsen-log.js';
import { parseKvLog } from './kv-log.js';

test('a Jepsen log pairs invocations with completions, timeouts left open', () => {
  const log = [
    'INFO  jepsen.util - 0\t:invoke\t:write\t4',
    'INFO  jepsen.util - 1   :invoke :cas    [4 2]',
    'INFO  jepsen.util - 2\t:invoke\t:read\tnil',
    'INFO  jepsen.util - 0\t:ok\t:write\t4',
    'INFO  jepsen.util - 1\t:info\t:cas\t:timed-out',
    'INFO  jepsen.util - 2\t:fail\t:read\t:timed-out',
    'INFO  jepsen.util - 3\t:invoke\t:read\tnil',
    'INFO  jepsen.util - 3\t:ok\t:read\tnil',
    'INFO  jepsen.util - 4\t:invoke\t:cas\t[1 3]',
    'INFO  jepsen.util - 4\t:fail\t:cas\t[1 3]',
  ].join('\n');
  assert.deepEqual(parseJepsenLog(log), [
    { clientId: 0, input: { kind: 'write', value: '4' }, callTime: 0, returnTime: 3, output: { kind: 'write' } },
    { clientId: 1, input: { kind: 'cas', from: '4', to: '2' }, callTime: 1, returnTime: Infinity, output: undefined },
    { clientId: 2, input: { kind: 'read' }, callTime: 2, returnTime: 5, output: undefined },
    { clientId: 3, input: { kind: 'read' }, callTime: 6, returnTime: 7, output: { kind: 'read', value: null } },
    { clientId: 4, input: { kind: 'cas', from: '1', to: '3' }, callTime: 8, returnTime: 9, output: { kind: 'cas', swapped: false } },
  ]);
  assert.throws(() => parseJepsenLog('INFO  jepsen.util - 0\t:ok\t:read\t1'), /completion without an invocation/);
});

test('a kv log pairs invocations with completions, unfinished calls left open', () => {
  const log = [
    '{:process 0, :type :invoke, :f :append, :key "1", :value "x 0 0 y"}',
    '{:process 1, :type :invoke, :f :get, :key "1", :value nil}',
    '{:process 1, :type :ok, :f :get, :key "1", :value ""}',
    '{:process 2, :type :invoke, :f :put, :key "2", :value "z"}',
    '{:process 0, :type :ok, :f :append, :key "1", :value "x 0 0 y"}',
  ].join('\n');
  assert.deepEqual(parseKvLog(log), [
    { clientId: 1, input: { kind: 'get', key: '1' }, callTime: 1, returnTime: 2, output: { value: '' } },
    { clientId: 0, input: { kind: 'append', key: '1', value: 'x 0 0 y' }, callTime: 0, returnTime: 4, output: {} },
    { clientId: 2, input: { kind: 'put', key: '2', value: 'z' }, callTime: 3, returnTime: Infinity, output: undefined },
  ]);
  assert.throws(() => parseKvLog('{:process 0, :type :fail}'), /unparsable line 1/);
});

// The real etcdctl (v2) against a raftyard cluster prints what it prints against etcd 3.4: the
// same scripts run through the etcdctl binary on a real three-member etcd and on a
// three-member raftyard cluster, and stdout, stderr and exit codes must match once indexes,
// TTLs, member ids, names and URLs are normalized.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { Cluster } from '../../src/cluster/cluster.js';
import { V2Client } from '../../src/client/index.js';
import { ETCD_BINARY, realEtcdAvailable, startRealEtcd, type RealEtcdCluster } from '../support/real-etcd.js';
import { freePort } from '../../src/cluster/free-port.js';
import { ETCDCTL_BINARY } from './ctl-harness.js';
import { RUNNERS, runScript, type ScriptContext, type Step, type StepRecord } from './differential-script.js';

const FAST = { heartbeatMs: 20, electionMs: 200, requestTimeoutMs: 1500 } as const;
const PREFIX = '/ctl';

const SCRIPTS: Record<string, Step[]> = {
  'keys: set, get, mk, update and rm, their compares, in every output format': [
    { args: ['set', '{P}/a', 'one'] },
    { args: ['-o', 'extended', 'set', '{P}/a', 'two'] },
    { args: ['-o', 'json', 'set', '{P}/a', 'three<&>'] },
    { args: ['get', '{P}/a'] },
    { args: ['get', '--quorum', '{P}/a'] },
    { args: ['-o', 'extended', 'get', '{P}/a'] },
    { args: ['-o', 'json', 'get', '{P}/a'] },
    { args: ['set', '--ttl', '300', '{P}/t', 'tv'] },
    { args: ['-o', 'extended', 'get', '{P}/t'] },
    { args: ['mk', '{P}/m', 'first'] },
    { args: ['mk', '{P}/m', 'again'] },
    { args: ['mk', '--in-order', '{P}/q', 'job1'] },
    { args: ['-o', 'json', 'mk', '--in-order', '{P}/q', 'job2'] },
    { args: ['update', '{P}/a', 'upd'] },
    { args: ['update', '{P}/nokey', 'v'] },
    { args: ['set', '--swap-with-value', 'upd', '{P}/a', 'four'] },
    { args: ['set', '--swap-with-value', 'nope', '{P}/a', 'x'] },
    { args: ['-o', 'extended', 'set', '--swap-with-index', '{MI:a}', '{P}/a', 'five'] },
    { args: ['set', '--swap-with-index', '{MI-1:a}', '{P}/a', 'x'] },
    { args: ['rm', '--with-value', 'wrong', '{P}/a'] },
    { args: ['rm', '--with-index', '{MI-1:a}', '{P}/a'] },
    { args: ['-o', 'extended', 'rm', '{P}/a'] },
    { args: ['get', '{P}/a'] },
    { args: ['set', '{P}/stdin'], stdin: 'from stdin\n' },
    { args: ['set', '/', 'v'] },
  ],
  'directories and listings': [
    { args: ['mkdir', '{P}/d'] },
    { args: ['mkdir', '{P}/d'] },
    { args: ['set', '{P}/d/x', 'xv'] },
    { args: ['set', '{P}/d/_hidden', 'hv'] },
    { args: ['set', '{P}/b', 'bv'] },
    { args: ['-o', 'json', 'setdir', '{P}/d2'] },
    { args: ['updatedir', '--ttl', '300', '{P}/d2'] },
    { args: ['ls', '{P}'], sortLines: true },
    { args: ['ls', '--sort', '-r', '-p', '{P}'] },
    { args: ['-o', 'extended', 'ls', '--sort', '{P}/d'] },
    { args: ['-o', 'json', 'ls', '--sort', '-r', '{P}'] },
    { args: ['ls', '{P}/missing'] },
    { args: ['get', '{P}/d'] },
    { args: ['set', '{P}/d', 'v'] },
    { args: ['set', '{P}/b/child', 'v'] },
    { args: ['rm', '{P}/d'] },
    { args: ['rmdir', '{P}/d'] },
    { args: ['-o', 'json', 'rm', '-r', '{P}/d'] },
    { args: ['rmdir', '{P}/d2'] },
  ],
  'watches: from an index, waiting, recursive, forever': [
    { args: ['set', '{P}/w', 'w1'] },
    { args: ['set', '{P}/w', 'w2'] },
    { args: ['watch', '--after-index', '{MI-1:w}', '{P}/w'] },
    { args: ['-o', 'extended', 'watch', '--after-index={MI-1:w}', '{P}/w'] },
    { args: ['watch', '{P}/w'], triggers: [{ set: ['w', 'w3'] }] },
    // etcdctl's watch passes over directory events: the set ends it.
    { args: ['-o', 'json', 'watch', '-r', '{P}/wr'], triggers: [{ mkdir: 'wr/dir' }, { set: ['wr/k', 'v1'] }] },
    {
      args: ['watch', '--forever', '--recursive', '{P}/wf'],
      triggers: [{ set: ['wf/a', 'v1'], lines: 2 }, { set: ['wf/b', 'v2'], lines: 4 }],
      interrupt: true,
    },
  ],
  'cluster commands and endpoints': [
    { args: ['set', '{P}/k', 'kv'] },
    { args: ['member', 'list'] },
    { args: ['cluster-health'] },
    { args: ['--endpoints', '{DEAD}', 'get', '{P}/k'] },
    { args: ['--no-sync', '--endpoints', '{DEAD},{LIVE}', 'get', '{P}/k'] },
    { args: ['--endpoints', '{LIVE}', '-o', 'extended', 'get', '{P}/k'] },
  ],
};

/** Member ids, names and URLs differ between the two clusters; listings of members have no fixed order. */
function normalizeMembers(record: StepRecord): StepRecord {
  const clean = (text: string): string =>
    text
      .replace(/^[0-9a-f]{1,16}(?=: name=)/gm, '<id>')
      .replace(/\bmember [0-9a-f]{1,16}\b/g, 'member <id>')
      .replace(/name=\S+/g, 'name=<name>')
      .replace(/\b(?:https?|port|sab|ws):\/\/[^\s,\]"]+/g, '<url>');
  const members = /^(member|cluster-health)/.test(record.step);
  const sortLines = (text: string): string => (members ? text.split('\n').sort().join('\n') : text);
  return { ...record, stdout: sortLines(clean(record.stdout)), stderr: clean(record.stderr) };
}

describe('etcdctl prints against raftyard what it prints against etcd', { timeout: 120_000 }, () => {
  let etcd: RealEtcdCluster | undefined;
  let yard: Cluster | undefined;
  let etcdContext: ScriptContext;
  let yardContext: ScriptContext;

  before(async () => {
    assert.ok(realEtcdAvailable(), `this test needs etcd 3.4 at ${ETCD_BINARY} (apt-get install etcd-server)`);
    assert.ok(existsSync(ETCDCTL_BINARY), `this test needs etcdctl at ${ETCDCTL_BINARY} (apt-get install etcd-client)`);
    [etcd, yard] = await Promise.all([startRealEtcd(), Cluster.start({ nodes: 3, ...FAST })]);
    const deadEndpoint = `http://127.0.0.1:${await freePort()}`;
    const contextOf = (endpoints: string[]): ScriptContext => ({ client: new V2Client({ endpoints, seed: 7 }), endpoints, deadEndpoint });
    etcdContext = contextOf(etcd.endpoints);
    yardContext = contextOf(yard.endpoints);
  });

  after(async () => {
    etcdContext?.client.close();
    yardContext?.client.close();
    await Promise.all([etcd?.stop(), yard?.stop()]);
  });

  let runNumber = 0;
  for (const [name, steps] of Object.entries(SCRIPTS)) {
    test(name, async () => {
      const prefix = `${PREFIX}${++runNumber}`;
      const expected = (await runScript(steps, prefix, RUNNERS.etcdctl, etcdContext)).map(normalizeMembers);
      const actual = (await runScript(steps, prefix, RUNNERS.etcdctl, yardContext)).map(normalizeMembers);
      for (let i = 0; i < steps.length; i++) assert.deepEqual(actual[i], expected[i], `step ${i}: ${steps[i]!.args.join(' ')}`);
    });
  }
});

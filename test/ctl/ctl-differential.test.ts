// raftyard ctl against etcdctl v2, side by side on one real etcd 3.4 cluster: every script runs
// through the etcdctl binary on one key prefix and through runCtl on another, and stdout,
// stderr and exit codes must match after normalizing prefixes, indexes and TTLs.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { V2Client } from '../../src/client/index.js';
import { ETCD_BINARY, realEtcdAvailable, startRealEtcd, type RealEtcdCluster } from '../support/real-etcd.js';
import { freePort } from '../../src/cluster/free-port.js';
import { ETCDCTL_BINARY } from './ctl-harness.js';
import { RUNNERS, runScript, type ScriptContext, type Step } from './differential-script.js';
import { startFakeMembersServer } from './fake-members-server.js';

const ECHO_EVENT = 'echo "$ETCD_WATCH_ACTION $ETCD_WATCH_KEY $ETCD_WATCH_VALUE MODIFIED_INDEX=$ETCD_WATCH_MODIFIED_INDEX"';

const SCRIPTS: Record<string, Step[]> = {
  'set, get, mk, update and their flags in all formats': [
    { args: ['set', '{P}/a', 'one'] },
    { args: ['-o', 'extended', 'set', '{P}/a', 'two'] },
    { args: ['-o', 'json', 'set', '{P}/a', 'three<&>'] },
    { args: ['--output', 'simple', 'set', '--ttl', '300', '{P}/t', 'tv'] },
    { args: ['-o', 'extended', 'get', '{P}/t'] },
    { args: ['-o', 'json', 'get', '{P}/t'] },
    { args: ['get', '{P}/a'] },
    { args: ['get', '--quorum', '{P}/a'] },
    { args: ['-o', 'extended', 'get', '-q', '{P}/a'] },
    { args: ['set', '--swap-with-value', 'three<&>', '{P}/a', 'four'] },
    { args: ['-o', 'extended', 'set', '--swap-with-index', '{MI:a}', '{P}/a', 'five'] },
    { args: ['set', '{P}/late', 'lv', '--ttl', '300'] },
    { args: ['-o', 'extended', 'set', '{P}/mid', '--ttl', '300', 'mv'] },
    { args: ['get', '{P}/mid', '--not-a-flag'] },
    { args: ['set', '--', '{P}/dash', '-minus'] },
    { args: ['set', '{P}/stdin'], stdin: 'from stdin\n' },
    { args: ['mk', '{P}/m', 'first'] },
    { args: ['-o', 'extended', 'mk', '--ttl=300', '{P}/m2', 'x'] },
    { args: ['mk', '--in-order', '{P}/q', 'job1'] },
    { args: ['-o', 'json', 'mk', '--in-order', '{P}/q', 'job2'] },
    { args: ['update', '{P}/a', 'upd'] },
    { args: ['-o', 'json', 'update', '--ttl', '300', '{P}/a', 'upd2'] },
    { args: ['mkdir', '{P}/d'] },
    { args: ['-o', 'extended', 'mkdir', '{P}/d2'] },
    { args: ['-o', 'json', 'setdir', '{P}/d3'] },
    { args: ['setdir', '--ttl', '300', '{P}/d3'] },
    { args: ['updatedir', '--ttl', '300', '{P}/d'] },
    { args: ['-o', 'extended', 'updatedir', '{P}/d'] },
    { args: ['-o', 'yaml', 'get', '{P}/a'] },
  ],
  'server errors exit 4 with the error line': [
    { args: ['set', '{P}/e', 'ev'] },
    { args: ['get', '{P}/missing'] },
    { args: ['-o', 'json', 'get', '{P}/missing'] },
    { args: ['set', '--swap-with-value', 'nope', '{P}/e', 'x'] },
    { args: ['set', '--swap-with-index', '{MI-1:e}', '{P}/e', 'x'] },
    { args: ['mk', '{P}/e', 'again'] },
    { args: ['update', '{P}/nokey', 'v'] },
    { args: ['mkdir', '{P}/dd'] },
    { args: ['mkdir', '{P}/dd'] },
    { args: ['updatedir', '{P}/nodir'] },
    { args: ['set', '{P}/dd', 'v'] },
    { args: ['set', '{P}/e/child', 'v'] },
    { args: ['rm', '{P}/dd'] },
    { args: ['get', '{P}/dd'] },
    { args: ['set', '/', 'v'] },
  ],
  'ls and rm': [
    { args: ['set', '{P}/a', 'av'] },
    { args: ['set', '{P}/b', 'bv'] },
    { args: ['mkdir', '{P}/d'] },
    { args: ['set', '{P}/d/x', 'xv'] },
    { args: ['set', '{P}/d/_hidden', 'hv'] },
    { args: ['mk', '--ttl', '300', '{P}/t', 'tv'] },
    { args: ['ls', '{P}'], sortLines: true },
    { args: ['ls', '--sort', '{P}'] },
    { args: ['ls', '--sort', '-r', '-p', '{P}'] },
    { args: ['ls', '--recursive', '--quorum', '--sort', '{P}/d'] },
    { args: ['-o', 'extended', 'ls', '--sort', '{P}/d'] },
    { args: ['-o', 'json', 'ls', '--sort', '-r', '{P}'] },
    { args: ['ls', '{P}/a'] },
    { args: ['ls', '{P}/missing'] },
    { args: ['rm', '--dir', '{P}/d'] },
    { args: ['rmdir', '{P}/d'] },
    { args: ['rm', '-r', '{P}/d'] },
    { args: ['rm', '{P}/a'] },
    { args: ['-o', 'extended', 'rm', '{P}/b'] },
    { args: ['-o', 'json', 'rm', '{P}/t'] },
    { args: ['set', '{P}/c', 'cv'] },
    { args: ['rm', '--with-value', 'wrong', '{P}/c'] },
    { args: ['rm', '--with-index', '{MI-1:c}', '{P}/c'] },
    { args: ['rm', '--with-value', 'cv', '{P}/c'] },
    { args: ['set', '{P}/c', 'cv2'] },
    { args: ['-o', 'extended', 'rm', '--with-index', '{MI:c}', '{P}/c'] },
    { args: ['mkdir', '{P}/e1'] },
    { args: ['rmdir', '{P}/e1'] },
    { args: ['mkdir', '{P}/e2'] },
    { args: ['-o', 'extended', 'rmdir', '{P}/e2'] },
    { args: ['rm', '{P}/missing'] },
  ],
  'bad arguments exit 1 with the usage text': [
    { args: ['get'] },
    { args: ['set', '{P}/novalue'] },
    { args: ['rm'] },
    { args: ['mkdir'] },
    { args: ['watch'] },
    { args: ['exec-watch', '{P}/x'] },
    { args: ['get', '--bogus', '{P}/a'] },
    { args: ['set', '--ttl', 'abc', '{P}/a', 'v'] },
    { args: ['get', '--sort=maybe', '{P}/a'] },
    { args: ['rm', '--with-index'] },
    { args: ['ls', '---x'] },
    { args: ['rmdir', '-h'] },
    { args: ['set', '--help'] },
    { args: ['help', 'watch'] },
    { args: ['member'] },
    { args: ['member', 'list', 'extra'] },
    { args: ['member', 'bogus'] },
    { args: ['bogus'] },
    { args: ['--version'] },
    { args: ['--timeout', '1x', 'get', '{P}/a'], ignoreStdout: true },
    { args: ['--bogus', 'get', '{P}/a'], ignoreStdout: true },
  ],
  'endpoints: sync, failover and an unreachable cluster': [
    { args: ['set', '{P}/k', 'kv'] },
    { args: ['--endpoints', '{DEAD}', 'get', '{P}/k'] },
    { args: ['--endpoints', '{DEAD}', 'get'] },
    { args: ['--no-sync', '--endpoints', '{DEAD}', 'set', '{P}/k', 'v'] },
    { args: ['--no-sync', '--endpoints', '{DEAD}', 'mk', '{P}/k2', 'v'] },
    { args: ['--no-sync', '--endpoints', '{DEAD}', 'rm', '{P}/k'] },
    { args: ['--no-sync', '--endpoints', '{DEAD},{LIVE}', 'get', '{P}/k'] },
    { args: ['--endpoints', '{LIVE}', '--timeout', '3s', '--total-timeout', '10s', 'get', '{P}/k'] },
    { args: ['member', 'list'], sortLines: true },
    { args: ['cluster-health'], sortLines: true },
  ],
  'watch and exec-watch': [
    { args: ['set', '{P}/w', 'w1'] },
    { args: ['set', '{P}/w', 'w2'] },
    { args: ['watch', '--after-index', '{MI-1:w}', '{P}/w'] },
    { args: ['-o', 'extended', 'watch', '--after-index={MI-1:w}', '{P}/w'] },
    { args: ['watch', '{P}/w'], triggers: [{ set: ['w', 'w3'] }] },
    { args: ['-o', 'json', 'watch', '{P}/w'], triggers: [{ set: ['w', 'w4'] }] },
    { args: ['watch', '-r', '{P}/wr'], triggers: [{ mkdir: 'wr/dir' }, { set: ['wr/k', 'v1'] }] },
    {
      args: ['watch', '--forever', '--recursive', '{P}/wf'],
      triggers: [{ set: ['wf/a', 'v1'], lines: 2 }, { set: ['wf/b', 'v2'], lines: 4 }],
      interrupt: true,
    },
    {
      args: ['exec-watch', 'sh', '-c', ECHO_EVENT, '{P}/x'],
      triggers: [{ set: ['x', 'x1'], lines: 1 }, { set: ['x', 'x2'], lines: 2 }],
      interrupt: true,
    },
    {
      args: ['exec-watch', '-r', '{P}/xr', '--', 'sh', '-c', ECHO_EVENT],
      triggers: [{ mkdir: 'xr/d' }, { set: ['xr/d/k', 'k1'], lines: 1 }],
      interrupt: true,
    },
    { args: ['exec-watch', '/nonexistent/program', '{P}/xs'], triggers: [{ set: ['xs', 'v'] }] },
  ],
};

describe('raftyard ctl matches etcdctl v2', () => {
  let cluster: RealEtcdCluster | undefined;
  let context: ScriptContext;
  let runNumber = 0;

  before(async () => {
    assert.ok(realEtcdAvailable(), `the differential test needs etcd 3.4 at ${ETCD_BINARY} (apt-get install etcd-server)`);
    assert.ok(existsSync(ETCDCTL_BINARY), `the differential test needs etcdctl at ${ETCDCTL_BINARY} (apt-get install etcd-client)`);
    cluster = await startRealEtcd();
    const client = new V2Client({ endpoints: cluster.endpoints, seed: 7 });
    context = { client, endpoints: cluster.endpoints, deadEndpoint: `http://127.0.0.1:${await freePort()}` };
  });

  after(async () => {
    context?.client.close();
    await cluster?.stop();
  });

  for (const [name, steps] of Object.entries(SCRIPTS)) {
    test(name, async () => {
      runNumber++;
      const expected = await runScript(steps, `/diff${runNumber}-etcdctl`, RUNNERS.etcdctl, context);
      const actual = await runScript(steps, `/diff${runNumber}-raftyard`, RUNNERS.runCtl, context);
      for (let i = 0; i < steps.length; i++) assert.deepEqual(actual[i], expected[i], `step ${i}: ${steps[i].args.join(' ')}`);
    });
  }

  test('cluster-health reports a degraded cluster with exit code 5, member list an unstarted member', async () => {
    const fake = await startFakeMembersServer();
    try {
      const env = { ETCDCTL_ENDPOINTS: fake.url };
      for (const args of [['cluster-health'], ['member', 'list'], ['--no-sync', 'member', 'list']]) {
        const expected = await RUNNERS.etcdctl(args, { env });
        const actual = await RUNNERS.runCtl(args, { env });
        assert.deepEqual(actual, expected, args.join(' '));
      }
      const health = await RUNNERS.runCtl(['cluster-health'], { env });
      assert.equal(health.code, 5);
      assert.match(health.stdout, /cluster is degraded/);
    } finally {
      await fake.close();
    }
  });
});

// Start-up time: from nothing to the first acknowledged write, for an embedded 3-node raftyard
// cluster and for a real 3-member etcd 3.4 (when installed), alternately in one run.
//   npm run bench:startup [-- --rounds 5]

import { parseArgs } from 'node:util';
import { median } from '../src/bench/median.js';
import { Cluster } from '../src/cluster/cluster.js';
import { realEtcdAvailable, startRealEtcd } from '../test/support/real-etcd.js';

async function firstWrite(endpoint: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const res = await fetch(`${endpoint}/v2/keys/startup`, {
      method: 'PUT',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'value=1',
    }).catch(() => null);
    if (res && (res.status === 200 || res.status === 201)) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no write acknowledged by ${endpoint}`);
}

async function timeRaftyard(): Promise<number> {
  const started = performance.now();
  const cluster = await Cluster.start({ nodes: 3 });
  await firstWrite(cluster.endpoints[0]!);
  const elapsed = performance.now() - started;
  await cluster.stop();
  return elapsed;
}

async function timeEtcd(): Promise<number> {
  const started = performance.now();
  const etcd = await startRealEtcd(3);
  await firstWrite(etcd.endpoints[0]!);
  const elapsed = performance.now() - started;
  await etcd.stop();
  return elapsed;
}

const { values } = parseArgs({ options: { rounds: { type: 'string' } } });
const rounds = Number(values.rounds ?? 5);
const raftyard: number[] = [];
const etcd: number[] = [];
for (let round = 0; round < rounds; round++) {
  raftyard.push(await timeRaftyard());
  if (realEtcdAvailable()) etcd.push(await timeEtcd());
}
const rows = [{ system: 'raftyard (3 worker threads)', 'median ms': median(raftyard).toFixed(0), runs: raftyard.map((v) => v.toFixed(0)).join(' ') }];
if (etcd.length > 0) rows.push({ system: 'etcd 3.4 (3 processes)', 'median ms': median(etcd).toFixed(0), runs: etcd.map((v) => v.toFixed(0)).join(' ') });
console.table(rows);
if (etcd.length > 0) console.log(`raftyard starts in ${((median(raftyard) / median(etcd)) * 100).toFixed(1)}% of etcd's time`);

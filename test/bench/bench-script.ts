// Runs `raftyard bench` from a checkout without the main CLI:
// npx tsx test/bench/bench-script.ts --endpoints http://127.0.0.1:2379 --clients 4 --duration 5s
// With --real-etcd instead of --endpoints it starts a 3-member etcd on loopback first.

import { startRealEtcd } from '../support/real-etcd.js';
import { benchMain } from '../../src/bench/cli.js';

async function main(argv: string[]): Promise<number> {
  if (!argv.includes('--real-etcd')) return benchMain(argv);
  const cluster = await startRealEtcd();
  try {
    return await benchMain(['--endpoints', cluster.endpoints.join(','), ...argv.filter((a) => a !== '--real-etcd')]);
  } finally {
    await cluster.stop();
  }
}

process.exitCode = await main(process.argv.slice(2));

// Raft core throughput with no I/O at all: a 3-node cluster of cores wired by function calls
// (test/raft/memory-cluster.ts) commits proposals of 256 bytes, one at a time and in batches.
// This is the upper bound for everything built above the core.
//   npm run bench:raft

import { Bench } from 'tinybench';
import { MemoryCluster } from '../test/raft/memory-cluster.js';
import { taskRows } from './tinybench-table.js';

const PAYLOAD = new Uint8Array(256).fill(7);
const BATCHES = [1, 16, 256];

function committedCluster(): { cluster: MemoryCluster; propose: (count: number) => void } {
  const cluster = new MemoryCluster(3);
  const leader = cluster.node(cluster.elect());
  // Each node keeps what it applied; drop it so memory stays flat during the run.
  const propose = (count: number): void => {
    for (let i = 0; i < count; i++) {
      const refused = leader.core.propose(PAYLOAD);
      if (refused !== null) throw new Error(`proposal refused: ${refused}`);
    }
    cluster.stabilize();
    for (const node of cluster.nodes.values()) node.applied.length = 0;
    if (leader.core.appliedIndex > 50_000) leader.core.compact(leader.core.appliedIndex, PAYLOAD);
  };
  return { cluster, propose };
}

async function main(): Promise<void> {
  const bench = new Bench({ time: 2000, warmup: true, warmupTime: 300 });
  for (const batch of BATCHES) {
    const { propose } = committedCluster();
    bench.add(`3 cores, batch ${batch}`, () => propose(batch));
  }
  await bench.run();
  // taskRows' ops/s comes from the mean latency (tinybench's own is inflated) and it refuses a
  // task that did not complete; one op here is one batch.
  const rows = taskRows(bench).map((row, i) => ({ ...row, 'proposals/s': row['ops/s'] * BATCHES[i]! }));
  console.table(rows);
}

await main();

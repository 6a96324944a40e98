// Before reads or swaps can be measured the keys must exist: this writes every key the workload
// will read (the whole key space for get and mix, the contended keys for cas) once per target.

import type { WorkloadOptions } from './bench-options.js';
import { keyPath } from './keyspace.js';
import { V2Connection } from './v2-connection.js';

const PRELOAD_CONNECTIONS = 32;

export function keysToPreload(workload: WorkloadOptions): number {
  if (workload.name === 'get' || workload.name === 'mix') return workload.keySpace;
  if (workload.name === 'cas') return workload.casKeys;
  return 0;
}

export async function preloadKeys(endpoints: string[], workload: WorkloadOptions, requestTimeoutMs: number): Promise<void> {
  const keyCount = keysToPreload(workload);
  if (keyCount === 0) return;
  const form = `value=${'p'.repeat(workload.valueSizeBytes)}`;
  const connections = Array.from({ length: Math.min(PRELOAD_CONNECTIONS, keyCount) }, (_, i) => new V2Connection(endpoints[i % endpoints.length], requestTimeoutMs));
  let nextKey = 0;
  const writeKeys = async (connection: V2Connection): Promise<void> => {
    while (nextKey < keyCount) {
      const key = nextKey++;
      const answer = await connection.send('PUT', keyPath(key, workload.keySizeBytes), form);
      if (!answer.ok) throw new Error(`preloading key ${key} on ${connection.endpoint} failed: ${answer.errorKind}`);
    }
  };
  try {
    await Promise.all(connections.map(writeKeys));
  } finally {
    for (const connection of connections) connection.close();
  }
}

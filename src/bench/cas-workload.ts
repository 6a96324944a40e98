// Compare-and-swap contention: every client repeatedly reads one of a few keys and writes it
// back with prevIndex, retrying on "Compare failed" (etcd error 101) until its swap wins. One
// operation is the whole read-modify-write, so its latency includes the retries contention causes.

import { keyPath, randomValue } from './keyspace.js';
import { SUCCEEDED, type BenchClient, type OperationOutcome, type Workload, type WorkloadContext } from './workload.js';

const COMPARE_FAILED_ERROR_CODE = 101;
/** A swap that loses this often is reported as an error instead of retrying forever. */
export const CAS_ATTEMPTS_MAX = 100;

export function createCasWorkload(context: WorkloadContext): Workload {
  const { options, prng, recorder } = context;
  const value = randomValue(prng, options.valueSizeBytes);
  const readSuffix = options.quorumReads ? '?quorum=true' : '';

  const run = async (client: BenchClient, startMs: number): Promise<OperationOutcome> => {
    const path = keyPath(prng.int(0, options.casKeys), options.keySizeBytes);
    for (let attempt = 0; attempt < CAS_ATTEMPTS_MAX; attempt++) {
      const read = await client.connection.send('GET', path + readSuffix, undefined, true);
      if (!read.ok) return { errorKind: read.errorKind };
      const modifiedIndex = (JSON.parse(read.body) as { node?: { modifiedIndex?: number } }).node?.modifiedIndex;
      if (typeof modifiedIndex !== 'number') return { errorKind: 'CAS read without modifiedIndex' };
      const swap = await client.connection.send('PUT', `${path}?prevIndex=${modifiedIndex}`, `value=${value}`);
      if (swap.ok) return SUCCEEDED;
      if (swap.etcdErrorCode !== COMPARE_FAILED_ERROR_CODE) return { errorKind: swap.errorKind };
      if (recorder.measures(startMs)) recorder.count('casConflicts');
    }
    return { errorKind: `CAS lost ${CAS_ATTEMPTS_MAX} times in a row` };
  };
  return { run, close: async () => {} };
}

// The key-value workloads: `put` (sets a key of the key space), `get` (reads one, locally or
// through Raft with quorum=true) and `mix` (a seeded choice between the two per operation).

import { KeyPicker, keyPath, randomValue } from './keyspace.js';
import type { BenchClient, OperationOutcome, Workload, WorkloadContext } from './workload.js';

type KvOperation = 'put' | 'get' | 'mix';

export function createKvWorkload(kind: KvOperation, context: WorkloadContext): Workload {
  const { options, prng } = context;
  const keys = new KeyPicker(prng, options.keySpace, options.keyOrder, context.workerCount, context.workerIndex);
  // One value per worker: the server's cost does not depend on which bytes it stores.
  const putForm = `value=${randomValue(prng, options.valueSizeBytes)}`;
  const readSuffix = options.quorumReads ? '?quorum=true' : '';

  const put = async (client: BenchClient): Promise<OperationOutcome> => {
    const answer = await client.connection.send('PUT', keyPath(keys.next(), options.keySizeBytes), putForm);
    return answer.ok ? {} : { errorKind: answer.errorKind };
  };
  const get = async (client: BenchClient): Promise<OperationOutcome> => {
    const answer = await client.connection.send('GET', keyPath(keys.next(), options.keySizeBytes) + readSuffix);
    return answer.ok ? {} : { errorKind: answer.errorKind };
  };
  const mix = (client: BenchClient): Promise<OperationOutcome> => (prng.chance(options.readFraction) ? get(client) : put(client));

  const run = kind === 'put' ? put : kind === 'get' ? get : mix;
  return { run, close: async () => {} };
}

// The key-value workloads: `put` (sets a key of the key space), `get` (reads one, locally or
// through Raft with quorum=true) and `mix` (a seeded choice between the two per operation).

import { KeyPicker, keyPath, randomValue } from './keyspace.js';
import { outcomeOf, type BenchClient, type OperationOutcome, type Workload, type WorkloadContext } from './workload.js';

type KvOperation = 'put' | 'get' | 'mix';

export function createKvWorkload(kind: KvOperation, context: WorkloadContext): Workload {
  const { options, prng } = context;
  const keys = new KeyPicker(prng, options.keySpace, options.keyOrder, context.workerCount, context.workerIndex);
  // One value per worker: the server's cost does not depend on which bytes it stores.
  const putForm = `value=${randomValue(prng, options.valueSizeBytes)}`;
  const readSuffix = options.quorumReads ? '?quorum=true' : '';

  // Async, so that a caller's bug thrown by send() reaches the load model as a rejection.
  const put = async (client: BenchClient): Promise<OperationOutcome> => outcomeOf(await client.connection.send('PUT', keyPath(keys.next(), options.keySizeBytes), putForm));
  const get = async (client: BenchClient): Promise<OperationOutcome> => outcomeOf(await client.connection.send('GET', keyPath(keys.next(), options.keySizeBytes) + readSuffix));
  const mix = (client: BenchClient): Promise<OperationOutcome> => (prng.chance(options.readFraction) ? get(client) : put(client));

  const run = kind === 'put' ? put : kind === 'get' ? get : mix;
  return { run, close: async () => {} };
}

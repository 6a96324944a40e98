// Picks the workload implementation for a workload name.

import { createCasWorkload } from './cas-workload.js';
import { createKvWorkload } from './kv-workloads.js';
import { createWatchWorkload } from './watch-workload.js';
import type { Workload, WorkloadContext } from './workload.js';

export async function createWorkload(context: WorkloadContext): Promise<Workload> {
  const name = context.options.name;
  switch (name) {
    case 'put':
    case 'get':
    case 'mix':
      return createKvWorkload(name, context);
    case 'cas':
      return createCasWorkload(context);
    case 'watch':
      return createWatchWorkload(context);
  }
}

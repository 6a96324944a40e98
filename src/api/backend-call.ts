// The words etcd uses when the member cannot answer: a request that outlives its deadline (the
// member's, see ApiBackend.propose) fails with "etcdserver: request timed out" (the proposal may
// still commit later, as in etcd), and the backend's other failure codes map to the matching
// etcdserver errors.

import type { BackendTimeout } from './api-backend.js';

const CAUSE_TIMEOUT = 'etcdserver: request timed out';
const CAUSES: Readonly<Record<BackendTimeout['code'], string>> = {
  timeout: CAUSE_TIMEOUT,
  stopped: 'etcdserver: server stopped',
  'too-busy': 'etcdserver: too many requests',
};

/** The cause etcd would report for `error` (the text of error 300). */
export function failureCause(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code in CAUSES) return CAUSES[code as BackendTimeout['code']];
  return error instanceof Error ? error.message : String(error);
}

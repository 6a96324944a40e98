// Waiting for the member with a deadline, and the words etcd uses when it cannot answer: a
// request that outlives the request timeout fails with "etcdserver: request timed out" (the
// proposal may still commit later, as in etcd), and the backend's failure codes map to the
// matching etcdserver errors.

import type { BackendTimeout } from './api-backend.js';

export const CAUSE_TIMEOUT = 'etcdserver: request timed out';
const CAUSES: Readonly<Record<BackendTimeout['code'], string>> = {
  timeout: CAUSE_TIMEOUT,
  stopped: 'etcdserver: server stopped',
  'too-busy': 'etcdserver: too many requests',
};

/** Resolves as `work` does, or rejects with a timeout failure after `timeoutMs`. */
export function withDeadline<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new Error(`bad request timeout ${timeoutMs}`);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(CAUSE_TIMEOUT), { code: 'timeout' })), timeoutMs);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** The cause etcd would report for `error` (the text of error 300). */
export function failureCause(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code in CAUSES) return CAUSES[code as BackendTimeout['code']];
  return error instanceof Error ? error.message : String(error);
}

// Starts a worker thread from a test module beside the caller. Compiled tests load the .js file
// directly; under tsx (which does not reach into workers) a bootstrap registers tsx first.

import { extname } from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** Starts `./<name>.js` (or `.ts` under tsx) relative to `callerUrl`, the caller's import.meta.url. */
export function spawnTestWorker(callerUrl: string, name: string, options: WorkerOptions): Worker {
  const extension = extname(new URL(callerUrl).pathname);
  const url = new URL(`./${name}${extension}`, callerUrl);
  if (extension !== '.ts') return new Worker(url, options);
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

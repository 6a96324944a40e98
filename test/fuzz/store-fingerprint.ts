// A member's whole v2 store as one comparable string: a local, recursive, sorted GET of the
// root with its X-Etcd-Index. Remaining TTLs are left out (each member computes them at the
// moment it answers), expirations stay in.

export async function storeFingerprint(endpoint: string): Promise<string> {
  const res = await fetch(`${endpoint}/v2/keys/?recursive=true&sorted=true`, { signal: AbortSignal.timeout(10_000) });
  if (res.status !== 200) throw new Error(`GET / on ${endpoint}: status ${res.status}`);
  const body = JSON.parse(await res.text(), (name, value: unknown) => (name === 'ttl' ? undefined : value)) as unknown;
  return `${res.headers.get('x-etcd-index')} ${JSON.stringify(body)}`;
}

/** Waits until every member holds the same store; returns that fingerprint. */
export async function convergedFingerprint(endpoints: readonly string[], timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let prints: string[] = [];
  while (Date.now() < deadline) {
    prints = await Promise.all(endpoints.map(storeFingerprint));
    if (prints.every((p) => p === prints[0])) return prints[0]!;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`members did not converge within ${timeoutMs} ms: ${prints.map((p) => p.slice(0, 80)).join(' | ')}`);
}

// The two v2 calls crash tests make, with plain fetch and a deadline: a PUT whose outcome is
// acknowledged or unknown, and a quorum GET retried until the cluster answers it.

export interface QuorumRead {
  /** The value read, or null when the key does not exist. */
  value: string | null;
}

/** True when the write was acknowledged; false when its outcome is unknown. */
export async function putValue(endpoint: string, key: string, value: string, timeoutMs: number): Promise<boolean> {
  try {
    const res = await fetch(`${endpoint}/v2/keys/${key}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ value }).toString(),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer();
    return res.status === 200 || res.status === 201;
  } catch {
    return false;
  }
}

/** A linearizable read of `key`, retried on errors (elections, restarts) until `timeoutMs`. */
export async function quorumGet(endpoints: readonly string[], key: string, timeoutMs: number): Promise<QuorumRead> {
  if (endpoints.length === 0) throw new Error('quorumGet needs at least one endpoint');
  const deadline = Date.now() + timeoutMs;
  let lastProblem = 'no attempt';
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    const endpoint = endpoints[attempt % endpoints.length]!;
    try {
      const res = await fetch(`${endpoint}/v2/keys/${key}?quorum=true`, { signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())) });
      const body = (await res.json()) as { node?: { value?: string }; errorCode?: number };
      if (res.status === 200 && typeof body.node?.value === 'string') return { value: body.node.value };
      if (res.status === 404 && body.errorCode === 100) return { value: null };
      lastProblem = `status ${res.status}: ${JSON.stringify(body)}`;
    } catch (error) {
      lastProblem = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`quorum GET of ${key} got no answer within ${timeoutMs} ms (last: ${lastProblem})`);
}

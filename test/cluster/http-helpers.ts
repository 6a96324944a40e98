// Small HTTP helpers for cluster tests: v2 writes and reads with plain fetch, so a failure
// shows the raw answer.

export interface V2Answer {
  status: number;
  body: Record<string, unknown> & { node?: { value?: string; nodes?: unknown[] }; errorCode?: number; cause?: string };
}

export async function putKey(endpoint: string, key: string, value: string, timeoutMs = 15_000): Promise<V2Answer> {
  const res = await fetch(`${endpoint}/v2/keys/${key}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ value }).toString(),
    signal: AbortSignal.timeout(timeoutMs),
  });
  return { status: res.status, body: (await res.json()) as V2Answer['body'] };
}

export async function getKey(endpoint: string, key: string, quorum = false, timeoutMs = 15_000): Promise<V2Answer> {
  const res = await fetch(`${endpoint}/v2/keys/${key}${quorum ? '?quorum=true' : ''}`, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, body: (await res.json()) as V2Answer['body'] };
}

/** Retries `attempt` until it returns true or the deadline passes (bounded polling). */
export async function eventually(attempt: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await attempt().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** Writes `count` keys through `endpoint` one after another; returns the acknowledged ones. */
export async function writeSequence(endpoint: string, prefix: string, count: number): Promise<string[]> {
  const acknowledged: string[] = [];
  for (let i = 0; i < count; i++) {
    const answer = await putKey(endpoint, `${prefix}${i}`, `v${i}`);
    if (answer.status === 200 || answer.status === 201) acknowledged.push(`${prefix}${i}`);
  }
  return acknowledged;
}

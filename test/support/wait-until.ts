// Waiting in tests for something that happens on another thread or socket: poll a condition
// with a generous bound, and fail with what was awaited.

/** Polls `predicate` until it holds; throws after a generous `timeoutMs`. */
export async function waitUntil(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

// Waiting in tests for something that happens on another thread, socket or member: poll a
// condition (which may ask over the network) with a generous bound, and fail with what was awaited.

/**
 * Polls `predicate` until it holds; throws after a generous `timeoutMs`, saying `what` (worked
 * out then, when it is a function: it may report the last thing seen).
 */
export async function waitUntil(predicate: () => boolean | Promise<boolean>, what: string | (() => string), timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${typeof what === 'string' ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

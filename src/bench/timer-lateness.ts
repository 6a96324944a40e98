// How late timers run on a real clock: timers set one after another, each recorded by how long
// after its due time (performance.now()) it ran, negative when early. The precise-timer test
// bounds these figures loosely; bench/timer-precision.bench.ts reports them.

/** Sets a timer that runs `callback` `delayMs` from now (a delay line may ignore `delayMs` and use its own). */
export type SetTimer = (callback: () => void, delayMs: number) => void;

/**
 * Sets one timer per entry of `delaysMs`, `gapMs` apart (a Node timer between two sets), and
 * resolves once all have run with how late each ran in ms, ascending.
 */
export async function measureLateness(set: SetTimer, delaysMs: readonly number[], gapMs: number): Promise<number[]> {
  const latenessMs: number[] = [];
  await new Promise<void>((allRan) => {
    const setNext = (i: number): void => {
      const dueMs = performance.now() + delaysMs[i]!;
      set(() => {
        latenessMs.push(performance.now() - dueMs);
        if (latenessMs.length === delaysMs.length) allRan();
      }, delaysMs[i]!);
      if (i + 1 < delaysMs.length) setTimeout(() => setNext(i + 1), gapMs);
    };
    setNext(0);
  });
  return latenessMs.sort((a, b) => a - b);
}

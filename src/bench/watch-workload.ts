// Watch latency: K stream watchers (spread over the members) watch one key; each operation
// writes a unique value to it and waits until every watcher has seen that value. A sample is
// the time from the write's answer to one watcher seeing it; a watcher that saw the event
// before the answer arrived counts as zero delay (and is counted). Writer and watchers live
// in one thread, so every time comes from the same clock.

import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { keyPath } from './keyspace.js';
import { openWatchStream, type WatchStream } from './watch-stream.js';
import type { BenchClient, OperationOutcome, Workload, WorkloadContext } from './workload.js';

export const WATCH_MISSED_ERROR_KIND = 'watch event missed';

interface PendingWrite {
  startMs: number;
  answeredMs?: number;
  seen: number;
  seenBeforeAnswer: number;
  allSeen(): void;
}

export async function createWatchWorkload(context: WorkloadContext): Promise<Workload> {
  const { options, recorder } = context;
  const watchedPath = keyPath(0, options.keySizeBytes);
  const pending = new Map<string, PendingWrite>();
  const watcherCount = options.watchers;

  const onValue = (value: string, arrivedMs: number): void => {
    const write = pending.get(value);
    if (!write) {
      recorder.count('watchEventsAfterGivingUp');
      return;
    }
    write.seen += 1;
    if (write.answeredMs === undefined) write.seenBeforeAnswer += 1;
    else recorder.recordLatency(write.startMs, arrivedMs - write.answeredMs, arrivedMs);
    if (write.seen === watcherCount) write.allSeen();
  };
  const streams = await openStreams(context, watchedPath, onValue);
  let sequence = 0;

  const run = async (client: BenchClient, startMs: number): Promise<OperationOutcome> => {
    const value = `w${context.workerIndex}-${sequence++}-`.padEnd(options.valueSizeBytes, 'x');
    const seenByAll = new Promise<void>((resolve) => pending.set(value, { startMs, seen: 0, seenBeforeAnswer: 0, allSeen: resolve }));
    const write = pending.get(value) as PendingWrite;
    const answer = await client.connection.send('PUT', watchedPath, `value=${value}`);
    if (!answer.ok) {
      pending.delete(value);
      return { errorKind: answer.errorKind };
    }
    write.answeredMs = performance.now();
    for (let i = 0; i < write.seenBeforeAnswer; i++) recorder.recordLatency(startMs, 0, write.answeredMs);
    if (write.seenBeforeAnswer > 0 && recorder.measures(startMs)) recorder.count('watchSeenBeforeAnswer', write.seenBeforeAnswer);
    await waitOrGiveUp(seenByAll, context.requestTimeoutMs);
    pending.delete(value);
    for (let missed = write.seen; missed < watcherCount; missed++) recorder.recordError(startMs, WATCH_MISSED_ERROR_KIND);
    return { selfRecorded: true };
  };
  return { run, close: async () => streams.forEach((stream) => stream.close()) };
}

async function openStreams(context: WorkloadContext, watchedPath: string, onValue: (value: string, arrivedMs: number) => void): Promise<WatchStream[]> {
  const { endpoints, recorder } = context;
  const handlers = { onValue, onEnd: () => recorder.count('watchStreamsEnded') };
  const opening = Array.from({ length: context.options.watchers }, (_, i) =>
    openWatchStream(endpoints[i % endpoints.length], watchedPath, handlers, context.requestTimeoutMs),
  );
  const settled = await Promise.allSettled(opening);
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  const streams = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  if (failure) {
    streams.forEach((stream) => stream.close());
    throw new Error(`could not open ${context.options.watchers} watchers: ${(failure.reason as Error).message}`);
  }
  return streams;
}

async function waitOrGiveUp(event: Promise<void>, timeoutMs: number): Promise<void> {
  const giveUp = new AbortController();
  await Promise.race([event, sleep(timeoutMs, undefined, { signal: giveUp.signal }).catch(() => undefined)]);
  giveUp.abort();
}

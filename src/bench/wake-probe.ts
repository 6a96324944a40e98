// How long this machine takes to wake a sleeping thread, measured when a bench starts: the
// median round trip of a small message between this thread and a helper thread, each waiting
// for the other. An embedded cluster's write costs a dozen such wakes, so its figures follow
// this one from day to day: on the development VM it was 49–53 µs on some days and 96–102 µs
// on others, and the same build's single-client writes/s moved with it. The report gives it
// beside the results, so figures from different days can be told apart from a changed build.

import { startSourceThread } from '../util/source-thread.js';
import { median } from './median.js';

/** Round trips measured (after as many to warm up): about 0.1 s at 50 µs each. */
const ROUND_TRIPS = 1000;
const ECHO = `const { parentPort } = require('node:worker_threads'); parentPort.on('message', (m) => parentPort.postMessage(m));`;

/** The median postMessage round trip to a helper thread, in µs. */
export async function measureThreadRoundTripUs(roundTrips = ROUND_TRIPS): Promise<number> {
  if (!Number.isInteger(roundTrips) || roundTrips < 1) throw new RangeError(`bad round-trip count ${roundTrips}`);
  const worker = startSourceThread(ECHO);
  // The round trips are what the caller waits for: the process must live through them.
  worker.ref();
  try {
    const timesUs: number[] = [];
    await new Promise<void>((resolve, reject) => {
      let done = -roundTrips;
      let sentAtMs = 0;
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the echo thread exited (code ${code}) before ${roundTrips} round trips`)));
      worker.on('message', () => {
        if (done >= 0) timesUs.push((performance.now() - sentAtMs) * 1000);
        if (++done === roundTrips) return resolve();
        sentAtMs = performance.now();
        worker.postMessage(0);
      });
      sentAtMs = performance.now();
      worker.postMessage(0);
    });
    return median(timesUs);
  } finally {
    await worker.terminate();
  }
}

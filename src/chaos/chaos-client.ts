// One chaos client: a closed loop pinned to one member's endpoint, recording every operation's
// invocation and outcome. It never retries an operation (a retried write could apply twice),
// and backs off after a failure so a dead member does not turn into a busy loop.

import { HttpTransport } from '../client/http-transport.js';
import { EndpointError } from '../client/v2-error.js';
import type { V2Input } from '../check/models/v2-key-model.js';
import { setTimeout as sleep } from 'node:timers/promises';
import type { OperationLog } from './operation-log.js';
import { exchangeOf, outcomeOf, type WireOutcome } from './v2-wire.js';
import type { ClientWorkload } from './workload.js';

export interface ChaosClientConfig {
  readonly endpoint: string;
  /** Time allowed for a whole answer; later, the outcome is unknown. */
  readonly timeoutMs: number;
  /** False only in a deliberately broken run: gets are then local reads that may be stale. */
  readonly quorumReads: boolean;
}

/** A v2 answer is one small JSON event; anything bigger is a broken server. */
const ANSWER_BYTES_MAX = 64 * 1024;
/** Pause after an operation without a definite answer (a member down or cut off). */
const BACKOFF_MS = 100;

export async function runChaosClient(
  config: ChaosClientConfig,
  workload: ClientWorkload,
  log: OperationLog,
  shouldStop: () => boolean,
): Promise<void> {
  // One socket: the client is sequential, and a fresh transport keeps clients independent.
  const transport = new HttpTransport(1);
  try {
    while (!shouldStop()) {
      const input = workload.next();
      const op = log.begin(workload.clientId, input);
      const outcome = await performOperation(transport, config, input);
      log.finish(op, outcome);
      if (outcome.kind === 'definite') workload.observe(input, outcome.output);
      else await sleep(BACKOFF_MS);
    }
  } finally {
    transport.close();
  }
}

/** Sends one operation and classifies what came back. */
export async function performOperation(transport: HttpTransport, config: ChaosClientConfig, input: V2Input): Promise<WireOutcome> {
  const signal = AbortSignal.timeout(config.timeoutMs);
  try {
    const answer = await transport.open(config.endpoint, exchangeOf(input, config.quorumReads), {
      // The signal already bounds the wait for headers and body: no second timer.
      headerTimeoutMs: 0,
      signal,
    });
    const body = await transport.readBody(config.endpoint, answer, ANSWER_BYTES_MAX, signal);
    return outcomeOf(input, answer.status, body);
  } catch (error) {
    const reason = (error as Error).message;
    if (error instanceof EndpointError && error.failure === 'connect') return { kind: 'not-sent', reason };
    return { kind: 'unknown', reason };
  }
}

// Concurrent writers for crash tests: each client owns its keys and sends one write at a time
// to a random member, recording every attempt and outcome in the shared WriteLedger. They keep
// writing until stopped; a crash turns their in-flight writes into unknown outcomes.

import { Prng } from '../util/prng.js';
import { putValue } from './v2-calls.js';
import type { WriteLedger } from './write-ledger.js';

export interface CrashWriterOptions {
  clientCount: number;
  keysPerClient: number;
  /** How long a write may take before its outcome counts as unknown. */
  requestTimeoutMs: number;
  /** Chance that a write carries a large value (a few KiB) instead of a short one. */
  largeValueChance: number;
}

/** After a failed write a client waits this long, so a crashed target is not hammered in a loop. */
const RETRY_PAUSE_MS = 20;
const LARGE_VALUE_BYTES_MAX = 8 * 1024;
export const CLIENTS_MAX = 64;

export class CrashWriters {
  private readonly nextSeq: number[];
  private stopping = false;
  private running: Promise<void> | null = null;

  constructor(
    private readonly ledger: WriteLedger,
    private readonly options: CrashWriterOptions,
  ) {
    if (!(Number.isInteger(options.clientCount) && options.clientCount >= 1 && options.clientCount <= CLIENTS_MAX)) {
      throw new RangeError(`clientCount must be 1 to ${CLIENTS_MAX}, not ${options.clientCount}`);
    }
    if (!(Number.isInteger(options.keysPerClient) && options.keysPerClient >= 1)) throw new RangeError('keysPerClient must be at least 1');
    this.nextSeq = Array.from({ length: options.clientCount }, () => 1);
  }

  /** Starts every client against `endpoints`; `seed` decides keys and value sizes. */
  start(endpoints: readonly string[], seed: number): void {
    if (this.running !== null) throw new Error('writers are already running');
    if (endpoints.length === 0) throw new Error('writers need at least one endpoint');
    this.stopping = false;
    const clients = this.nextSeq.map((_, client) => this.runClient(client, endpoints, new Prng(seed * 31 + client)));
    this.running = Promise.all(clients).then(() => undefined);
  }

  /** Stops every client; resolves once all have (writes in flight finish or time out). */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
    this.running = null;
  }

  private async runClient(client: number, endpoints: readonly string[], prng: Prng): Promise<void> {
    while (!this.stopping) {
      const key = `crash/c${client}/k${prng.int(0, this.options.keysPerClient)}`;
      const seq = this.nextSeq[client]!++;
      const paddingBytes = prng.chance(this.options.largeValueChance) ? prng.int(1024, LARGE_VALUE_BYTES_MAX) : 0;
      const value = this.ledger.attempt(key, seq, paddingBytes);
      const acknowledged = await putValue(prng.pick(endpoints), key, value, this.options.requestTimeoutMs);
      this.ledger.settle(key, seq, acknowledged);
      if (!acknowledged && !this.stopping) await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
    }
  }
}

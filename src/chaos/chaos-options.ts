// The options of a chaos run, their defaults and limits, and their parsing from the command
// line (`raftyard chaos --seed 7 --duration-ms 20000 --nodes 5 --clients 8 --keys 2 --json`).

import { parseArgs } from 'node:util';
import { integerOption } from '../cli/cli-io.js';
import type { TransportKind } from '../transport/peer-transport.js';
import type { FaultStep } from './fault-plan.js';

export interface ChaosOptions {
  /** Everything random in the run (fault schedule, operation mix) follows from it. */
  seed: number;
  /** How long clients run and faults are injected (healing and checking come after). */
  durationMs: number;
  nodes: 3 | 5;
  /** Concurrent clients, spread round-robin over the members. */
  clients: number;
  /** Keys the clients share: fewer keys, more contention. */
  keys: number;
  transport: TransportKind;
  heartbeatMs: number;
  electionMs: number;
  /** The members' limit for a write or quorum read; clients wait a little longer. */
  requestTimeoutMs: number;
  /** False makes a deliberately broken run (local, possibly stale gets): for proving the checks fail. */
  quorumReads: boolean;
  /** Replaces the schedule planned from the seed (for scripted runs in tests). */
  plan?: readonly FaultStep[];
}

export const CHAOS_DEFAULTS: Readonly<ChaosOptions> = Object.freeze({
  seed: 1,
  durationMs: 20_000,
  nodes: 3,
  clients: 6,
  keys: 3,
  transport: 'port',
  heartbeatMs: 20,
  electionMs: 200,
  requestTimeoutMs: 1500,
  quorumReads: true,
});

const CLIENTS_MAX = 64;
const KEYS_MAX = 1000;
const DURATION_MS_MAX = 3_600_000;
const TRANSPORTS: readonly TransportKind[] = ['port', 'sab', 'ws'];

const CHAOS_FLAGS = {
  seed: { type: 'string' },
  'duration-ms': { type: 'string' },
  nodes: { type: 'string' },
  clients: { type: 'string' },
  keys: { type: 'string' },
  transport: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export class ChaosUsageError extends Error {}

export const CHAOS_USAGE = `Usage: raftyard chaos [options]
  Runs concurrent clients against every member of an embedded cluster while a schedule derived
  from the seed injects faults, then heals, and checks linearizability, lost writes and
  convergence. Exits 0 when no violation is found, 1 on bad arguments, 2 on a violation.
  --seed N            seed of the fault schedule and the operation mix (default ${CHAOS_DEFAULTS.seed})
  --duration-ms MS    length of the fault phase (default ${CHAOS_DEFAULTS.durationMs})
  --nodes 3|5         cluster size (default ${CHAOS_DEFAULTS.nodes})
  --clients C         concurrent clients, spread over the members (default ${CHAOS_DEFAULTS.clients})
  --keys K            keys they share; few keys mean contention (default ${CHAOS_DEFAULTS.keys})
  --transport T       port, sab or ws (default ${CHAOS_DEFAULTS.transport})
  --json              print the result as one JSON object`;

/** Fills in defaults and refuses values outside the limits. */
export function resolveChaosOptions(given: Partial<ChaosOptions>): ChaosOptions {
  const options: ChaosOptions = { ...CHAOS_DEFAULTS, ...given };
  requireInteger('seed', options.seed, 0, 0xffffffff);
  requireInteger('duration-ms', options.durationMs, 1000, DURATION_MS_MAX);
  requireInteger('clients', options.clients, 1, CLIENTS_MAX);
  requireInteger('keys', options.keys, 1, KEYS_MAX);
  if (options.nodes !== 3 && options.nodes !== 5) throw new ChaosUsageError(`--nodes must be 3 or 5, not ${options.nodes}`);
  if (!TRANSPORTS.includes(options.transport)) {
    throw new ChaosUsageError(`--transport must be one of ${TRANSPORTS.join(', ')}, not ${options.transport}`);
  }
  return options;
}

export function parseChaosArgs(argv: readonly string[]): { options: ChaosOptions; json: boolean } {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], strict: true, options: CHAOS_FLAGS }));
  } catch (error) {
    // node:util refuses unknown flags, missing values and stray words with a TypeError.
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') === true) throw new ChaosUsageError((error as Error).message);
    throw error;
  }
  let given: Partial<ChaosOptions>;
  try {
    given = {
      seed: integerOption(values.seed, 'seed', CHAOS_DEFAULTS.seed),
      durationMs: integerOption(values['duration-ms'], 'duration-ms', CHAOS_DEFAULTS.durationMs),
      // resolveChaosOptions refuses a size other than 3 or 5 and an unknown transport.
      nodes: integerOption(values.nodes, 'nodes', CHAOS_DEFAULTS.nodes) as 3 | 5,
      clients: integerOption(values.clients, 'clients', CHAOS_DEFAULTS.clients),
      keys: integerOption(values.keys, 'keys', CHAOS_DEFAULTS.keys),
      transport: (values.transport ?? CHAOS_DEFAULTS.transport) as TransportKind,
    };
  } catch (error) {
    throw new ChaosUsageError((error as Error).message);
  }
  return { options: resolveChaosOptions(given), json: values.json === true };
}

function requireInteger(name: string, value: number, min: number, max: number): void {
  if (!(Number.isSafeInteger(value) && value >= min && value <= max)) {
    throw new ChaosUsageError(`--${name} must be an integer from ${min} to ${max}, not ${value}`);
  }
}

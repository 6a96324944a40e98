// Crash rounds against any target that can be started, crashed and recovered: each round
// writes from concurrent clients, crashes the target at a seeded random moment, recovers it,
// and checks with quorum reads that every acknowledged write survived. The same loop drives
// whole-process SIGKILLs and in-process power cuts.

import { Prng } from '../util/prng.js';
import { CrashWriters, type CrashWriterOptions } from './crash-writers.js';
import { quorumGet } from './v2-calls.js';
import { WriteLedger, type LedgerViolation } from './write-ledger.js';

export interface CrashTarget {
  /** Starts or recovers the target; resolves with its client endpoints once it takes writes. */
  start(): Promise<string[]>;
  /** Crashes it at once, in the middle of whatever it is doing. */
  crash(): Promise<void>;
  /** Stops it for good at the end of the run. */
  stop(): Promise<void>;
}

export interface CrashRoundOptions extends CrashWriterOptions {
  rounds: number;
  seed: number;
  /** The crash comes a random time in [min, max) after the writers start. */
  crashDelayMsMin: number;
  crashDelayMsMax: number;
  /** How long each verifying quorum read may retry. */
  readTimeoutMs: number;
  /** Called after each round (progress for long runs). */
  onRound?: (round: number, report: CrashRoundsReport) => void;
}

export interface CrashRoundsReport {
  rounds: number;
  writesAcked: number;
  writesUnknown: number;
  keysVerified: number;
  /** Time from asking the target to start until it took writes, per recovery. */
  recoveryMs: number[];
  violations: (LedgerViolation & { round: number })[];
}

export const ROUNDS_MAX = 10_000;
const READ_CONCURRENCY = 8;

export async function runCrashRounds(target: CrashTarget, options: CrashRoundOptions): Promise<CrashRoundsReport> {
  if (!(Number.isInteger(options.rounds) && options.rounds >= 1 && options.rounds <= ROUNDS_MAX)) {
    throw new RangeError(`rounds must be 1 to ${ROUNDS_MAX}, not ${options.rounds}`);
  }
  if (!(options.crashDelayMsMax > options.crashDelayMsMin && options.crashDelayMsMin >= 0)) throw new RangeError('bad crash delay range');
  const prng = new Prng(options.seed);
  const ledger = new WriteLedger();
  const writers = new CrashWriters(ledger, options);
  const report: CrashRoundsReport = { rounds: 0, writesAcked: 0, writesUnknown: 0, keysVerified: 0, recoveryMs: [], violations: [] };
  try {
    for (let round = 1; round <= options.rounds; round++) {
      const endpoints = await timedStart(target, report);
      await verifyLedger(ledger, endpoints, options.readTimeoutMs, round, report);
      writers.start(endpoints, prng.nextUint32());
      await new Promise((resolve) => setTimeout(resolve, prng.int(options.crashDelayMsMin, options.crashDelayMsMax)));
      await target.crash();
      await writers.stop();
      Object.assign(report, { rounds: round, writesAcked: ledger.acked, writesUnknown: ledger.unknown });
      options.onRound?.(round, report);
    }
    const endpoints = await timedStart(target, report);
    await verifyLedger(ledger, endpoints, options.readTimeoutMs, options.rounds + 1, report);
  } finally {
    await writers.stop();
    await target.stop();
  }
  return report;
}

async function timedStart(target: CrashTarget, report: CrashRoundsReport): Promise<string[]> {
  const startedMs = performance.now();
  const endpoints = await target.start();
  report.recoveryMs.push(Math.round(performance.now() - startedMs));
  return endpoints;
}

/** Reads every key ever written (a few at a time) and records what contradicts the ledger. */
async function verifyLedger(ledger: WriteLedger, endpoints: string[], readTimeoutMs: number, round: number, report: CrashRoundsReport) {
  const keys = ledger.keyNames;
  let next = 0;
  const reader = async (): Promise<void> => {
    while (next < keys.length) {
      const key = keys[next++]!;
      const read = await quorumGet(endpoints, key, readTimeoutMs);
      const violation = ledger.check(key, read.value);
      if (violation) report.violations.push({ ...violation, round });
    }
  };
  await Promise.all(Array.from({ length: READ_CONCURRENCY }, reader));
  report.keysVerified += keys.length;
}

// The full configuration of one benchmark invocation: which targets, which workload, which load
// model, how long, where the reports go. Defaults and limits live here, so that parsing the
// command line and calling runBench from code produce the same checked configuration.

import { availableParallelism } from 'node:os';
import { parseRegion, parseRegions } from '../transport/geo-presets.js';
import { LINK_DELAY_MS_MAX } from '../transport/link-config.js';
import { parseEndpoint } from './endpoints-target.js';

export type WorkloadName = 'put' | 'get' | 'mix' | 'cas' | 'watch';
export type KeyOrder = 'sequential' | 'random';
export type LoadModel = 'closed' | 'open';
export type SendTo = 'spread' | 'leader' | 'follower';

/** A target is either URLs of running servers or a registered factory with spec-local settings. */
export type TargetSpec =
  | { kind: 'endpoints'; label: string; endpoints: string[] }
  | { kind: 'named'; label: string; name: string; extra: Record<string, string> };

export interface WorkloadOptions {
  name: WorkloadName;
  keySizeBytes: number;
  valueSizeBytes: number;
  keySpace: number;
  keyOrder: KeyOrder;
  /** Reads go through Raft (`quorum=true`) instead of being served locally. */
  quorumReads: boolean;
  /** Share of operations that are reads in the `mix` workload. */
  readFraction: number;
  /** How many keys the `cas` workload's clients fight over. */
  casKeys: number;
  /** How many stream watchers see each write in the `watch` workload. */
  watchers: number;
}

export interface LoadOptions {
  model: LoadModel;
  /** Connections (one per client); in the open loop they serve the scheduled requests. */
  clients: number;
  /** Open loop only: requests per second over all workers. */
  ratePerSec: number;
  workers: number;
  requestTimeoutMs: number;
  /**
   * `leader` sends every request to the leader; `follower` to one follower (the first in endpoint
   * order); `spread` spreads clients over all endpoints.
   */
  sendTo: SendTo;
}

export interface TargetSettings {
  nodes?: number;
  transport?: string;
  /** Regions, one per member (a geo preset). */
  geo?: string;
  /** One-way delay on every link between members; each member then sits in a site named after its id. */
  delayMs?: number;
  seed: number;
  /** Where the client sits: each request waits the round trip from here to the member it talks to. */
  clientRegion?: string;
  /** Where leadership is moved once the target has started. */
  leaderRegion?: string;
}

/** Whether the settings shape the links between members (a geo preset, or a delay above 0). */
export function linksShaped(settings: TargetSettings): boolean {
  return settings.geo !== undefined || (settings.delayMs ?? 0) > 0;
}

export interface BenchOptions {
  /** One target, or two to compare (run alternately, A B A B ...). */
  targets: TargetSpec[];
  targetSettings: TargetSettings;
  workload: WorkloadOptions;
  load: LoadOptions;
  /** Measured time per target, split evenly over the rounds. */
  durationMs: number;
  /** Unmeasured time at the start of every phase (connections and caches warm up). */
  warmupMs: number;
  rounds: number;
  /** Width of one point of the latency-over-time chart. */
  intervalMs: number;
  outJsonPath?: string;
  outHtmlPath?: string;
  /**
   * Where to write a CPU profile of every member thread (a started target's) and load-generator
   * thread for each measured window; the table then lists where each thread spent its time.
   */
  cpuProfileDir?: string;
  /** Live progress line; the CLI turns it on only when stdout is a TTY. */
  progress: boolean;
}

export const LIMITS = {
  clientsMax: 10_000,
  workersMax: 64,
  ratePerSecMax: 1_000_000,
  keySizeBytesMax: 1024,
  valueSizeBytesMax: 1024 * 1024,
  keySpaceMax: 10_000_000,
  casKeysMax: 10_000,
  watchersMax: 2_000,
  roundsMax: 100,
  durationMsMax: 24 * 3600_000,
  requestTimeoutMsMax: 600_000,
  intervalsPerPhaseMax: 4_000,
} as const;

const INTERVAL_MS_MIN = 10;

export function defaultWorkers(clients: number): number {
  // Half the cores: the other half is left for the target when it runs on the same machine.
  return Math.max(1, Math.min(clients, Math.floor(availableParallelism() / 2)));
}

export function defaultBenchOptions(targets: TargetSpec[]): BenchOptions {
  return {
    targets,
    targetSettings: { seed: 1 },
    workload: {
      name: 'put',
      keySizeBytes: 8,
      valueSizeBytes: 8,
      keySpace: 10_000,
      keyOrder: 'random',
      quorumReads: false,
      readFraction: 0.9,
      casKeys: 4,
      watchers: 8,
    },
    load: { model: 'closed', clients: 16, ratePerSec: 0, workers: defaultWorkers(16), requestTimeoutMs: 5_000, sendTo: 'spread' },
    durationMs: 10_000,
    warmupMs: 1_000,
    rounds: 1,
    intervalMs: 250,
    progress: false,
  };
}

/** Throws an Error naming the first setting that is out of range; returns the options unchanged. */
export function validateBenchOptions(options: BenchOptions): BenchOptions {
  validateTargets(options.targets);
  validateTargetSettings(options.targetSettings, options.targets, options.workload);
  validateWorkload(options.workload);
  validateLoad(options.load, options.workload);
  requireInteger('duration (ms)', options.durationMs, 1, LIMITS.durationMsMax);
  requireInteger('warmup (ms)', options.warmupMs, 0, LIMITS.durationMsMax);
  requireInteger('rounds', options.rounds, 1, LIMITS.roundsMax);
  requireInteger('interval (ms)', options.intervalMs, INTERVAL_MS_MIN, LIMITS.durationMsMax);
  if (options.durationMs / options.rounds < 1) throw new Error('each round needs at least 1 ms of measured time');
  return options;
}

/** The interval actually used: widened when the requested one would give too many points. */
export function effectiveIntervalMs(options: BenchOptions): number {
  const phaseMs = options.durationMs / options.rounds;
  return Math.max(options.intervalMs, Math.ceil(phaseMs / LIMITS.intervalsPerPhaseMax));
}

function validateTargets(targets: TargetSpec[]): void {
  if (targets.length < 1 || targets.length > 2) throw new Error(`expected one target or two to compare, got ${targets.length}`);
  for (const target of targets) {
    if (target.kind === 'endpoints') {
      if (target.endpoints.length === 0) throw new Error(`target ${target.label} has no endpoints`);
      for (const endpoint of target.endpoints) parseEndpoint(endpoint);
    }
  }
  if (targets.length === 2 && targets[0].label === targets[1].label) {
    throw new Error(`the two compared targets need different labels (both are "${targets[0].label}")`);
  }
}

function validateTargetSettings(settings: TargetSettings, targets: TargetSpec[], workload: WorkloadOptions): void {
  if (settings.delayMs !== undefined) {
    if (!(settings.delayMs >= 0 && settings.delayMs <= LINK_DELAY_MS_MAX)) throw new Error(`delay must be in [0, ${LINK_DELAY_MS_MAX}] ms, got ${settings.delayMs}`);
    if (settings.geo !== undefined) throw new Error('give a geo preset or a uniform delay, not both');
  }
  const placements: Array<[string, string | undefined]> = [['--client-region', settings.clientRegion], ['--leader-region', settings.leaderRegion]];
  const placing = placements.filter(([, region]) => region !== undefined).map(([flag]) => flag);
  const plain = targets.find((t) => t.kind === 'endpoints');
  if (placing.length > 0 && plain) {
    throw new Error(`${placing.join(' and ')}: ${plain.label} is a set of URLs without regions; start a target here with --geo or --delay`);
  }
  // Watchers would sit with the members while the writer sits far away: the delays would mean nothing.
  if (settings.clientRegion !== undefined && workload.name === 'watch') throw new Error('--client-region does not apply to the watch workload');
  if (settings.geo !== undefined) validateGeoRegions(settings.geo, settings.clientRegion, settings.leaderRegion);
}

/**
 * A misspelt region is refused before any target starts: the members' regions, the client's and
 * the leader's must be known ones. Whether a member sits in the leader's region is the started
 * target's to check, as it places its members.
 */
function validateGeoRegions(geo: string, clientRegion: string | undefined, leaderRegion: string | undefined): void {
  withFlag('--geo', () => parseRegions(geo));
  if (clientRegion !== undefined) withFlag('--client-region', () => parseRegion(clientRegion));
  if (leaderRegion !== undefined) withFlag('--leader-region', () => parseRegion(leaderRegion));
}

function withFlag<T>(flag: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new Error(`${flag}: ${(error as Error).message}`);
  }
}

function validateWorkload(workload: WorkloadOptions): void {
  requireInteger('key size (bytes)', workload.keySizeBytes, 1, LIMITS.keySizeBytesMax);
  requireInteger('value size (bytes)', workload.valueSizeBytes, 1, LIMITS.valueSizeBytesMax);
  requireInteger('key space', workload.keySpace, 1, LIMITS.keySpaceMax);
  requireInteger('CAS keys', workload.casKeys, 1, LIMITS.casKeysMax);
  requireInteger('watchers', workload.watchers, 1, LIMITS.watchersMax);
  if (!(workload.readFraction >= 0 && workload.readFraction <= 1)) throw new Error('read fraction must be in [0, 1]');
  const digits = String(Math.max(workload.keySpace, workload.casKeys) - 1).length;
  if (workload.keySizeBytes < digits) {
    throw new Error(`key size ${workload.keySizeBytes} cannot hold ${digits}-digit key numbers; raise --key-size or lower --key-space`);
  }
}

function validateLoad(load: LoadOptions, workload: WorkloadOptions): void {
  requireInteger('clients', load.clients, 1, LIMITS.clientsMax);
  requireInteger('workers', load.workers, 1, LIMITS.workersMax);
  requireInteger('request timeout (ms)', load.requestTimeoutMs, 1, LIMITS.requestTimeoutMsMax);
  if (load.workers > load.clients) throw new Error(`workers (${load.workers}) cannot outnumber clients (${load.clients})`);
  if (load.model === 'open') {
    if (!(load.ratePerSec > 0 && load.ratePerSec <= LIMITS.ratePerSecMax)) {
      throw new Error(`the open loop needs a rate in (0, ${LIMITS.ratePerSecMax}] per second`);
    }
  } else if (load.ratePerSec !== 0) {
    throw new Error('a rate only makes sense in the open loop');
  }
  // The writer and its watchers share one thread so that their clocks are the same clock.
  if (workload.name === 'watch' && load.workers !== 1) throw new Error('the watch workload runs on exactly one worker');
}

function requireInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be an integer in [${min}, ${max}], got ${value}`);
}

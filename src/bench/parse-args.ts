// Turns `raftyard bench ...` arguments into checked BenchOptions. Each flag has one handler in
// a table, so the usage text and the parser cannot drift apart: both are read from the table.

import {
  defaultBenchOptions,
  defaultWorkers,
  validateBenchOptions,
  type BenchOptions,
  type KeyOrder,
  type SendTo,
  type TargetSpec,
  type WorkloadName,
} from './bench-options.js';

export class BenchUsageError extends Error {}

interface Flag {
  name: string;
  /** How many values follow the flag (`--compare A B` takes two). */
  arity: 0 | 1 | 2;
  help: string;
  apply(state: ParseState, values: string[]): void;
}

interface ParseState {
  options: BenchOptions;
  targets: TargetSpec[];
  seen: Set<string>;
}

const WORKLOADS: readonly WorkloadName[] = ['put', 'get', 'mix', 'cas', 'watch'];
const SEND_TO: readonly SendTo[] = ['spread', 'leader', 'follower'];
const OPEN_LOOP_CLIENTS_DEFAULT = 64;

const FLAGS: Flag[] = [
  { name: 'endpoints', arity: 1, help: 'URL[,URL...]  etcd v2 client URLs to load', apply: (s, [v]) => addTarget(s, parseTargetSpec(v)) },
  { name: 'target', arity: 1, help: 'NAME[:k=v,...]  a registered target, e.g. embedded', apply: (s, [v]) => addTarget(s, parseTargetSpec(v)) },
  { name: 'compare', arity: 2, help: 'SPEC SPEC  run two targets alternately (SPEC: [LABEL=]NAME[:k=v,...] or [LABEL=]URL,URL)', apply: (s, v) => v.forEach((spec) => addTarget(s, parseTargetSpec(spec))) },
  { name: 'rounds', arity: 1, help: 'N  alternations when comparing (default 3)', apply: (s, [v]) => (s.options.rounds = parseCount('rounds', v)) },
  { name: 'nodes', arity: 1, help: 'N  members of a started target', apply: (s, [v]) => (s.options.targetSettings.nodes = parseCount('nodes', v)) },
  { name: 'transport', arity: 1, help: 'NAME  transport of a started target', apply: (s, [v]) => (s.options.targetSettings.transport = v) },
  { name: 'geo', arity: 1, help: 'REGION,...  geo-delay preset of a started target, one region per member', apply: (s, [v]) => (s.options.targetSettings.geo = v) },
  { name: 'delay', arity: 1, help: 'TIME  one-way delay on every link of a started target; member nI sits in site nI', apply: (s, [v]) => (s.options.targetSettings.delayMs = parseTimeMs('delay', v)) },
  { name: 'seed', arity: 1, help: 'N  seed for keys, values and started targets (default 1)', apply: (s, [v]) => (s.options.targetSettings.seed = parseCount('seed', v, 0)) },
  { name: 'client-region', arity: 1, help: 'REGION  where the client sits: requests wait the round trip to their member (default: at it)', apply: (s, [v]) => (s.options.targetSettings.clientRegion = v) },
  { name: 'leader-region', arity: 1, help: 'REGION  move leadership to the member in REGION before the run', apply: (s, [v]) => (s.options.targetSettings.leaderRegion = v) },
  { name: 'workload', arity: 1, help: `${WORKLOADS.join('|')}  (default put)`, apply: (s, [v]) => (s.options.workload.name = parseChoice('workload', v, WORKLOADS)) },
  { name: 'key-size', arity: 1, help: 'BYTES  key name length (default 8)', apply: (s, [v]) => (s.options.workload.keySizeBytes = parseSize('key size', v)) },
  { name: 'value-size', arity: 1, help: 'BYTES  value length, k/m suffixes allowed (default 8)', apply: (s, [v]) => (s.options.workload.valueSizeBytes = parseSize('value size', v)) },
  { name: 'key-space', arity: 1, help: 'N  distinct keys (default 10000)', apply: (s, [v]) => (s.options.workload.keySpace = parseCount('key space', v)) },
  { name: 'key-order', arity: 1, help: 'random|sequential  (default random)', apply: (s, [v]) => (s.options.workload.keyOrder = parseChoice<KeyOrder>('key order', v, ['random', 'sequential'])) },
  { name: 'quorum', arity: 0, help: 'reads go through Raft (quorum=true)', apply: (s) => (s.options.workload.quorumReads = true) },
  { name: 'read-fraction', arity: 1, help: 'F  share of reads in the mix workload (default 0.9)', apply: (s, [v]) => (s.options.workload.readFraction = parseNumber('read fraction', v)) },
  { name: 'cas-keys', arity: 1, help: 'N  keys the cas workload contends on (default 4)', apply: (s, [v]) => (s.options.workload.casKeys = parseCount('CAS keys', v)) },
  { name: 'watchers', arity: 1, help: 'K  watchers per write in the watch workload (default 8)', apply: (s, [v]) => (s.options.workload.watchers = parseCount('watchers', v)) },
  { name: 'clients', arity: 1, help: 'C  connections, one per client (default 16; open loop 64)', apply: (s, [v]) => (s.options.load.clients = parseCount('clients', v)) },
  { name: 'rate', arity: 1, help: 'R  open loop: R requests/s on schedule, latency from the scheduled time', apply: (s, [v]) => setRate(s, v) },
  { name: 'workers', arity: 1, help: 'W  load-generator threads (default: half the cores)', apply: (s, [v]) => (s.options.load.workers = parseCount('workers', v)) },
  { name: 'send-to', arity: 1, help: 'spread|leader|follower  which members the clients talk to (default spread)', apply: (s, [v]) => (s.options.load.sendTo = parseChoice<SendTo>('send-to', v, SEND_TO)) },
  { name: 'duration', arity: 1, help: 'TIME  measured time per target, e.g. 10s (default 10s)', apply: (s, [v]) => (s.options.durationMs = parseDurationMs('duration', v)) },
  { name: 'warmup', arity: 1, help: 'TIME  unmeasured start of every phase (default 1s)', apply: (s, [v]) => (s.options.warmupMs = parseDurationMs('warmup', v)) },
  { name: 'timeout', arity: 1, help: 'TIME  request timeout (default 5s)', apply: (s, [v]) => (s.options.load.requestTimeoutMs = parseDurationMs('timeout', v)) },
  { name: 'interval', arity: 1, help: 'TIME  width of a point in the latency-over-time chart (default 250ms)', apply: (s, [v]) => (s.options.intervalMs = parseDurationMs('interval', v)) },
  { name: 'out', arity: 1, help: 'FILE.json  every figure and the configuration (also writes FILE.html)', apply: (s, [v]) => (s.options.outJsonPath = v) },
  { name: 'html', arity: 1, help: 'FILE.html  the HTML report (default: beside --out)', apply: (s, [v]) => (s.options.outHtmlPath = v) },
  { name: 'cpu-prof', arity: 1, help: 'DIR  profile every member and generator thread over the measured windows into DIR; list where each spent its time', apply: (s, [v]) => (s.options.cpuProfileDir = nonEmpty('the directory', v)) },
  { name: 'no-progress', arity: 0, help: 'no live progress line', apply: (s) => (s.options.progress = false) },
];

export function benchUsage(): string {
  const lines = FLAGS.map((flag) => `  --${flag.name} ${flag.help}`);
  return ['usage: raftyard bench [options]', '', ...lines, '', 'Times take ms, s or m suffixes (a bare number is seconds).'].join('\n');
}

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const state: ParseState = { options: defaultBenchOptions([]), targets: [], seen: new Set() };
  state.options.progress = true;
  for (let i = 0; i < argv.length; ) {
    const [flagText, inlineValue] = splitFlag(argv[i]);
    const flag = FLAGS.find((f) => f.name === flagText);
    if (!flag) throw new BenchUsageError(`unknown option "${argv[i]}"`);
    if (state.seen.has(flag.name)) throw new BenchUsageError(`--${flag.name} given twice`);
    state.seen.add(flag.name);
    const values = inlineValue === undefined ? argv.slice(i + 1, i + 1 + flag.arity) : [inlineValue];
    if (values.length !== flag.arity || values.some((v) => v.startsWith('--'))) {
      throw new BenchUsageError(`--${flag.name} needs ${flag.arity} value(s)`);
    }
    applyFlag(flag, state, values);
    i += inlineValue === undefined ? 1 + flag.arity : 1;
  }
  return finish(state);
}

function splitFlag(arg: string): [string, string | undefined] {
  if (!arg.startsWith('--')) throw new BenchUsageError(`expected an option, got "${arg}"`);
  const equals = arg.indexOf('=');
  return equals < 0 ? [arg.slice(2), undefined] : [arg.slice(2, equals), arg.slice(equals + 1)];
}

function applyFlag(flag: Flag, state: ParseState, values: string[]): void {
  try {
    flag.apply(state, values);
  } catch (error) {
    if (error instanceof BenchUsageError) throw error;
    throw new BenchUsageError(`--${flag.name}: ${(error as Error).message}`);
  }
}

/** Fills the defaults that depend on other flags, then checks the whole configuration. */
function finish(state: ParseState): BenchOptions {
  const { options, seen } = state;
  if (state.targets.length === 0) throw new BenchUsageError('name a target: --endpoints, --target or --compare');
  if (state.targets.length > 1 && !seen.has('compare')) throw new BenchUsageError('give one of --endpoints and --target, or use --compare A B');
  options.targets = distinctLabels(state.targets);
  if (options.targets.length === 2 && !seen.has('rounds')) options.rounds = 3;
  if (options.workload.name === 'watch' && !seen.has('clients')) options.load.clients = 1;
  if (options.load.model === 'open' && !seen.has('clients') && options.workload.name !== 'watch') options.load.clients = OPEN_LOOP_CLIENTS_DEFAULT;
  if (!seen.has('workers')) options.load.workers = options.workload.name === 'watch' ? 1 : defaultWorkers(options.load.clients);
  if (options.outJsonPath && !options.outHtmlPath) options.outHtmlPath = options.outJsonPath.replace(/(\.json)?$/, '.html');
  try {
    return validateBenchOptions(options);
  } catch (error) {
    throw new BenchUsageError((error as Error).message);
  }
}

function addTarget(state: ParseState, spec: TargetSpec): void {
  state.targets.push(spec);
}

/** `[LABEL=]NAME[:k=v,...]` or `[LABEL=]URL[,URL...]`. */
export function parseTargetSpec(text: string): TargetSpec {
  const labelled = /^([A-Za-z][\w.-]*)=(.+)$/.exec(text);
  const label = labelled ? labelled[1] : undefined;
  const body = labelled ? labelled[2] : text;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(body)) {
    const endpoints = body.split(',').map((e) => e.trim()).filter((e) => e.length > 0);
    const first = new URL(endpoints[0]).host;
    return { kind: 'endpoints', label: label ?? (endpoints.length > 1 ? `${first}(+${endpoints.length - 1})` : first), endpoints };
  }
  const [name, settings = ''] = body.split(/:(.*)/s, 2);
  const extra: Record<string, string> = {};
  for (const pair of settings.split(',').filter((p) => p.length > 0)) {
    const equals = pair.indexOf('=');
    if (equals <= 0) throw new BenchUsageError(`target setting "${pair}" in "${text}" is not key=value`);
    extra[pair.slice(0, equals)] = pair.slice(equals + 1);
  }
  return { kind: 'named', label: label ?? body, name, extra };
}

function distinctLabels(targets: TargetSpec[]): TargetSpec[] {
  if (targets.length !== 2 || targets[0].label !== targets[1].label) return targets;
  return targets.map((t, i) => ({ ...t, label: `${t.label} (${i === 0 ? 'A' : 'B'})` }));
}

function setRate(state: ParseState, text: string): void {
  state.options.load.model = 'open';
  state.options.load.ratePerSec = parseNumber('rate', text.replace(/\/s$/, ''));
}

function parseChoice<T extends string>(name: string, text: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(text)) throw new BenchUsageError(`${name} must be one of ${choices.join(', ')}, got "${text}"`);
  return text as T;
}

function nonEmpty(what: string, text: string): string {
  if (text.trim() === '') throw new Error(`${what} must not be empty`);
  return text;
}

function parseNumber(name: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new BenchUsageError(`${name} must be a number, got "${text}"`);
  return value;
}

function parseCount(name: string, text: string, min = 1): number {
  const value = parseNumber(name, text);
  if (!Number.isInteger(value) || value < min) throw new BenchUsageError(`${name} must be an integer >= ${min}, got "${text}"`);
  return value;
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 * 1024, mb: 1024 * 1024, mib: 1024 * 1024 };

export function parseSize(name: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = match ? SIZE_UNITS[match[2].toLowerCase()] : undefined;
  if (!match || unit === undefined) throw new BenchUsageError(`${name} must look like 64, 1k or 1m, got "${text}"`);
  return Math.round(Number(match[1]) * unit);
}

const TIME_UNITS_MS: Record<string, number> = { '': 1000, ms: 1, s: 1000, m: 60_000 };

/** A time in whole milliseconds. */
export function parseDurationMs(name: string, text: string): number {
  return Math.round(parseTimeMs(name, text));
}

/** A time in milliseconds, fractions kept (link delays below a millisecond are meaningful). */
export function parseTimeMs(name: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|)$/.exec(text.trim());
  if (!match) throw new BenchUsageError(`${name} must look like 500ms, 10s or 2m, got "${text}"`);
  return Number(match[1]) * TIME_UNITS_MS[match[2]];
}

// Starts a real etcd 3.4 cluster (Debian's etcd-server, or RAFTYARD_ETCD_BINARY) on free
// 127.0.0.1 ports in a temporary data directory, with the v2 API enabled as raftyard serves it,
// and stops it (processes ended, directory removed). With peerDelayMs every member advertises a
// DelayProxy in front of its peer port, so each Raft message between members waits that long.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { reservePorts } from '../cluster/free-port.js';
import { raftTiming } from '../transport/geo-presets.js';
import { DelayProxy } from './delay-proxy.js';
import { stopChildProcess } from '../util/stop-child-process.js';

const ETCD_BINARY_DEFAULT = '/usr/bin/etcd';
const ETCD_MEMBERS_MAX = 7;
const READY_TIMEOUT_MS_DEFAULT = 20_000;
const HEALTH_POLL_MS = 100;
const HEALTH_REQUEST_TIMEOUT_MS = 1_000;
const STDERR_TAIL_BYTES = 4_096;
const LOOPBACK = '127.0.0.1';
/** etcd's own defaults: a delayed link slows its timing down, never speeds it up. */
const HEARTBEAT_MS_MIN = 100;
const ELECTION_MS_MIN = 1_000;
/**
 * A port found free may be taken before etcd binds it (by any socket's ephemeral port, even
 * another member's outgoing connection): such a start is tried again with new ports.
 */
const START_ATTEMPTS_MAX = 3;
const PORT_TAKEN = /address already in use/;

export interface EtcdClusterOptions {
  members?: number;
  /** One-way delay added to every link between members (0: members talk directly). */
  peerDelayMs?: number;
  readyTimeoutMs?: number;
  binaryPath?: string;
  clusterToken?: string;
}

export interface EtcdCluster {
  /** Client URLs, one per member, reached directly (never through a proxy). */
  endpoints: string[];
  dataDir: string;
  /** The one-way delay the proxies add between members now (0 without proxies). */
  readonly peerDelayMs: number;
  /** Sets the proxies' delay (a cluster started without a delay has none to set). */
  setPeerDelayMs(delayMs: number): void;
  stop(): Promise<void>;
}

interface EtcdTiming {
  heartbeatMs: number;
  electionMs: number;
}

interface MemberPorts {
  client: number;
  peer: number;
  /** The port the member advertises to its peers: its own, or its proxy's. */
  advertisedPeer: number;
}

/** RAFTYARD_ETCD_BINARY when set, else Debian's /usr/bin/etcd. */
export function etcdBinaryPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.RAFTYARD_ETCD_BINARY ?? ETCD_BINARY_DEFAULT;
}

function assertEtcdBinary(binaryPath: string): void {
  if (!existsSync(binaryPath)) {
    throw new Error(`etcd binary not found at ${binaryPath}: install etcd 3.4 (apt-get install etcd-server) or set RAFTYARD_ETCD_BINARY to its path`);
  }
}

export async function startEtcdCluster(options: EtcdClusterOptions = {}): Promise<EtcdCluster> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startEtcdClusterOnce(options);
    } catch (error) {
      if (attempt >= START_ATTEMPTS_MAX || !(error instanceof Error && PORT_TAKEN.test(error.message))) throw error;
    }
  }
}

/** One start on ports found free just before; everything it made is gone if it fails. */
async function startEtcdClusterOnce(options: EtcdClusterOptions): Promise<EtcdCluster> {
  const members = options.members ?? 3;
  const peerDelayMs = options.peerDelayMs ?? 0;
  const binaryPath = options.binaryPath ?? etcdBinaryPath();
  if (!(Number.isInteger(members) && members >= 1 && members <= ETCD_MEMBERS_MAX)) throw new RangeError(`etcd members must be in [1, ${ETCD_MEMBERS_MAX}], got ${members}`);
  if (!(peerDelayMs >= 0)) throw new RangeError(`peer delay must be >= 0 ms, got ${peerDelayMs}`);
  assertEtcdBinary(binaryPath);
  const timing = etcdTiming(peerDelayMs);
  const dataDir = await mkdtemp(join(tmpdir(), 'raftyard-etcd-'));
  const proxies: DelayProxy[] = [];
  const processes: EtcdProcess[] = [];
  const stop = async (): Promise<void> => {
    // A proxy accepts connections even when its member is gone, so a leader would take dead
    // peers for live ones and spend seconds handing its leadership over: cut the links first.
    await Promise.all(proxies.map((p) => p.close()));
    // One at a time: members sent SIGTERM together hang for seconds (leadership handed to a
    // member that is itself shutting down), while each alone exits in milliseconds.
    for (const member of processes) await stopChildProcess(member.child);
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const ports = await allocatePorts(members, peerDelayMs, proxies);
    // Without a delay etcd keeps its defaults, so plain runs compare with a stock cluster.
    const flags = sharedFlags(ports, peerDelayMs > 0 ? timing : undefined, options.clusterToken ?? 'raftyard-etcd');
    for (let i = 0; i < members; i++) processes.push(new EtcdProcess(binaryPath, [...memberFlags(i, ports[i], dataDir), ...flags]));
    const endpoints = ports.map((p) => `http://${LOOPBACK}:${p.client}`);
    await waitHealthy(endpoints, processes, options.readyTimeoutMs ?? (READY_TIMEOUT_MS_DEFAULT + timing.electionMs));
    const setPeerDelayMs = (delayMs: number): void => {
      if (proxies.length === 0 && delayMs !== 0) throw new Error('this etcd cluster was started without delay proxies');
      for (const proxy of proxies) proxy.setDelayMs(delayMs);
    };
    return {
      endpoints,
      dataDir,
      get peerDelayMs() {
        return proxies[0]?.delayMs ?? 0;
      },
      setPeerDelayMs,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Every member's client and peer port, found free together, and a delay proxy in front of each
 * peer port when links are delayed. The ports stay held while the proxies pick theirs, so that no
 * proxy is given a member's port; they are let go before the members bind them.
 */
async function allocatePorts(members: number, peerDelayMs: number, proxies: DelayProxy[]): Promise<MemberPorts[]> {
  const reservation = await reservePorts(2 * members, LOOPBACK);
  try {
    const ports: MemberPorts[] = [];
    for (let i = 0; i < members; i++) {
      const client = reservation.ports[2 * i]!;
      const peer = reservation.ports[2 * i + 1]!;
      let advertisedPeer = peer;
      if (peerDelayMs > 0) {
        const proxy = await DelayProxy.start({ targetHost: LOOPBACK, targetPort: peer, delayMs: peerDelayMs });
        proxies.push(proxy);
        advertisedPeer = proxy.port;
      }
      ports.push({ client, peer, advertisedPeer });
    }
    return ports;
  } finally {
    await reservation.release();
  }
}

function peerUrl(port: number): string {
  return `http://${LOOPBACK}:${port}`;
}

/**
 * The timing raftyard's presets give members a round trip of 2 × peerDelayMs apart (the same
 * rule, so that both targets are tuned alike), never below etcd's defaults.
 */
function etcdTiming(peerDelayMs: number): EtcdTiming {
  const timing = raftTiming(2 * peerDelayMs, HEARTBEAT_MS_MIN);
  return { heartbeatMs: timing.heartbeatMs, electionMs: Math.max(ELECTION_MS_MIN, timing.electionTimeoutMs) };
}

function memberFlags(index: number, ports: MemberPorts, dataDir: string): string[] {
  const name = `m${index + 1}`;
  return [
    `--name=${name}`,
    `--data-dir=${join(dataDir, name)}`,
    `--listen-peer-urls=${peerUrl(ports.peer)}`,
    `--initial-advertise-peer-urls=${peerUrl(ports.advertisedPeer)}`,
    `--listen-client-urls=http://${LOOPBACK}:${ports.client}`,
    `--advertise-client-urls=http://${LOOPBACK}:${ports.client}`,
  ];
}

/** `timing` undefined: etcd's own. */
function sharedFlags(ports: MemberPorts[], timing: EtcdTiming | undefined, clusterToken: string): string[] {
  const initialCluster = ports.map((p, i) => `m${i + 1}=${peerUrl(p.advertisedPeer)}`).join(',');
  const flags = [`--initial-cluster=${initialCluster}`, '--initial-cluster-state=new', `--initial-cluster-token=${clusterToken}`, '--enable-v2=true', '--log-level=error'];
  if (timing !== undefined) flags.push(`--heartbeat-interval=${timing.heartbeatMs}`, `--election-timeout=${timing.electionMs}`);
  return flags;
}

/** One etcd process and the tail of what it wrote on stderr, to explain a failed start. */
class EtcdProcess {
  readonly child: ChildProcess;
  private stderrTail = '';
  private spawnError: Error | undefined;

  constructor(binaryPath: string, args: string[]) {
    this.child = spawn(binaryPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child.on('error', (error) => (this.spawnError = error));
    this.child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL_BYTES);
    });
  }

  /** Why this member can no longer become healthy, or undefined while it runs. */
  failure(): string | undefined {
    if (this.spawnError) return `could not start: ${this.spawnError.message}`;
    const { exitCode, signalCode } = this.child;
    if (exitCode === null && signalCode === null) return undefined;
    return `exited (${exitCode ?? signalCode}): ${this.stderrTail.trim() || 'no output'}`;
  }
}

async function waitHealthy(endpoints: string[], processes: EtcdProcess[], timeoutMs: number): Promise<void> {
  const deadlineMs = Date.now() + timeoutMs;
  while (Date.now() < deadlineMs) {
    const failures = processes.map((p, i) => [i, p.failure()] as const).filter(([, failure]) => failure !== undefined);
    if (failures.length > 0) throw new Error(`etcd member ${failures.map(([i, f]) => `m${i + 1} ${f}`).join('; ')}`);
    const healthy = await Promise.all(endpoints.map(isHealthy));
    if (healthy.every(Boolean)) return;
    await sleep(HEALTH_POLL_MS);
  }
  throw new Error(`etcd did not become healthy within ${timeoutMs} ms`);
}

async function isHealthy(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(HEALTH_REQUEST_TIMEOUT_MS) });
    const body = (await response.json()) as { health?: string };
    return response.status === 200 && body.health === 'true';
  } catch {
    return false;
  }
}

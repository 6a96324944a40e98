// Starts a real etcd 3.4 cluster (Debian's etcd-server) on loopback for differential tests and
// benchmark comparisons, and stops it. The v2 API is enabled, as raftyard serves it.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/cluster/free-port.js';

export { freePort };

export interface RealEtcdCluster {
  /** Client URLs, one per member. */
  endpoints: string[];
  stop(): Promise<void>;
}

export const ETCD_BINARY = process.env.RAFTYARD_ETCD_BINARY ?? '/usr/bin/etcd';

export function realEtcdAvailable(): boolean {
  return existsSync(ETCD_BINARY);
}

export async function startRealEtcd(members = 3, readyTimeoutMs = 20_000): Promise<RealEtcdCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'raftyard-etcd-'));
  const peerPorts: number[] = [];
  const clientPorts: number[] = [];
  for (let i = 0; i < members; i++) {
    peerPorts.push(await freePort());
    clientPorts.push(await freePort());
  }
  const initialCluster = peerPorts.map((p, i) => `m${i + 1}=http://127.0.0.1:${p}`).join(',');
  const children: ChildProcess[] = [];
  for (let i = 0; i < members; i++) {
    const args = [
      `--name=m${i + 1}`,
      `--data-dir=${join(dir, `m${i + 1}`)}`,
      `--listen-peer-urls=http://127.0.0.1:${peerPorts[i]}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${peerPorts[i]}`,
      `--listen-client-urls=http://127.0.0.1:${clientPorts[i]}`,
      `--advertise-client-urls=http://127.0.0.1:${clientPorts[i]}`,
      `--initial-cluster=${initialCluster}`,
      '--initial-cluster-state=new',
      '--initial-cluster-token=raftyard-differential',
      '--enable-v2=true',
      '--log-level=error',
    ];
    children.push(spawn(ETCD_BINARY, args, { stdio: 'ignore' }));
  }
  const endpoints = clientPorts.map((p) => `http://127.0.0.1:${p}`);
  const stop = async (): Promise<void> => {
    await Promise.all(children.map((c) => stopChild(c)));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitHealthy(endpoints, readyTimeoutMs);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoints, stop };
}

async function waitHealthy(endpoints: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const healthy = await Promise.all(endpoints.map((e) => isHealthy(e)));
    if (healthy.every(Boolean)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`real etcd did not become healthy within ${timeoutMs} ms`);
}

async function isHealthy(endpoint: string): Promise<boolean> {
  try {
    const res = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(1000) });
    const body = (await res.json()) as { health?: string };
    return res.status === 200 && body.health === 'true';
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL after 5 s; resolves when the process has exited. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

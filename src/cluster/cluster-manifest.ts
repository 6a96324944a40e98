// The file that makes a data directory a cluster: its id, its members and their etcd-style
// member ids, written once when the cluster is created and read back on every later start.

import { readFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import hyperid from 'hyperid';
import { writeFileAtomically } from '../wal/durable-fs.js';
import { memberIds } from '../util/member-ids.js';

export interface ClusterManifest {
  clusterId: string;
  members: { id: string; memberId: string }[];
  transport: string;
  createdAt: string;
}

const MANIFEST_FILE = 'cluster.json';

/** 16 hex digits, like etcd's ids, derived from a fresh hyperid. */
function hexId(seed: string): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, 16);
}

export function newManifest(nodeCount: number, transport: string): ClusterManifest {
  const clusterSeed = hyperid()();
  return {
    clusterId: hexId(clusterSeed),
    members: memberIds(nodeCount).map((id) => ({ id, memberId: hexId(`${clusterSeed}/${id}`) })),
    transport,
    createdAt: new Date().toISOString(),
  };
}

/**
 * The manifest members of a cluster spread over processes agree on without talking: ids are
 * derived from the member names and a shared token.
 */
export function derivedManifest(memberNames: string[], token: string, transport: string): ClusterManifest {
  const names = [...memberNames].sort();
  const clusterSeed = `${token}:${names.join(',')}`;
  return {
    clusterId: hexId(clusterSeed),
    members: names.map((id) => ({ id, memberId: hexId(`${clusterSeed}/${id}`) })),
    transport,
    createdAt: new Date(0).toISOString(),
  };
}

export async function readManifest(dataDir: string): Promise<ClusterManifest | null> {
  let text: string;
  try {
    text = await readFile(join(dataDir, MANIFEST_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const manifest = JSON.parse(text) as ClusterManifest;
  if (!manifest.clusterId || !Array.isArray(manifest.members) || manifest.members.length === 0) {
    throw new Error(`${join(dataDir, MANIFEST_FILE)} is not a raftyard cluster manifest`);
  }
  return manifest;
}

export async function writeManifest(dataDir: string, manifest: ClusterManifest): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  // Durable before any member writes a WAL under it: a power cut must not leave data without its cluster.
  await writeFileAtomically(join(dataDir, MANIFEST_FILE), [Buffer.from(JSON.stringify(manifest, null, 2) + '\n')]);
}

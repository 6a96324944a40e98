// member list and cluster-health: the membership as /v2/members reports it, and a /health
// probe of every member's client URLs with etcdctl's verdict (healthy, degraded, unavailable)
// and exit code 5 when not every member is healthy.

import { setTimeout as sleep } from 'node:timers/promises';
import { EndpointError, type V2Client, type V2Member } from '../../client/index.js';
import type { CtlCommand } from './ctl-command.js';
import { CtlExit, EXIT_BAD_ARGS, EXIT_CLUSTER_NOT_HEALTHY, EXIT_SERVER_ERROR, EXIT_SUCCESS, failWith, interrupted, println, type CtlIo } from './ctl-io.js';
import type { CtlSession } from './ctl-session.js';

/** Pause between rounds of cluster-health --forever. */
const HEALTH_ROUND_PAUSE_MS = 10_000;

export const memberListCommand: CtlCommand = {
  name: 'list',
  usage: 'enumerate existing cluster members',
  argsUsage: ' ',
  flags: [],
  async run(session, flags) {
    if (flags.args.length !== 0) exitWithLine(session.io, 'No arguments accepted');
    const client = await session.syncedClient();
    const signal = session.totalSignal();
    let members: V2Member[];
    let leaderId: string;
    try {
      members = await client.cluster.members({ signal });
    } catch (error) {
      exitWithLine(session.io, (error as Error).message);
    }
    try {
      leaderId = (await client.cluster.leader({ signal })).id;
    } catch (error) {
      exitWithLine(session.io, `Failed to get leader:  ${(error as Error).message}`);
    }
    for (const m of members) {
      if (m.name === '') println(session.io, `${m.id}[unstarted]: peerURLs=${m.peerURLs.join(',')}`);
      else println(session.io, `${m.id}: name=${m.name} peerURLs=${m.peerURLs.join(',')} clientURLs=${m.clientURLs.join(',')} isLeader=${m.id === leaderId}`);
    }
  },
};

function exitWithLine(io: CtlIo, line: string): never {
  io.stderr.write(`${line}\n`);
  throw new CtlExit(EXIT_BAD_ARGS);
}

/** Membership changes are not offered: raftyard's membership is fixed when it starts. */
function unsupportedMemberCommand(name: string, usage: string, argsUsage: string): CtlCommand {
  return {
    name,
    usage,
    argsUsage,
    flags: [],
    async run(session) {
      exitWithLine(session.io, `raftyard ctl: member ${name} is not supported: raftyard's membership is fixed at start`);
    },
  };
}

export const memberSubcommands: CtlCommand[] = [
  memberListCommand,
  unsupportedMemberCommand('add', 'add a new member to the etcd cluster', '<name> <peerURL>'),
  unsupportedMemberCommand('remove', 'remove an existing member from the etcd cluster', '<memberID>'),
  unsupportedMemberCommand('update', 'update an existing member in the etcd cluster', '<memberID> <peerURLs>'),
];

export const clusterHealthCommand: CtlCommand = {
  name: 'cluster-health',
  usage: 'check the health of the etcd cluster',
  argsUsage: ' ',
  flags: [{ names: 'forever, f', kind: 'bool', usage: 'forever check the health every 10 second until CTRL+C' }],
  async run(session, flags) {
    const client = session.client();
    let members: V2Member[];
    try {
      members = await client.cluster.members();
    } catch (error) {
      println(session.io, 'cluster may be unhealthy: failed to list members');
      failWith(session.io, EXIT_SERVER_ERROR, error);
    }
    const stop = interrupted(session.io);
    for (;;) {
      const healthy = await healthRound(session.io, client, members);
      if (!flags.bool('forever')) throw new CtlExit(healthy === members.length ? EXIT_SUCCESS : EXIT_CLUSTER_NOT_HEALTHY);
      session.io.stdout.write(`\nnext check after 10 second...\n\n`);
      if ((await Promise.race([sleep(HEALTH_ROUND_PAUSE_MS), stop])) === 'interrupted') throw new CtlExit(EXIT_SUCCESS);
    }
  },
};

/** Probes every member once, prints etcdctl's lines and returns how many were healthy. */
async function healthRound(io: CtlIo, client: V2Client, members: V2Member[]): Promise<number> {
  let healthy = 0;
  for (const m of members) {
    if (m.clientURLs.length === 0) {
      println(io, `member ${m.id} is unreachable: no available published client urls`);
      continue;
    }
    let checked = false;
    for (const url of m.clientURLs) {
      let verdict: boolean;
      try {
        verdict = (await client.healthAt(url)).healthy;
      } catch (error) {
        const reason = error instanceof EndpointError ? `Get "${url}/health": ${error.message}` : (error as Error).message;
        println(io, `failed to check the health of member ${m.id} on ${url}: ${reason}`);
        continue;
      }
      checked = true;
      if (verdict) healthy++;
      println(io, `member ${m.id} is ${verdict ? 'healthy: got healthy' : 'unhealthy: got unhealthy'} result from ${url}`);
      break;
    }
    if (!checked) println(io, `member ${m.id} is unreachable: [${m.clientURLs.join(' ')}] are all unreachable`);
  }
  println(io, healthy === members.length ? 'cluster is healthy' : healthy === 0 ? 'cluster is unavailable' : 'cluster is degraded');
  return healthy;
}

// `raftyard node`: runs one member as its own process, talking to its peers over WebSockets,
// so members can live in separate processes or on separate hosts. Three such processes on
// loopback form a working cluster.

import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { Member } from '../node/member.js';
import { PAUSE_FLAG_BYTES, type MemberInfo, type NodeWorkerConfig } from '../node/control-protocol.js';
import { derivedManifest } from '../cluster/cluster-manifest.js';
import { resolveClusterOptions, sharedMemberConfig } from '../cluster/cluster-options.js';
import { SYNCED_POSITION_SLOTS } from '../wal/power-cut.js';
import { integerOption, optionalIntegerOption, pairsOption, waitForSignal, type CliIo } from './cli-io.js';

/** etcd's WAL segment size (64 MiB). */
const STANDALONE_WAL_SEGMENT_BYTES = 64 * 1024 * 1024;

const NODE_USAGE = `Usage: raftyard node --id ID --peers ID=ws://HOST:PORT,... --peer-port P [options]
  --id ID              this member's name, e.g. n2
  --peers LIST         every other member's ws:// peer URL
  --peer-port P        the port this member listens on for its peers
  --port P             client port (default 2379)
  --host H             interface to bind (default 127.0.0.1)
  --data-dir DIR       WAL and snapshots (default ./raftyard-ID)
  --client-urls LIST   every member's client URL, ID=http://..., for /v2/members (optional)
  --cluster-token T    members with the same token and names form one cluster (default raftyard)
  --heartbeat-ms N     (default 50)   --election-ms N (default 500)
  --campaign           start an election at once instead of waiting for a timeout
  --log-level L        (default info)`;

export async function nodeCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      id: { type: 'string' },
      peers: { type: 'string' },
      'peer-port': { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      'client-urls': { type: 'string' },
      'cluster-token': { type: 'string' },
      'heartbeat-ms': { type: 'string' },
      'election-ms': { type: 'string' },
      campaign: { type: 'boolean' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || !values.id || !values.peers || !values['peer-port']) {
    (values.help ? io.stdout : io.stderr).write(NODE_USAGE + '\n');
    return values.help ? 0 : 1;
  }
  const id = values.id;
  const peers = pairsOption(values.peers, 'peers');
  const host = values.host ?? '127.0.0.1';
  const peerPort = integerOption(values['peer-port'], 'peer-port', 0);
  const manifest = derivedManifest([id, ...Object.keys(peers)], values['cluster-token'] ?? 'raftyard', 'ws');
  // The embedded cluster's defaults and checks (an election timeout of at least two heartbeats).
  const resolved = resolveClusterOptions(
    {
      transport: 'ws',
      host,
      logLevel: values['log-level'] ?? 'info',
      // A long-running member preallocates etcd's segment size: fewer rotations than the
      // embedded default, which is small so that test clusters start fast.
      walSegmentBytes: STANDALONE_WAL_SEGMENT_BYTES,
      heartbeatMs: optionalIntegerOption(values['heartbeat-ms'], 'heartbeat-ms'),
      electionMs: optionalIntegerOption(values['election-ms'], 'election-ms'),
    },
    manifest.members.map((m) => m.id),
  );
  const config: NodeWorkerConfig = {
    ...sharedMemberConfig(resolved, manifest),
    id,
    dataDir: values['data-dir'] ?? join(process.cwd(), `raftyard-${id}`),
    clientPort: integerOption(values.port, 'port', 2379),
    ports: {},
    sabLinks: {},
    wsPeers: peers,
    wsPort: peerPort,
    seed: Date.now() >>> 0,
    links: {},
    pauseFlag: new SharedArrayBuffer(PAUSE_FLAG_BYTES),
    syncedPosition: new SharedArrayBuffer(8 * SYNCED_POSITION_SLOTS),
    campaignOnStart: values.campaign ?? false,
  };
  const clientUrls = pairsOption(values['client-urls'], 'client-urls');
  let member: Member | null = null;
  const failed = new Promise<string>((resolve) => {
    void Member.start(config, (event) => {
      if (event.type === 'listening') clientUrls[id] = event.clientUrl;
      if (event.type === 'fatal') resolve(event.message);
    }).then((started) => {
      member = started;
      const members: MemberInfo[] = manifest.members.map((m) => ({
        id: m.id,
        memberId: m.memberId,
        clientUrl: clientUrls[m.id] ?? '',
        peerUrl: m.id === id ? `ws://${host}:${peerPort}` : peers[m.id]!,
      }));
      started.handle({ type: 'members', members }, new Int32Array(config.pauseFlag));
      io.stdout.write(`raftyard node ${id}: clients ${clientUrls[id]}, peers ws://${host}:${peerPort}\n`);
    }, (error: Error) => resolve(error.message));
  });
  const outcome = await Promise.race([failed, waitForSignal().then(() => null)]);
  await (member as Member | null)?.stop();
  if (outcome !== null) {
    io.stderr.write(`raftyard node ${id} failed: ${outcome}\n`);
    return 1;
  }
  return 0;
}

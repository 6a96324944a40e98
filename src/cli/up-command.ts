// `raftyard up`: starts an N-node cluster in this process, serves the admin API, prints the
// endpoints (or one JSON line with --json) once a leader can take writes, and stops cleanly on
// Ctrl-C or SIGTERM. Started again on the same --data-dir, it recovers that cluster.

import { parseArgs } from 'node:util';
import pino from 'pino';
import { Cluster } from '../cluster/cluster.js';
import { startAdminServer } from '../cluster/admin-server.js';
import type { TransportKind } from '../transport/peer-transport.js';
import { parseSyncMode } from '../wal/disk-io.js';
import { integerOption, optionalIntegerOption, waitForSignal, type CliIo } from './cli-io.js';

export const UP_USAGE = `Usage: raftyard up [options]
  --nodes N            members n1..nN (default 3)
  --port P             client port of n1; node i serves P+i-1 (default 2379)
  --host H             interface to bind (default 127.0.0.1)
  --data-dir DIR       keep data here; started again on it, the cluster recovers (default: a temp dir)
  --transport T        port | sab | ws (default port)
  --heartbeat-ms N     heartbeat interval (default 50, or from --geo)
  --election-ms N      election timeout (default 500, or from --geo)
  --geo REGIONS        one region per node, e.g. us-east-1,us-west-2,eu-west-1
  --seed N             seed for link shaping and elections
  --admin-port N       admin API port (default: client port + 100; 0 picks one)
  --sync-mode M        WAL fdatasync: sync (on the member's thread), async (thread pool),
                       auto (pool while leading, own thread otherwise; the default)
  --log-level L        silent | error | warn | info | debug (default info)
  --json               print one JSON line {"ready":true,...} instead of text`;

export async function upCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      nodes: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      transport: { type: 'string' },
      'heartbeat-ms': { type: 'string' },
      'election-ms': { type: 'string' },
      geo: { type: 'string' },
      seed: { type: 'string' },
      'admin-port': { type: 'string' },
      'sync-mode': { type: 'string' },
      'log-level': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(UP_USAGE + '\n');
    return 0;
  }
  const port = integerOption(values.port, 'port', 2379);
  const logLevel = values['log-level'] ?? 'info';
  const log = pino({ level: logLevel, base: { component: 'supervisor' } }, pino.destination(2));
  const transport = values.transport as TransportKind | undefined;
  if (transport && !['port', 'sab', 'ws'].includes(transport)) throw new RangeError(`--transport must be port, sab or ws`);
  const syncMode = values['sync-mode'];
  const cluster = await Cluster.start({
    nodes: optionalIntegerOption(values.nodes, 'nodes'),
    port,
    host: values.host,
    dataDir: values['data-dir'],
    transport,
    heartbeatMs: optionalIntegerOption(values['heartbeat-ms'], 'heartbeat-ms'),
    electionMs: optionalIntegerOption(values['election-ms'], 'election-ms'),
    geo: values.geo,
    seed: optionalIntegerOption(values.seed, 'seed'),
    syncMode: syncMode === undefined ? undefined : parseSyncMode(syncMode),
    logLevel,
  });
  cluster.on('leader', (leader, term) => log.info({ leader, term }, leader ? 'leader elected' : 'no leader'));
  cluster.on('nodeFailed', (id, message) => log.error({ node: id, message }, 'node failed'));
  cluster.on('fault', (kind, detail) => log.info({ fault: kind, ...detail }, 'fault injected'));
  const o0 = cluster.options;
  log.info({ heartbeatMs: o0.heartbeatMs, electionMs: o0.electionMs, source: o0.timingSource, geo: o0.geo?.members }, 'raft timing');
  const adminPort = values['admin-port'] === undefined ? (port === 0 ? 0 : port + 100) : integerOption(values['admin-port'], 'admin-port', 0);
  const admin = await startAdminServer(cluster, values.host ?? '127.0.0.1', adminPort);
  const leader = await cluster.leader();
  const o = cluster.options;
  if (values.json) {
    io.stdout.write(JSON.stringify({ ready: true, endpoints: cluster.endpoints, admin: admin.url, leader }) + '\n');
  } else {
    io.stdout.write(
      [
        `raftyard: ${cluster.ids.length} nodes ready (transport ${o.transport}, data ${cluster.dataDir})`,
        ...cluster.ids.map((id, i) => `  ${id}  ${cluster.endpoints[i]}${id === leader ? '  (leader)' : ''}`),
        `  admin ${admin.url}`,
        `  timing: heartbeat ${o.heartbeatMs} ms, election ${o.electionMs} ms (${o.timingSource})`,
        ...(o.geo ? [`  geo: ${o.geo.members.map((m) => `${m.id}=${m.region}`).join(', ')}; max RTT ${o.geo.rttMsMax} ms`] : []),
        'Ctrl-C stops the cluster.',
      ].join('\n') + '\n',
    );
  }
  await waitForSignal();
  log.info('stopping');
  await admin.close();
  await cluster.stop();
  return 0;
}

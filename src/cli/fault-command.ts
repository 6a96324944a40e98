// `raftyard fault`: the admin API from the shell — inspect the cluster, kill, restart, pause,
// resume or stop a node, shape a link, partition and heal.

import { parseArgs } from 'node:util';
import type { CliIo } from './cli-io.js';

const FAULT_USAGE = `Usage: raftyard fault [--admin URL] <command>
  status                          nodes, roles, terms, commit indexes and links
  kill ID [--lose-unsynced]       kill a node (optionally losing its unsynced WAL bytes)
  restart ID | pause ID | resume ID | stop ID
  link FROM TO [--delay-ms N] [--jitter-ms N] [--distribution uniform|normal|pareto]
               [--loss P] [--loss-burst-length-mean N] [--duplicate P] [--reorder P]
               [--bandwidth-bps N] [--cut|--no-cut]
  clear-links                     every link back to pass-through
  partition A,B / C,D             cut every link between the groups
  heal                            restore every cut link
  transfer-leader ID
The admin URL defaults to $RAFTYARD_ADMIN or http://127.0.0.1:2479.`;

const NUMERIC_LINK_FLAGS: Record<string, string> = {
  'delay-ms': 'delayMs',
  'jitter-ms': 'jitterMs',
  loss: 'loss',
  'loss-burst-length-mean': 'lossBurstLengthMean',
  duplicate: 'duplicate',
  reorder: 'reorder',
  'bandwidth-bps': 'bandwidthBps',
};

// Every numeric link flag is a string option; linkBody turns it into its number.
const NUMERIC_LINK_OPTIONS = Object.fromEntries(Object.keys(NUMERIC_LINK_FLAGS).map((flag) => [flag, { type: 'string' as const }]));

export async function faultCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      admin: { type: 'string' },
      'lose-unsynced': { type: 'boolean' },
      ...NUMERIC_LINK_OPTIONS,
      distribution: { type: 'string' },
      cut: { type: 'boolean' },
      'no-cut': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...args] = positionals;
  if (values.help || command === undefined) {
    (values.help ? io.stdout : io.stderr).write(FAULT_USAGE + '\n');
    return values.help ? 0 : 1;
  }
  const admin = (values.admin ?? io.env.RAFTYARD_ADMIN ?? 'http://127.0.0.1:2479').replace(/\/$/, '');
  const request = requestFor(command, args, values);
  if (typeof request === 'string') {
    io.stderr.write(`${request}\n${FAULT_USAGE}\n`);
    return 1;
  }
  let response: Response;
  try {
    response = await fetch(admin + request.path, {
      method: request.method,
      headers: { 'content-type': 'application/json' },
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    io.stderr.write(`cannot reach the admin API at ${admin}: ${(error as Error).message}\n`);
    return 2;
  }
  const text = await response.text();
  (response.ok ? io.stdout : io.stderr).write(text.endsWith('\n') ? text : text + '\n');
  return response.ok ? 0 : 4;
}

type FaultValues = Record<string, string | boolean | undefined>;

function requestFor(command: string, args: string[], values: FaultValues): { method: string; path: string; body?: unknown } | string {
  const node = args[0];
  switch (command) {
    case 'status':
      return { method: 'GET', path: '/v1/cluster' };
    case 'kill':
    case 'restart':
    case 'pause':
    case 'resume':
    case 'stop':
      if (!node) return `fault ${command} needs a node id`;
      return { method: 'POST', path: `/v1/nodes/${encodeURIComponent(node)}/${command}`, body: command === 'kill' ? { loseUnsynced: values['lose-unsynced'] === true } : {} };
    case 'link':
      if (args.length !== 2) return 'fault link needs FROM and TO';
      return { method: 'PUT', path: `/v1/links/${encodeURIComponent(args[0]!)}/${encodeURIComponent(args[1]!)}`, body: linkBody(values) };
    case 'clear-links':
      return { method: 'DELETE', path: '/v1/links' };
    case 'partition': {
      const groups = args.join(' ').split('/').map((g) => g.split(/[\s,]+/).filter(Boolean)).filter((g) => g.length > 0);
      if (groups.length < 2) return 'fault partition needs groups separated by /, e.g. n1 / n2,n3';
      return { method: 'POST', path: '/v1/partition', body: { groups } };
    }
    case 'heal':
      return { method: 'POST', path: '/v1/heal' };
    case 'transfer-leader':
      if (!node) return 'fault transfer-leader needs a node id';
      return { method: 'POST', path: '/v1/transfer-leader', body: { to: node } };
    default:
      return `unknown fault command: ${command}`;
  }
}

function linkBody(values: FaultValues): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [flag, field] of Object.entries(NUMERIC_LINK_FLAGS)) {
    const text = values[flag];
    if (typeof text === 'string') body[field] = Number(text);
  }
  if (typeof values.distribution === 'string') body.distribution = values.distribution;
  if (values.cut) body.cut = true;
  if (values['no-cut']) body.cut = false;
  return body;
}

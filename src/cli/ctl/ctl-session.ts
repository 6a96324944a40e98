// The global flags of `raftyard ctl` (etcdctl's app flags) and the client they configure:
// endpoint resolution from flags and ETCDCTL_* variables, the per-request and total
// timeouts, and the endpoint sync from /v2/members that runs before a command.

import { V2Client, NoEndpointsError, isConnectionError } from '../../client/index.js';
import { CtlExit, EXIT_BAD_ARGS, EXIT_BAD_CONNECTION, EXIT_SERVER_ERROR, failWith, type CtlIo } from './ctl-io.js';
import type { FlagSpec, ParsedFlags } from './go-flags.js';

export const GLOBAL_FLAGS: FlagSpec[] = [
  { names: 'debug', kind: 'bool', usage: 'output cURL commands which can be used to reproduce the request' },
  { names: 'no-sync', kind: 'bool', usage: "don't synchronize cluster information before sending request" },
  { names: 'output, o', kind: 'string', usage: 'output response in the given format (`simple`, `extended` or `json`)', defaultValue: 'simple', defaultText: '"simple"' },
  { names: 'discovery-srv, D', kind: 'string', usage: 'domain name to query for SRV records describing cluster endpoints' },
  { names: 'insecure-discovery', kind: 'bool', usage: 'accept insecure SRV records describing cluster endpoints' },
  { names: 'peers, C', kind: 'string', usage: 'DEPRECATED - "--endpoints" should be used instead' },
  { names: 'endpoint', kind: 'string', usage: 'DEPRECATED - "--endpoints" should be used instead' },
  { names: 'endpoints', kind: 'string', usage: 'a comma-delimited list of machine addresses in the cluster (default: "http://127.0.0.1:2379,http://127.0.0.1:4001")' },
  { names: 'cert-file', kind: 'string', usage: 'identify HTTPS client using this SSL certificate file' },
  { names: 'key-file', kind: 'string', usage: 'identify HTTPS client using this SSL key file' },
  { names: 'ca-file', kind: 'string', usage: 'verify certificates of HTTPS-enabled servers using this CA bundle' },
  { names: 'username, u', kind: 'string', usage: 'provide username[:password] and prompt if password is not supplied.' },
  { names: 'timeout', kind: 'duration', usage: 'connection timeout per request', defaultValue: 2000, defaultText: '2s' },
  { names: 'total-timeout', kind: 'duration', usage: 'timeout for the command execution (except watch)', defaultValue: 5000, defaultText: '5s' },
  { names: 'help, h', kind: 'bool', usage: 'show help' },
  { names: 'version, v', kind: 'bool', usage: 'print the version' },
];

const DEFAULT_ENDPOINTS = 'http://127.0.0.1:2379,http://127.0.0.1:4001';

/** Flags (and their variables) of features raftyard does not serve: TLS, auth, DNS discovery. */
const UNSUPPORTED: Array<[flag: string, env: string]> = [
  ['discovery-srv', 'ETCDCTL_DISCOVERY_SRV'],
  ['cert-file', 'ETCDCTL_CERT_FILE'],
  ['key-file', 'ETCDCTL_KEY_FILE'],
  ['ca-file', 'ETCDCTL_CA_FILE'],
  ['username', 'ETCDCTL_USERNAME'],
];

export class CtlSession {
  readonly output: string;
  private readonly clients: V2Client[] = [];

  constructor(
    readonly io: CtlIo,
    private readonly global: ParsedFlags,
  ) {
    this.output = global.string('output');
  }

  /** Refuses flags of features raftyard lacks, before any request is made. */
  checkSupported(): void {
    for (const [flag, env] of UNSUPPORTED) {
      if (this.global.string(flag) === '' && !this.io.env[env]) continue;
      this.io.stderr.write(`raftyard ctl: --${flag} (${env}) is not supported: raftyard serves plain HTTP without auth\n`);
      throw new CtlExit(EXIT_BAD_ARGS);
    }
  }

  /** A client for the configured endpoints, without the sync (etcdctl's mustNewClientNoSync). */
  client(): V2Client {
    const endpoints = this.endpointList();
    let client: V2Client;
    try {
      client = new V2Client({ endpoints, requestTimeoutMs: Math.max(0, this.global.int('timeout')) });
    } catch (error) {
      this.io.stderr.write(`${(error as Error).message}\n`);
      throw new CtlExit(EXIT_BAD_ARGS);
    }
    this.clients.push(client);
    return client;
  }

  /** A client synced to the members' client URLs unless --no-sync (etcdctl's mustNewClient). */
  async syncedClient(): Promise<V2Client> {
    const client = this.client();
    if (this.global.bool('no-sync')) return client;
    try {
      await client.sync({ signal: this.totalSignal() });
    } catch (error) {
      if (error instanceof NoEndpointsError) {
        this.io.stderr.write('etcd cluster has no published client endpoints.\n');
        this.io.stderr.write(`Try '--no-sync' if you want to access non-published client endpoints(${client.endpoints().join(',')}).\n`);
        failWith(this.io, EXIT_SERVER_ERROR, error);
      }
      if (isConnectionError(error)) failWith(this.io, EXIT_BAD_CONNECTION, error);
      // Like etcdctl, any other sync failure leaves the configured endpoints in place.
    }
    return client;
  }

  /** The deadline of one command step (--total-timeout). */
  totalSignal(): AbortSignal {
    return AbortSignal.timeout(Math.max(1, this.global.int('total-timeout')));
  }

  close(): void {
    for (const client of this.clients) client.close();
  }

  private endpointList(): string[] {
    const env = this.io.env;
    const choices = [
      this.global.string('endpoints'),
      env.ETCDCTL_ENDPOINTS,
      this.global.string('endpoint'),
      env.ETCDCTL_ENDPOINT,
      this.global.string('peers'),
      env.ETCDCTL_PEERS,
    ];
    const chosen = choices.find((c) => c !== undefined && c !== '') ?? DEFAULT_ENDPOINTS;
    return chosen.split(',');
  }
}

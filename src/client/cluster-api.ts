// The non-key endpoints of a v2 server: members, leader, machines, stats, version and health.
// Their errors come as {"message"} bodies and surface as UnexpectedStatusError.

import type { EndpointPool, TextAnswer } from './endpoint-pool.js';
import type { HttpExchange } from './http-transport.js';
import { parseJson, type CallOptions } from './keys-api.js';
import { InvalidJsonError, UnexpectedStatusError } from './v2-error.js';
import type { V2Health, V2Member, V2Version } from './v2-types.js';

/** The three stats endpoints; their counters are passed through as the server sent them. */
export type StatsKind = 'self' | 'leader' | 'store';

export class ClusterApi {
  constructor(private readonly pool: EndpointPool) {}

  async members(options: CallOptions = {}): Promise<V2Member[]> {
    const decoded = (await this.getJson('/v2/members', [200], options)) as { members?: unknown };
    if (decoded.members === null || decoded.members === undefined) return [];
    if (!Array.isArray(decoded.members)) throw new InvalidJsonError();
    return decoded.members.map(toMember);
  }

  async leader(options: CallOptions = {}): Promise<V2Member> {
    return toMember(await this.getJson('/v2/members/leader', [200], options));
  }

  /** The client URLs the answering member knows, as /v2/machines lists them. */
  async machines(options: CallOptions = {}): Promise<string[]> {
    const answer = await this.expect({ method: 'GET', path: '/v2/machines' }, [200], options);
    return answer.body.split(',').map((u) => u.trim()).filter((u) => u !== '');
  }

  async stats(kind: StatsKind, options: CallOptions = {}): Promise<Record<string, unknown>> {
    return (await this.getJson(`/v2/stats/${kind}`, [200], options)) as Record<string, unknown>;
  }

  async version(options: CallOptions = {}): Promise<V2Version> {
    const decoded = (await this.getJson('/version', [200], options)) as Partial<V2Version>;
    return { etcdserver: String(decoded.etcdserver ?? ''), etcdcluster: String(decoded.etcdcluster ?? '') };
  }

  /** The /health answer of whichever endpoint answers (503 means unhealthy, not an error). */
  async health(options: CallOptions = {}): Promise<V2Health> {
    const answer = await this.expect({ method: 'GET', path: '/health' }, [200, 503], options);
    return { healthy: healthValue(parseJson(answer.body)), status: answer.status };
  }

  private async getJson(path: string, statuses: number[], options: CallOptions): Promise<unknown> {
    const decoded = parseJson((await this.expect({ method: 'GET', path }, statuses, options)).body);
    if (typeof decoded !== 'object' || decoded === null) throw new InvalidJsonError();
    return decoded;
  }

  private async expect(exchange: HttpExchange, statuses: number[], options: CallOptions): Promise<TextAnswer> {
    const answer = await this.pool.request(exchange, options);
    if (!statuses.includes(answer.status)) throw new UnexpectedStatusError(answer.status, serverMessage(answer.body));
    return answer;
  }
}

/** Reads {"health":"true"} and the older boolean form {"health":true}. */
export function healthValue(decoded: unknown): boolean {
  if (typeof decoded !== 'object' || decoded === null) throw new InvalidJsonError();
  const health = (decoded as { health?: unknown }).health;
  return health === 'true' || health === true;
}

function toMember(raw: unknown): V2Member {
  if (typeof raw !== 'object' || raw === null) throw new InvalidJsonError();
  const fields = raw as Record<string, unknown>;
  return {
    id: String(fields.id ?? ''),
    name: String(fields.name ?? ''),
    peerURLs: stringList(fields.peerURLs),
    clientURLs: stringList(fields.clientURLs),
  };
}

function stringList(raw: unknown): string[] {
  return Array.isArray(raw) ? raw.map(String) : [];
}

function serverMessage(body: string): string {
  try {
    const decoded = JSON.parse(body) as { message?: unknown };
    return typeof decoded.message === 'string' ? decoded.message : '';
  } catch {
    return '';
  }
}

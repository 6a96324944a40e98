// The differential harness: the same request sequence goes to real etcd 3.4 and to a
// raftyard API, and each pair of answers is compared after normalizing what legitimately
// differs: absolute indexes (mapped to offsets from a baseline index taken on each side),
// expirations, TTLs (±1 s), ids, and for cluster endpoints the member count.

import assert from 'node:assert/strict';
import { probe, probeOpen, type OpenAnswer, type ProbeAnswer, type ProbeRequest } from './http-probe.js';

/** One system under comparison. */
export interface DiffTarget {
  readonly name: string;
  /** Client URL of the member the requests go to. */
  readonly endpoint: string;
  stop(): Promise<void>;
}

export type TargetFactory = () => Promise<DiffTarget>;

/**
 * How much of an answer must match: all of it, the body's shape (cluster endpoints, whose
 * member counts differ), status and headers only, or the status only.
 */
export type CompareMode = 'exact' | 'shape' | 'headers' | 'status';

export interface Step extends ProbeRequest {
  readonly compare?: CompareMode;
  /** Send to the cluster's leader instead of the usual member. */
  readonly atLeader?: boolean;
}

export interface Normalized {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

const COMPARED_HEADERS = [
  'content-type',
  'allow',
  'location',
  'x-content-type-options',
  'access-control-allow-origin',
  'access-control-allow-methods',
  'access-control-allow-headers',
];
const PRESENT_HEADERS = ['x-raft-index', 'x-raft-term', 'x-etcd-cluster-id'];
const INDEX_FIELDS: ReadonlySet<string> = new Set(['modifiedIndex', 'createdIndex', 'index']);
/** An in-order key: its name is the index that created it. */
const IN_ORDER_NAME = /\/(\d{20})(?=\/|$)/g;
const TEMPLATE = /\{i\+(\d+)\}/g;

/** One side: a target and the index its relative indexes count from. */
export class Side {
  private baseIndex = 0;

  constructor(readonly target: DiffTarget) {}

  get base(): number {
    return this.baseIndex;
  }

  /** Writes a marker key and takes the index after it as the baseline (offset 0). */
  async rebase(): Promise<void> {
    const answer = await probe(this.target.endpoint, { method: 'PUT', target: '/v2/keys/diff-baseline', form: { value: 'b' } });
    assert.ok(answer.status < 300, `${this.target.name}: baseline write failed: ${answer.body}`);
    this.baseIndex = Number(answer.headers['x-etcd-index']);
  }

  /** Replaces `{i+N}` with the absolute index baseline + N. */
  resolve(text: string): string {
    return text.replace(TEMPLATE, (_, offset: string) => String(this.baseIndex + Number(offset)));
  }

  resolveStep(step: Step): Step {
    const form = step.form === undefined ? undefined : Object.fromEntries(Object.entries(step.form).map(([k, v]) => [k, this.resolve(v)]));
    return { ...step, target: this.resolve(step.target), form };
  }

  async endpointFor(step: Step): Promise<string> {
    if (step.atLeader !== true) return this.target.endpoint;
    const leader = await probe(this.target.endpoint, { method: 'GET', target: '/v2/members/leader' });
    return (JSON.parse(leader.body) as { clientURLs: string[] }).clientURLs[0] as string;
  }

  async send(step: Step): Promise<Normalized> {
    const answer = await probe(await this.endpointFor(step), this.resolveStep(step));
    return this.normalize(answer, step.compare ?? 'exact');
  }

  async open(step: Step): Promise<OpenAnswer> {
    return probeOpen(await this.endpointFor(step), this.resolveStep(step));
  }

  normalize(answer: Pick<ProbeAnswer, 'status' | 'headers' | 'body'>, mode: CompareMode): Normalized {
    const headers: Record<string, string> = {};
    for (const name of COMPARED_HEADERS) {
      const value = answer.headers[name];
      if (value !== undefined) headers[name] = String(value);
    }
    for (const name of PRESENT_HEADERS) if (answer.headers[name] !== undefined) headers[name] = '<present>';
    const etcdIndex = answer.headers['x-etcd-index'];
    if (etcdIndex !== undefined) headers['x-etcd-index'] = this.relative(Number(etcdIndex));
    if (mode === 'status') return { status: answer.status, headers: {}, body: null };
    if (mode === 'headers') return { status: answer.status, headers, body: null };
    return { status: answer.status, headers, body: this.normalizeBody(answer.body, mode) };
  }

  /** The body of one JSON line (events of a stream) or a whole answer. */
  normalizeBody(body: string, mode: CompareMode): unknown {
    let decoded: unknown;
    try {
      decoded = JSON.parse(body);
    } catch {
      return body;
    }
    const trailingNewline = body.endsWith('\n');
    const value = mode === 'shape' ? shapeOf(decoded) : this.normalizeValue(decoded, '');
    return { json: value, trailingNewline };
  }

  private relative(index: number): string {
    if (index === 0) return '0';
    return index < this.baseIndex ? '<before baseline>' : `#${index - this.baseIndex}`;
  }

  private normalizeValue(value: unknown, field: string): unknown {
    if (Array.isArray(value)) return value.map((item) => this.normalizeValue(item, ''));
    if (typeof value === 'number' && INDEX_FIELDS.has(field)) return this.relative(value);
    if (typeof value === 'string') return this.normalizeString(value, field);
    if (typeof value !== 'object' || value === null) return value;
    const record = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(record)) {
      if (key === 'expiration') out[key] = Number.isNaN(Date.parse(String(item))) ? 'bad date' : '<expiration>';
      else if (key === 'cause' && (record.errorCode === 101 || record.errorCode === 401)) out[key] = this.normalizeCause(String(item));
      else out[key] = this.normalizeValue(item, key);
    }
    return out;
  }

  private normalizeString(text: string, field: string): string {
    if (field === 'id' || field === 'leader') return '<id>';
    return text.replace(IN_ORDER_NAME, (_, digits: string) => `/${this.relative(Number(digits))}`);
  }

  /** Compare failures and cleared history quote indexes in their cause. */
  private normalizeCause(cause: string): string {
    return cause.replace(/(?<=[[ /])\d+(?=[\] /])/g, (digits) => (Number(digits) === 0 ? '0' : this.relative(Number(digits))));
  }
}

/** A body reduced to its structure: leaves become their type, arrays their distinct shapes. */
export function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) {
    const shapes = new Map<string, unknown>();
    for (const item of value) shapes.set(JSON.stringify(shapeOf(item)), shapeOf(item));
    return [...shapes.values()];
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, shapeOf(item)]));
  }
  return value === null ? 'null' : typeof value;
}

/** Lets TTLs differ by one second: where both answers show a ttl within 1, the actual takes the expected one. */
export function alignTtls(expected: unknown, actual: unknown): unknown {
  if (Array.isArray(expected) && Array.isArray(actual)) return actual.map((item, i) => alignTtls(expected[i], item));
  if (typeof expected !== 'object' || expected === null || typeof actual !== 'object' || actual === null) return actual;
  const want = expected as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(actual)) {
    const close = key === 'ttl' && typeof item === 'number' && typeof want[key] === 'number' && Math.abs(item - (want[key] as number)) <= 1;
    out[key] = close ? want[key] : alignTtls(want[key], item);
  }
  return out;
}

/** Asserts that raftyard's answer (actual) matches etcd's (expected). */
export function assertSameAnswer(expected: Normalized, actual: Normalized, what: string): void {
  const aligned = { ...actual, body: alignTtls(expected.body, actual.body) };
  assert.deepStrictEqual(aligned, expected, `${what}: raftyard's answer differs from etcd's`);
}

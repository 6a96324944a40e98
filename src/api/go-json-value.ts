// Plain values (strings, numbers, booleans, null, arrays, records) as Go's encoding/json writes
// them: Go's string escaping, fields in the order given, bigints as the exact integers Go's
// uint64 fields print. Used for the cluster endpoints, whose bodies etcd marshals from structs.

import { goQuote } from '../store/go-json.js';

/** Nesting deeper than this is a bug in the caller (the bodies here are two or three deep). */
const DEPTH_MAX = 16;

export function goJsonValue(value: unknown, depth = 0): string {
  if (depth > DEPTH_MAX) throw new Error(`JSON value nested deeper than ${DEPTH_MAX}`);
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`JSON cannot encode ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => goJsonValue(item, depth + 1)).join(',')}]`;
  if (typeof value === 'object') {
    const fields = Object.entries(value as Record<string, unknown>).map(([key, item]) => `${goQuote(key)}:${goJsonValue(item, depth + 1)}`);
    return `{${fields.join(',')}}`;
  }
  throw new Error(`JSON cannot encode a ${typeof value}`);
}

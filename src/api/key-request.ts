// Reading a /v2/keys request into its fields exactly as etcd's parseKeyRequest does: the same
// parameters, checked in the same order, each refusal with etcd's error code and cause.
// Nothing here touches the store; the result is turned into a store read, a watch or a
// Raft proposal by the keys handler.

import { ErrorCode, newV2Error, type V2Error } from '../store/index.js';
import { parseGoBool, parseGoUint64, type FormValues } from './go-form.js';

export type KeyMethod = 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE';

export interface KeyRequest {
  readonly method: KeyMethod;
  /** The key as it follows /v2/keys in the decoded URL path (the store cleans it). */
  readonly key: string;
  readonly value: string;
  readonly dir: boolean;
  readonly prevValue: string;
  readonly prevIndex: bigint;
  readonly prevExist: boolean | null;
  readonly wait: boolean;
  readonly waitIndex: bigint;
  readonly recursive: boolean;
  readonly sorted: boolean;
  readonly quorum: boolean;
  readonly stream: boolean;
  readonly refresh: boolean;
  /** Seconds to live; null: no TTL (absent, or given empty, which clears a TTL). */
  readonly ttlSeconds: bigint | null;
  readonly noValueOnSuccess: boolean;
}

const BOOL_FIELDS = ['recursive', 'sorted', 'wait', 'dir', 'quorum', 'stream'] as const;

/** `formError` is the form parser's error text, which etcd reports as error 210. */
export function parseKeyRequest(method: KeyMethod, key: string, form: FormValues, formError: string | null): KeyRequest | V2Error {
  if (formError !== null) return requestError(ErrorCode.InvalidForm, formError);
  const prevIndex = uintField(form, 'prevIndex');
  if (prevIndex === null) return requestError(ErrorCode.IndexNotANumber, 'invalid value for "prevIndex"');
  const waitIndex = uintField(form, 'waitIndex');
  if (waitIndex === null) return requestError(ErrorCode.IndexNotANumber, 'invalid value for "waitIndex"');
  const flags = { recursive: false, sorted: false, wait: false, dir: false, quorum: false, stream: false };
  for (const name of BOOL_FIELDS) {
    const flag = boolField(form, name);
    if (flag === null) return requestError(ErrorCode.InvalidField, `invalid value for "${name}"`);
    flags[name] = flag;
  }
  if (flags.wait && method !== 'GET') {
    return requestError(ErrorCode.InvalidField, '"wait" can only be used with GET requests');
  }
  const prevValue = firstValue(form, 'prevValue');
  if (prevValue === '') return requestError(ErrorCode.PrevValueRequired, '"prevValue" cannot be empty');
  const noValueOnSuccess = boolField(form, 'noValueOnSuccess');
  if (noValueOnSuccess === null) return requestError(ErrorCode.InvalidField, 'invalid value for "noValueOnSuccess"');
  const ttlText = firstValue(form, 'ttl') ?? '';
  const ttlSeconds = ttlText === '' ? null : parseGoUint64(ttlText);
  if (ttlText !== '' && ttlSeconds === null) return requestError(ErrorCode.TtlNotANumber, 'invalid value for "ttl"');
  const prevExist = optionalBool(form, 'prevExist');
  if (prevExist === 'bad') return requestError(ErrorCode.InvalidField, 'invalid value for prevExist');
  const refresh = optionalBool(form, 'refresh');
  if (refresh === 'bad') return requestError(ErrorCode.InvalidField, 'invalid value for refresh');
  const value = firstValue(form, 'value') ?? '';
  if (refresh === true && value !== '') return requestError(ErrorCode.RefreshValue, 'A value was provided on a refresh');
  if (refresh === true && ttlSeconds === null) return requestError(ErrorCode.RefreshTtlRequired, 'No TTL value set');
  return {
    method,
    key,
    value,
    dir: flags.dir,
    prevValue: prevValue ?? '',
    prevIndex,
    prevExist,
    wait: flags.wait,
    waitIndex,
    recursive: flags.recursive,
    sorted: flags.sorted,
    quorum: flags.quorum,
    stream: flags.stream,
    refresh: refresh === true,
    ttlSeconds,
    noValueOnSuccess,
  };
}

function requestError(code: number, cause: string): V2Error {
  return newV2Error(code, cause, 0);
}

/** Go's r.FormValue: the first value, or undefined when the key is absent. */
function firstValue(form: FormValues, name: string): string | undefined {
  return form.get(name)?.[0];
}

/** etcd's getUint64: 0 when absent, null when malformed. */
function uintField(form: FormValues, name: string): bigint | null {
  const text = firstValue(form, name);
  return text === undefined ? 0n : parseGoUint64(text);
}

/** etcd's getBool: false when absent, null when malformed. */
function boolField(form: FormValues, name: string): boolean | null {
  const text = firstValue(form, name);
  return text === undefined ? false : parseGoBool(text);
}

/** A nullable flag (prevExist, refresh): null when absent. */
function optionalBool(form: FormValues, name: string): boolean | null | 'bad' {
  const text = firstValue(form, name);
  if (text === undefined) return null;
  return parseGoBool(text) ?? 'bad';
}

/**
 * An index given as a uint64, as a number: one past 2^53 becomes 2^53 - 1, which no store
 * reaches either, so it compares (and waits) the same; only a cause text quoting it loses digits.
 */
export function safeIndexOf(index: bigint): number {
  return index > MAX_SAFE_INDEX ? Number.MAX_SAFE_INTEGER : Number(index);
}

const MAX_SAFE_INDEX = BigInt(Number.MAX_SAFE_INTEGER);

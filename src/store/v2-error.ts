// The errors of the etcd v2 API (etcd's v2error package): codes, their fixed messages, the
// HTTP status each one maps to, and the plain V2Error value the store returns instead of
// throwing, so a failed write is an ordinary, replicated outcome.

export const ErrorCode = {
  KeyNotFound: 100,
  TestFailed: 101,
  NotFile: 102,
  NotDir: 104,
  NodeExist: 105,
  RootReadOnly: 107,
  DirNotEmpty: 108,
  Unauthorized: 110,
  ValueRequired: 200,
  PrevValueRequired: 201,
  TtlNotANumber: 202,
  IndexNotANumber: 203,
  InvalidField: 209,
  InvalidForm: 210,
  RefreshValue: 211,
  RefreshTtlRequired: 212,
  RaftInternal: 300,
  LeaderElect: 301,
  WatcherCleared: 400,
  EventIndexCleared: 401,
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

// The messages are etcd's own words, including the codes the v2 API never sends any more,
// so that an error rendered here reads exactly as etcd's.
const messages: ReadonlyMap<number, string> = new Map([
  [100, 'Key not found'],
  [101, 'Compare failed'],
  [102, 'Not a file'],
  [103, 'Reached the max number of peers in the cluster'],
  [104, 'Not a directory'],
  [105, 'Key already exists'],
  [106, 'The prefix of given key is a keyword in etcd'],
  [107, 'Root is read only'],
  [108, 'Directory not empty'],
  [109, 'Peer address has existed'],
  [110, 'The request requires user authentication'],
  [200, 'Value is Required in POST form'],
  [201, 'PrevValue is Required in POST form'],
  [202, 'The given TTL in POST form is not a number'],
  [203, 'The given index in POST form is not a number'],
  [204, 'Value or TTL is required in POST form'],
  [205, 'The given timeout in POST form is not a number'],
  [206, 'Name is required in POST form'],
  [207, 'Index or value is required'],
  [208, 'Index and value cannot both be specified'],
  [209, 'Invalid field'],
  [210, 'Invalid POST form'],
  [211, 'Value provided on refresh'],
  [212, 'A TTL must be provided on refresh'],
  [300, 'Raft Internal Error'],
  [301, 'During Leader Election'],
  [400, 'watcher is cleared due to etcd recovery'],
  [401, 'The event in requested index is outdated and cleared'],
  [402, 'Standby Internal Error'],
  [403, 'Invalid active size'],
  [404, 'Standby remove delay'],
  [500, 'Client Internal Error'],
]);

const statuses: ReadonlyMap<number, number> = new Map([
  [100, 404],
  [101, 412],
  [102, 403],
  [105, 412],
  [108, 403],
  [110, 401],
  [300, 500],
  [301, 500],
]);

/** A failed operation, as etcd reports it: `{"errorCode","message","cause","index"}`. */
export interface V2Error {
  readonly kind: 'error';
  readonly errorCode: number;
  readonly message: string;
  /** Usually the key concerned; an empty cause is left out of the JSON body. */
  readonly cause: string;
  /** The store index when the error happened (X-Etcd-Index of the answer). */
  readonly index: number;
}

export function newV2Error(errorCode: number, cause: string, index: number): V2Error {
  const message = messages.get(errorCode);
  if (message === undefined) throw new Error(`unknown v2 error code ${errorCode}`);
  if (!Number.isSafeInteger(index) || index < 0) throw new Error(`bad v2 error index ${index}`);
  return { kind: 'error', errorCode, message, cause, index };
}

/** The same error at another index (etcd overwrites Index when it passes an error up). */
export function withIndex(error: V2Error, index: number): V2Error {
  return newV2Error(error.errorCode, error.cause, index);
}

/** The HTTP status etcd answers an error with: listed codes, else 400. */
export function errorHttpStatus(error: V2Error): number {
  return statuses.get(error.errorCode) ?? 400;
}

export function isV2Error(value: unknown): value is V2Error {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'error';
}

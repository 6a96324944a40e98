// The public surface of the v2 client: the client itself, its option and answer types, and
// its error classes.

export { V2Client, type V2ClientConfig, REQUEST_TIMEOUT_MS_DEFAULT } from './v2-client.js';
export type { GetOptions, SetOptions, CreateInOrderOptions, DeleteOptions, CallOptions } from './keys-api.js';
export { KeyWatcher, type WatchOptions } from './key-watcher.js';
export type { StatsKind } from './cluster-api.js';
export type { V2Node, V2Response, V2Action, V2Member, V2Version, V2Health } from './v2-types.js';
export {
  V2Error,
  ClusterError,
  EndpointError,
  UnexpectedStatusError,
  NoEndpointsError,
  InvalidJsonError,
  EmptyBodyError,
  isConnectionError,
} from './v2-error.js';

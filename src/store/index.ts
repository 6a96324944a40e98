// The public face of the v2 store: what the server and HTTP layers import. The store applies
// committed requests and answers reads and watches; render turns results into etcd's bytes.

export { applyRequest, type ApplyResult } from './apply-request.js';
export { eventIndex, isCreatedEvent, type EventAction, type NodeView, type V2Event } from './event.js';
export { goQuote, goTimeJson, goTimeText } from './go-json.js';
export { errorHttpStatus, eventHttpStatus, renderErrorBody, renderEventBody, ttlSeconds, type RenderOptions } from './render.js';
export { decodeV2Request, encodeV2Request, V2_REQUEST_BYTES_MAX } from './request-codec.js';
export { STAT_COUNTERS, type StatCounter } from './store-stats.js';
export { ErrorCode, isV2Error, newV2Error, type V2Error } from './v2-error.js';
export { newV2Request, V2_METHODS, type V2Method, type V2Request } from './v2-request.js';
export { KEY_DEPTH_MAX, NO_TTL, V2Store, type StoreOptions, type StoreResult, type TtlOptions } from './v2-store.js';
export { Watcher, WATCHER_QUEUE_MAX } from './watcher.js';
export { HISTORY_CAPACITY_DEFAULT } from './event-history.js';
export { WATCHERS_MAX_DEFAULT } from './watcher-hub.js';

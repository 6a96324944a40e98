// The public face of the v2 HTTP API: start a member's server over an ApiBackend.

export type { ApiBackend, BackendTimeout, MemberView } from './api-backend.js';
export { REQUEST_BYTES_MAX_DEFAULT, REQUEST_TIMEOUT_MS_DEFAULT, startApiServer, type ApiServer, type ApiServerOptions } from './api-server.js';

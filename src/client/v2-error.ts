// The errors the v2 client raises: V2Error for an error answer of /v2/keys, EndpointError for
// one endpoint that could not be used, ClusterError when no endpoint could, and
// UnexpectedStatusError for the other endpoints. Their messages match etcd's Go client word
// for word, because `raftyard ctl` prints them as etcdctl does.

/** An error answer of /v2/keys: `{"errorCode","message","cause","index"}`. */
export class V2Error extends Error {
  constructor(
    readonly errorCode: number,
    readonly errorMessage: string,
    override readonly cause: string,
    readonly index: number,
    readonly status: number,
  ) {
    super(`${errorCode}: ${errorMessage} (${cause}) [${index}]`);
    this.name = 'V2Error';
  }

  /** Builds the error from a decoded error body; missing fields read as Go's zero values. */
  static fromBody(body: unknown, status: number): V2Error {
    if (typeof body !== 'object' || body === null) throw new InvalidJsonError();
    const fields = body as Record<string, unknown>;
    return new V2Error(
      typeof fields.errorCode === 'number' ? fields.errorCode : 0,
      typeof fields.message === 'string' ? fields.message : '',
      typeof fields.cause === 'string' ? fields.cause : '',
      typeof fields.index === 'number' ? fields.index : 0,
      status,
    );
  }
}

/** The answer was not the JSON a v2 server sends. */
export class InvalidJsonError extends Error {
  constructor() {
    super('client: response is invalid json. The endpoint is probably not valid etcd cluster endpoint');
    this.name = 'InvalidJsonError';
  }
}

/** A 200/201 keys answer without a body (the client retries these on watches). */
export class EmptyBodyError extends Error {
  constructor() {
    super('client: response body is empty');
    this.name = 'EmptyBodyError';
  }
}

export type EndpointFailure =
  | 'connect' // the TCP connection could not be made
  | 'read' // the connection broke while talking
  | 'headerTimeout' // no answer headers within the per-request timeout
  | 'deadline' // the caller's total deadline passed
  | 'serverError' // the member answered 5xx
  | 'other';

/** One endpoint could not serve the request; `message` is the Go client's wording. */
export class EndpointError extends Error {
  constructor(
    readonly endpoint: string,
    readonly failure: EndpointFailure,
    message: string,
  ) {
    super(message);
    this.name = 'EndpointError';
  }

  /** etcdctl treats refused, broken and timed-out connections as "cluster unreachable". */
  get isConnectionError(): boolean {
    return this.failure === 'connect' || this.failure === 'read' || this.failure === 'deadline';
  }
}

/** Every endpoint failed; `errors` holds one entry per attempt, in order. */
export class ClusterError extends Error {
  constructor(readonly errors: Error[]) {
    super(ClusterError.describe(errors));
    this.name = 'ClusterError';
  }

  /** The per-endpoint lines etcdctl prints after the error itself. */
  detail(): string {
    return this.errors.map((e, i) => `error #${i}: ${e.message}\n`).join('');
  }

  get isConnectionError(): boolean {
    return this.errors.every((e) => e instanceof EndpointError && e.isConnectionError);
  }

  private static describe(errors: Error[]): string {
    const lines = errors.map((e, i) => `; error #${i}: ${e.message}\n`).join('');
    return `client: etcd cluster is unavailable or misconfigured${lines}`;
  }
}

/** A non-keys endpoint answered with a status the call does not accept. */
export class UnexpectedStatusError extends Error {
  constructor(
    readonly status: number,
    readonly serverMessage: string,
  ) {
    super(`unexpected status code ${status}`);
    this.name = 'UnexpectedStatusError';
  }
}

/** The client was given no endpoints, or a sync found none. */
export class NoEndpointsError extends Error {
  constructor() {
    super('client: no endpoints available');
    this.name = 'NoEndpointsError';
  }
}

/** True when the error means the cluster could not be reached at all. */
export function isConnectionError(error: unknown): boolean {
  return (error instanceof ClusterError || error instanceof EndpointError) && error.isConnectionError;
}

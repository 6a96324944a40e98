// Names for the ways a request can fail, so the report can count errors by kind: the HTTP
// status with etcd's errorCode when the body carries one, a timeout, or a connection failure.

export const TIMEOUT_ERROR_KIND = 'timeout';
const MESSAGE_CHARS_MAX = 60;

/** How a non-2xx answer failed; `etcdErrorCode` is there when the body is an etcd error. */
export interface AnswerError {
  /** `HTTP 412 etcd 101 Compare failed`, or `HTTP 503` when the body is not an etcd error. */
  errorKind: string;
  etcdErrorCode?: number;
}

/** Reads the body once: the kind for the report, and the code a workload may act on. */
export function answerError(status: number, body: string): AnswerError {
  const etcdError = parseEtcdError(body);
  if (!etcdError) return { errorKind: `HTTP ${status}` };
  const errorKind = `HTTP ${status} etcd ${etcdError.errorCode} ${etcdError.message.slice(0, MESSAGE_CHARS_MAX)}`.trimEnd();
  return { errorKind, etcdErrorCode: etcdError.errorCode };
}

/** `connection ECONNREFUSED` for socket errors; the code keeps the set of kinds small. */
export function socketErrorKind(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? `connection ${code}` : 'connection error';
}

function parseEtcdError(body: string): { errorCode: number; message: string } | undefined {
  if (!body.startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(body) as { errorCode?: unknown; message?: unknown };
    if (typeof parsed.errorCode !== 'number') return undefined;
    return { errorCode: parsed.errorCode, message: typeof parsed.message === 'string' ? parsed.message : '' };
  } catch {
    return undefined;
  }
}

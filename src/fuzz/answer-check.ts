// Judges one answer to a fuzzed request: it must be a well-formed HTTP answer that etcd could
// give — a v2 event or an etcd-style error JSON on the keys API, `{"message"}` JSON elsewhere,
// Go's plain 400/404 texts, 301 redirects with a Location, 405 with Allow — and never the
// server's last-resort "Internal Server Error" (an unexpected exception in a handler).

export interface FuzzAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Go's plain-text answers that etcd's HTTP server (and ours) gives for unroutable requests. */
const GO_TEXT_BODIES = new Set(['404 page not found\n', '400 Bad Request\n', '400 Bad Request', '']);

/** Why the answer is wrong, or null when it is acceptable. */
export function answerProblem(method: string, answer: FuzzAnswer): string | null {
  const { status, headers } = answer;
  if (!(Number.isInteger(status) && status >= 200 && status <= 599)) return `status ${status}`;
  if (status === 301) return typeof headers.location === 'string' ? null : '301 without a Location';
  // etcd answers PUT and DELETE on /v2/members without a member id with Go's plain 405 and no Allow.
  if (status === 405) return headers.allow !== undefined || answer.body.toString() === 'Method Not Allowed\n' ? null : '405 without an Allow header';
  if (status >= 500 && status !== 500 && status !== 503) return `unexpected status ${status}`;
  if (method === 'HEAD') return answer.body.length === 0 ? null : 'HEAD answer with a body';
  const contentType = String(headers['content-type'] ?? '');
  if (!contentType.startsWith('application/json')) {
    if (status >= 400 && !GO_TEXT_BODIES.has(answer.body.toString('utf8'))) return `${status} text answer ${preview(answer.body)}`;
    return null;
  }
  let json: unknown;
  try {
    json = JSON.parse(answer.body.toString('utf8'));
  } catch {
    return `body is not JSON: ${preview(answer.body)}`;
  }
  return jsonProblem(status, json);
}

function jsonProblem(status: number, json: unknown): string | null {
  if (typeof json !== 'object' || json === null) return `JSON answer is not an object: ${JSON.stringify(json)}`;
  const body = json as Record<string, unknown>;
  if ('errorCode' in body) {
    if (typeof body.errorCode !== 'number' || typeof body.message !== 'string' || typeof body.index !== 'number') {
      return `malformed etcd error ${JSON.stringify(body)}`;
    }
    if (status === 500 && body.errorCode !== 300 && body.errorCode !== 301) return `500 with error ${body.errorCode}`;
    return status >= 400 ? null : `error JSON with status ${status}`;
  }
  if ('action' in body) {
    // With noValueOnSuccess=true a write answers its action alone.
    const nodeOk = body.node === undefined || (typeof body.node === 'object' && body.node !== null);
    if (typeof body.action !== 'string' || !nodeOk) return `malformed event ${preview(body)}`;
    return status < 300 ? null : `event JSON with status ${status}`;
  }
  if (status >= 400) {
    if (typeof body.message !== 'string' && typeof body.health !== 'string') return `error without a message: ${preview(body)}`;
    if (body.message === 'Internal Server Error') return 'the server hit an unexpected exception (Internal Server Error)';
  }
  return null;
}

function preview(value: unknown): string {
  const text = Buffer.isBuffer(value) ? value.toString('utf8') : JSON.stringify(value);
  return JSON.stringify(text.slice(0, 160));
}

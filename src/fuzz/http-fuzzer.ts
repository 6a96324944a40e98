// The HTTP fuzzer: sends seeded random hostile requests (fuzz-requests.ts) from concurrent
// keep-alive connections to a cluster's members and judges every answer (answer-check.ts).
// A request that gets no answer in time is a hang; a refused connection or a reset is a
// crash, except while sending a body over the size limit (the server may close early then).
// Request i of a seed is the same request on every run, so any failure replays.

import { Agent, request } from 'node:http';
import { Prng } from '../util/prng.js';
import { answerProblem, type FuzzAnswer } from './answer-check.js';
import { randomRequest, type FuzzRequest } from './fuzz-requests.js';

export interface HttpFuzzOptions {
  endpoints: readonly string[];
  requests: number;
  seed: number;
  /** Requests in flight at once (one keep-alive connection each). */
  concurrency: number;
  /** An answer slower than this is reported as a hang. */
  answerTimeoutMs: number;
}

export interface FuzzProblem {
  requestNumber: number;
  kind: string;
  method: string;
  target: string;
  problem: string;
}

export interface HttpFuzzReport {
  requests: number;
  durationMs: number;
  requestsPerSecond: number;
  statusCounts: Record<string, number>;
  problems: FuzzProblem[];
}

export const FUZZ_REQUESTS_MAX = 10_000_000;
const CONCURRENCY_MAX = 256;
const PROBLEMS_KEPT_MAX = 50;
const ANSWER_BYTES_MAX = 4 * 1024 * 1024;
const TARGET_SHOWN_CHARS = 200;

/** The `requestNumber`-th request of `seed` (for replaying a reported failure). */
export function fuzzRequestAt(seed: number, requestNumber: number): FuzzRequest {
  const prng = new Prng(seed);
  let fuzzRequest = randomRequest(prng);
  for (let i = 0; i < requestNumber; i++) fuzzRequest = randomRequest(prng);
  return fuzzRequest;
}

export async function runHttpFuzz(options: HttpFuzzOptions): Promise<HttpFuzzReport> {
  if (!(Number.isInteger(options.requests) && options.requests >= 1 && options.requests <= FUZZ_REQUESTS_MAX)) {
    throw new RangeError(`requests must be 1 to ${FUZZ_REQUESTS_MAX}`);
  }
  if (!(options.concurrency >= 1 && options.concurrency <= CONCURRENCY_MAX)) throw new RangeError(`concurrency must be 1 to ${CONCURRENCY_MAX}`);
  if (options.endpoints.length === 0) throw new Error('the fuzzer needs at least one endpoint');
  const prng = new Prng(options.seed);
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const report: HttpFuzzReport = { requests: 0, durationMs: 0, requestsPerSecond: 0, statusCounts: {}, problems: [] };
  const startedMs = performance.now();
  let issued = 0;
  const sender = async (): Promise<void> => {
    while (issued < options.requests) {
      const requestNumber = issued++;
      const fuzzRequest = randomRequest(prng);
      const endpoint = options.endpoints[requestNumber % options.endpoints.length]!;
      const problem = await exchangeProblem(agent, endpoint, fuzzRequest, options.answerTimeoutMs, report.statusCounts);
      report.requests++;
      if (problem !== null) recordProblem(report, { requestNumber, kind: fuzzRequest.kind, method: fuzzRequest.method, target: fuzzRequest.target.slice(0, TARGET_SHOWN_CHARS), problem });
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, sender));
  } finally {
    agent.destroy();
  }
  report.durationMs = Math.round(performance.now() - startedMs);
  report.requestsPerSecond = Math.round((report.requests * 1000) / Math.max(1, report.durationMs));
  return report;
}

function recordProblem(report: HttpFuzzReport, problem: FuzzProblem): void {
  if (report.problems.length < PROBLEMS_KEPT_MAX) report.problems.push(problem);
}

async function exchangeProblem(agent: Agent, endpoint: string, fuzzRequest: FuzzRequest, timeoutMs: number, statusCounts: Record<string, number>) {
  try {
    const answer = await sendFuzzRequest(agent, endpoint, fuzzRequest, timeoutMs);
    statusCounts[answer.status] = (statusCounts[answer.status] ?? 0) + 1;
    return answerProblem(fuzzRequest.method, answer);
  } catch (error) {
    const message = (error as Error).message;
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    statusCounts[code] = (statusCounts[code] ?? 0) + 1;
    const closedOnOversize = fuzzRequest.kind === 'huge-body' && /EPIPE|ECONNRESET|socket hang up/.test(message);
    return closedOnOversize ? null : `no answer: ${message}`;
  }
}

/** Sends one request as is (raw target bytes, any method) and reads the whole answer. */
export function sendFuzzRequest(agent: Agent, endpoint: string, fuzzRequest: FuzzRequest, timeoutMs: number): Promise<FuzzAnswer> {
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const req = request({
      agent,
      host: url.hostname,
      port: url.port,
      method: fuzzRequest.method,
      path: fuzzRequest.target,
      headers: { ...fuzzRequest.headers, 'content-length': String(fuzzRequest.body.length) },
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms (hang)`)), timeoutMs);
    req.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      let sizeBytes = 0;
      res.on('data', (chunk: Buffer) => {
        sizeBytes += chunk.length;
        if (sizeBytes > ANSWER_BYTES_MAX) req.destroy(new Error(`answer over ${ANSWER_BYTES_MAX} bytes`));
        else chunks.push(chunk);
      });
      res.once('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
      res.once('error', reject);
    });
    req.end(fuzzRequest.body);
  });
}

// A fake etcd v2 server on 127.0.0.1 for the load-model tests: it answers every key request at
// once with a small etcd-like body, except request number `stallAt`, which it holds for
// `stallMs` before answering.

import { createServer, type Server } from 'node:http';

export interface StallingServer {
  endpoint: string;
  requests(): number;
  close(): Promise<void>;
}

export async function startStallingServer(stallAt: number, stallMs: number): Promise<StallingServer> {
  let requests = 0;
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    const number = requests++;
    req.resume();
    const answer = (): void => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"action":"set","node":{"key":"/k","value":"v","modifiedIndex":1,"createdIndex":1}}\n');
    };
    if (number !== stallAt) return answer();
    const timer = setTimeout(() => {
      timers.delete(timer);
      answer();
    }, stallMs);
    timers.add(timer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the stalling server has no TCP address');
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    requests: () => requests,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

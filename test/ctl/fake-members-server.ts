// A stand-in server for the cluster commands' unhappy paths that a healthy real cluster cannot
// show: it publishes three members, one of them healthy (itself), one whose client URL is
// dead, and one that was added but never started.

import { createServer, type Server } from 'node:http';
import { freePort } from '../../src/cluster/free-port.js';

export interface FakeMembersServer {
  url: string;
  deadUrl: string;
  close(): Promise<void>;
}

export async function startFakeMembersServer(): Promise<FakeMembersServer> {
  const deadUrl = `http://127.0.0.1:${await freePort()}`;
  let url = '';
  const members = (): unknown[] => [
    { id: 'aaaa000000000001', name: 'alive', peerURLs: ['http://127.0.0.1:1'], clientURLs: [url] },
    { id: 'aaaa000000000002', name: 'gone', peerURLs: ['http://127.0.0.1:2'], clientURLs: [deadUrl] },
    { id: 'aaaa000000000003', name: '', peerURLs: ['http://127.0.0.1:3'], clientURLs: [] },
  ];
  const server: Server = createServer((req, res) => {
    res.setHeader('Content-Type', 'application/json');
    if (req.url === '/v2/members') res.end(JSON.stringify({ members: members() }));
    else if (req.url === '/v2/members/leader') res.end(JSON.stringify(members()[0]));
    else if (req.url === '/health') res.end('{"health":"true"}');
    else {
      res.statusCode = 404;
      res.end('{"message":"not found"}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('fake server has no address');
  url = `http://127.0.0.1:${address.port}`;
  return {
    url,
    deadUrl,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

// The far end of the transport round-trip benchmark: a worker thread that owns one transport
// endpoint ('b') and sends every message straight back to 'a'.

import { parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { PeerTransport, TransportKind } from '../src/transport/peer-transport.js';
import { PortTransport } from '../src/transport/port-transport.js';
import { SabTransport, type SabLinkBuffers } from '../src/transport/sab-transport.js';
import { WsTransport } from '../src/transport/ws-transport.js';

interface EchoWorkerData {
  kind: TransportKind;
  port?: MessagePort;
  rings?: SabLinkBuffers;
  wsPeerUrl?: string;
}

const data = workerData as EchoWorkerData;
let transport: PeerTransport;
if (data.kind === 'port') transport = new PortTransport('b', { a: data.port! }, 2);
else if (data.kind === 'sab') transport = new SabTransport('b', { a: data.rings! }, 2);
else {
  const ws = new WsTransport({ id: 'b', peers: { a: data.wsPeerUrl! }, host: '127.0.0.1', port: 0, seed: 2 });
  const port = await ws.listen();
  transport = ws;
  parentPort!.postMessage({ wsPort: port });
}
transport.onReceive = (m) => transport.send({ ...m, from: 'b', to: 'a' });
parentPort!.on('message', (message: string) => {
  if (message === 'close') {
    transport.close();
    parentPort!.close();
  }
});
parentPort!.postMessage({ ready: true });

// Finds free TCP ports by letting the OS pick them. Ports wanted together are held open together
// until the caller lets them go: one at a time, a port closed again can be the next one the OS
// picks (an etcd cluster once got the same port for one member's clients and another's peers).
// There is still a short race with other processes between the release and the port's use, which
// is acceptable for tests and local clusters.

import { createServer, type Server } from 'node:net';

/** Ports held open, all distinct, until released. */
export interface PortReservation {
  readonly ports: readonly number[];
  /** Closes the listeners that hold the ports; idempotent. */
  release(): Promise<void>;
}

/**
 * Opens `count` listeners on ports the OS picks and keeps them open: the ports are distinct, and
 * no bind to port 0 in this process or another gets one of them until release().
 */
export async function reservePorts(count: number, host = '127.0.0.1'): Promise<PortReservation> {
  if (!(Number.isInteger(count) && count >= 0)) throw new RangeError(`port count must be a whole number >= 0, got ${count}`);
  const servers: Server[] = [];
  let released = false;
  const release = async (): Promise<void> => {
    if (released) return;
    released = true;
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  };
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = createServer();
      ports.push(await listenOnAnyPort(server, host));
      servers.push(server);
    }
    return { ports, release };
  } catch (error) {
    await release();
    throw error;
  }
}

/** `count` distinct ports free at the time of the call. */
export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const reservation = await reservePorts(count, host);
  await reservation.release();
  return [...reservation.ports];
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  const [port] = await freePorts(1, host);
  return port!;
}

function listenOnAnyPort(server: Server, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      if (typeof address === 'object' && address) resolve(address.port);
      else server.close(() => reject(new Error('the OS gave the listener no port')));
    });
  });
}

// The v2 client against a real etcd 3.4 cluster: typed key answers and errors, watches
// (long poll, stream, callback), endpoint failover and timeouts, and the cluster endpoints.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { ClusterError, EndpointError, V2Client, V2Error, type V2Response } from '../../src/client/index.js';
import { ETCD_BINARY, realEtcdAvailable, startRealEtcd, type RealEtcdCluster } from '../support/real-etcd.js';
import { freePorts } from '../../src/cluster/free-port.js';

describe('V2Client against real etcd', () => {
  let cluster: RealEtcdCluster | undefined;
  let client: V2Client;
  let dead: string;
  /** A second endpoint nobody listens on, on a port distinct from dead's. */
  let alsoDead: string;

  before(async () => {
    assert.ok(realEtcdAvailable(), `the client test needs etcd 3.4 at ${ETCD_BINARY} (apt-get install etcd-server)`);
    cluster = await startRealEtcd();
    client = new V2Client({ endpoints: cluster.endpoints, seed: 1 });
    const [deadPort, alsoDeadPort] = await freePorts(2);
    dead = `http://127.0.0.1:${deadPort}`;
    alsoDead = `http://127.0.0.1:${alsoDeadPort}`;
  });

  after(async () => {
    client?.close();
    await cluster?.stop();
  });

  test('writes answer with their action, status, indexes and previous node', async () => {
    const created = await client.keys.create('/c/k', 'one', { ttl: 100 });
    assert.equal(created.action, 'create');
    assert.equal(created.status, 201);
    assert.equal(created.node.value, 'one');
    assert.equal(created.node.ttl, 100);
    assert.ok(created.node.expiration);
    assert.equal(created.etcdIndex, created.node.modifiedIndex);
    assert.ok(created.raftIndex! > 0 && created.raftTerm! > 0 && created.clusterId);
    const updated = await client.keys.update('/c/k', 'two', { ttl: null });
    assert.equal(updated.action, 'update');
    assert.equal(updated.status, 200);
    assert.equal(updated.node.ttl, undefined, 'ttl= clears the TTL');
    assert.equal(updated.prevNode?.value, 'one');
    const swapped = await client.keys.compareAndSwap('/c/k', 'three', { prevValue: 'two', prevIndex: updated.node.modifiedIndex });
    assert.equal(swapped.action, 'compareAndSwap');
    const quiet = await client.keys.set('/c/k', 'four', { noValueOnSuccess: true });
    assert.deepEqual([quiet.action, quiet.node, quiet.prevNode], ['set', {}, undefined]);
    const read = await client.keys.get('/c/k', { quorum: true });
    assert.equal(read.node.value, 'four');
    const removed = await client.keys.delete('/c/k', { prevValue: 'four' });
    assert.equal(removed.action, 'compareAndDelete');
    assert.equal(removed.prevNode?.value, 'four');
  });

  test('in-order children are named by their index and listed sorted', async () => {
    const first = await client.keys.createInOrder('/c/queue', 'a');
    const second = await client.keys.createInOrder('/c/queue', 'b');
    assert.equal(first.node.key, `/c/queue/${String(first.node.createdIndex).padStart(20, '0')}`);
    const listing = await client.keys.get('/c/queue', { sorted: true, recursive: true });
    assert.deepEqual(listing.node.nodes?.map((n) => n.value), ['a', 'b']);
    assert.ok(second.node.createdIndex! > first.node.createdIndex!);
    await client.keys.delete('/c/queue', { recursive: true });
    await assert.rejects(client.keys.get('/c/queue'), (e: V2Error) => e.errorCode === 100);
  });

  test('error answers become V2Errors with code, message, cause, index and status', async () => {
    const before = await client.keys.set('/c/e', 'v');
    await assert.rejects(client.keys.get('/c/missing'), (e: unknown) => {
      assert.ok(e instanceof V2Error);
      assert.equal(e.errorCode, 100);
      assert.equal(e.errorMessage, 'Key not found');
      assert.equal(e.cause, '/c/missing');
      assert.equal(e.index, before.etcdIndex);
      assert.equal(e.status, 404);
      assert.equal(e.message, `100: Key not found (/c/missing) [${before.etcdIndex}]`);
      return true;
    });
    await assert.rejects(client.keys.create('/c/e', 'again'), (e: V2Error) => e.errorCode === 105 && e.status === 412);
    await assert.rejects(client.keys.compareAndSwap('/c/e', 'x', { prevValue: 'no' }), (e: V2Error) => e.errorCode === 101 && e.cause === '[no != v]');
    await assert.rejects(client.keys.set('/c/e', 'x', { refresh: true, ttl: 5 }), (e: V2Error) => e.errorCode === 211 || e.errorCode === 212);
    await assert.rejects(client.keys.delete('/c'), (e: V2Error) => e.errorCode === 102 && e.status === 403);
  });

  test('a watch from an old index returns history at once, then waits for the next change', async () => {
    const first = await client.keys.set('/c/w', 'w1');
    await client.keys.set('/c/w', 'w2');
    const watcher = client.watch('/c/w', { afterIndex: first.node.modifiedIndex! - 1 });
    assert.equal((await watcher.next()).node.value, 'w1');
    assert.equal((await watcher.next()).node.value, 'w2');
    const pending = watcher.next();
    await client.keys.set('/c/w', 'w3');
    assert.equal((await pending).node.value, 'w3');
    const waiting = watcher.next();
    watcher.close();
    await assert.rejects(waiting);
  });

  test('a recursive stream watch delivers every event of a tree in order, as an iterator', async () => {
    const watcher = client.watch('/c/s', { recursive: true, stream: true });
    const seen: string[] = [];
    const done = (async () => {
      for await (const event of watcher) {
        seen.push(`${event.action} ${event.node.key}`);
        if (seen.length === 3) break;
      }
    })();
    await waitForWatchers(cluster!.endpoints, 1);
    await client.keys.set('/c/s/a', '1');
    await client.keys.set('/c/s/b', '2');
    await client.keys.delete('/c/s/a');
    await done;
    assert.deepEqual(seen, ['set /c/s/a', 'set /c/s/b', 'delete /c/s/a']);
  });

  test('onEvent calls back for each event until close', async () => {
    const start = await client.keys.set('/c/cb', '0');
    const values: string[] = [];
    const watcher = client.watch('/c/cb', { afterIndex: start.node.modifiedIndex });
    const twoSeen = new Promise<void>((resolve, reject) => {
      watcher.onEvent((event: V2Response) => {
        values.push(event.node.value ?? '');
        if (values.length === 2) resolve();
      }, reject);
    });
    await client.keys.set('/c/cb', '1');
    await client.keys.set('/c/cb', '2');
    await twoSeen;
    watcher.close();
    assert.deepEqual(values, ['1', '2']);
  });

  test('requests fail over from a dead endpoint; one-shot writes move the pin instead', async () => {
    const live = cluster!.endpoints[0];
    let failover: V2Client | undefined;
    for (let seed = 1; !failover; seed++) {
      const candidate = new V2Client({ endpoints: [dead, live], seed });
      if (candidate.endpoints()[0] === dead) failover = candidate;
      else candidate.close();
    }
    try {
      await assert.rejects(failover.keys.create('/c/f1', 'x'), (e: EndpointError) => e.failure === 'connect' && e.endpoint === dead);
      assert.equal((await failover.keys.create('/c/f1', 'x')).action, 'create', 'the pin moved to the live endpoint');
      const fresh = new V2Client({ endpoints: [dead, live], seed: 1 });
      assert.equal((await fresh.keys.get('/c/f1')).node.value, 'x', 'a read tries the next endpoint');
      fresh.close();
    } finally {
      failover.close();
    }
  });

  test('with every endpoint down the error lists each attempt and counts as a connection error', async () => {
    const down = new V2Client({ endpoints: [dead, alsoDead], seed: 3 });
    try {
      await assert.rejects(down.keys.get('/c'), (e: unknown) => {
        assert.ok(e instanceof ClusterError);
        assert.equal(e.errors.length, 2);
        assert.ok(e.isConnectionError);
        assert.match(e.message, /^client: etcd cluster is unavailable or misconfigured; error #0: dial tcp 127\.0\.0\.1:\d+: connect: connection refused\n/);
        return true;
      });
    } finally {
      down.close();
    }
  });

  test('a member that never answers hits the per-request timeout, and a total deadline aborts', async () => {
    const silent = await startSilentServer();
    const slow = new V2Client({ endpoints: [silent.url], requestTimeoutMs: 150 });
    try {
      await assert.rejects(slow.keys.get('/c'), (e: ClusterError) => {
        const first = e.errors[0] as EndpointError;
        return first.failure === 'headerTimeout' && first.message === `client: endpoint ${silent.url} exceeded header timeout`;
      });
      const patient = new V2Client({ endpoints: [silent.url], requestTimeoutMs: 0 });
      await assert.rejects(patient.keys.get('/c', { signal: AbortSignal.timeout(150) }), (e: EndpointError) => e.message === 'context deadline exceeded');
      patient.close();
    } finally {
      slow.close();
      await silent.close();
    }
  });

  test('members, leader, machines, version, stats and health describe the cluster; sync adopts its URLs', async () => {
    const members = await client.cluster.members();
    assert.equal(members.length, 3);
    assert.deepEqual(members.flatMap((m) => m.clientURLs).sort(), [...cluster!.endpoints].sort());
    const leader = await client.cluster.leader();
    assert.ok(members.some((m) => m.id === leader.id));
    assert.deepEqual((await client.cluster.machines()).sort(), [...cluster!.endpoints].sort());
    assert.match((await client.cluster.version()).etcdserver, /^3\.4\./);
    assert.deepEqual(await client.cluster.health(), { healthy: true, status: 200 });
    assert.equal(typeof (await client.cluster.stats('store')).setsSuccess, 'number');
    assert.equal((await client.cluster.stats('self')).name !== undefined, true);
    const single = new V2Client({ endpoints: [cluster!.endpoints[1]] });
    await single.sync();
    assert.deepEqual(single.endpoints().sort(), [...cluster!.endpoints].sort());
    single.close();
  });
});

async function waitForWatchers(endpoints: string[], count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    let total = 0;
    for (const e of endpoints) total += ((await (await fetch(`${e}/v2/stats/store`)).json()) as { watchers: number }).watchers;
    if (total >= count) return;
    if (Date.now() > deadline) throw new Error(`fewer than ${count} watchers after 10 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A TCP server on loopback that accepts connections and never answers. */
async function startSilentServer(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('silent server has no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

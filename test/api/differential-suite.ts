// The differential suite: every row of the etcd v2 facts (actions, parameters, error codes,
// hidden and in-order keys, listings, path cleaning, TTLs, dirs, 405s, bad parameters,
// watches, streams, cleared history, cluster endpoints) as request sequences sent to real
// etcd and to a raftyard target, whose answers must match after normalization.

import { after, before, describe, it } from 'node:test';
import { DiffPair } from './diff-pair.js';
import { startRealEtcdTarget } from './diff-targets.js';
import type { DiffTarget, Step, TargetFactory } from './differential-harness.js';

const keys = (key: string, query = ''): string => `/v2/keys${key}${query === '' ? '' : '?' + query}`;
const get = (key: string, query = ''): Step => ({ method: 'GET', target: keys(key, query) });
const head = (key: string, query = ''): Step => ({ method: 'HEAD', target: keys(key, query) });
const put = (key: string, form: Record<string, string> = {}, query = ''): Step => ({ method: 'PUT', target: keys(key, query), form });
const post = (key: string, form: Record<string, string> = {}): Step => ({ method: 'POST', target: keys(key), form });
const del = (key: string, query = ''): Step => ({ method: 'DELETE', target: keys(key, query) });
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function defineDifferentialSuite(makeRaftyard: TargetFactory): void {
  describe('differential: raftyard answers as etcd 3.4 does', { timeout: 120_000 }, () => {
    let etcd: DiffTarget | undefined;
    let yard: DiffTarget | undefined;
    let pair: DiffPair;

    before(async () => {
      [etcd, yard] = await Promise.all([startRealEtcdTarget(), makeRaftyard()]);
      pair = new DiffPair(etcd, yard);
    });
    after(async () => {
      await Promise.all([etcd?.stop(), yard?.stop()]);
    });

    it('set, get and head a key; 404 for a missing one', async () => {
      await pair.rebase();
      await pair.steps([
        put('/c1/a', { value: 'one' }),
        put('/c1/a', { value: 'two' }),
        get('/c1/a'),
        get('/c1/missing'),
        head('/c1/a'),
        head('/c1/missing'),
        put('/c1/quote', { value: 'x<y>&"\u2028é' }),
        get('/c1/quote'),
        put('/c1/empty', { value: '' }),
        get('/c1/empty'),
      ]);
    });

    it('picks update, create, compareAndSwap and compareAndDelete from the parameters', async () => {
      await pair.rebase();
      await pair.steps([
        put('/c2/a', { value: 'v1', prevExist: 'true' }),
        put('/c2/a', { value: 'v1', prevExist: 'false' }),
        put('/c2/a', { value: 'v2', prevExist: 'false' }),
        put('/c2/a', { value: 'v3', prevExist: 'true' }),
        put('/c2/a', { value: 'v4', prevValue: 'v3' }),
        put('/c2/a', { value: 'v5', prevValue: 'nope' }),
        put('/c2/a', { value: 'v5', prevIndex: '{i+3}' }),
        put('/c2/a', { value: 'v6', prevIndex: '{i+1}' }),
        put('/c2/a', { value: 'v6', prevIndex: '{i+1}', prevValue: 'nope' }),
        put('/c2/a', { value: 'v6', prevExist: 'true', prevValue: 'v5' }),
        put('/c2/a', { value: 'v7', prevValue: '' }),
        put('/c2/a', { value: 'v7', prevIndex: '0' }),
        del('/c2/a', 'prevValue=nope'),
        del('/c2/a', 'prevIndex=1'),
        del('/c2/a', 'prevValue=v7'),
        put('/c2/b', { value: 'b' }),
        del('/c2/b', 'prevIndex={i+8}'),
        del('/c2/b'),
        put('/c2/missing', { value: 'x', prevValue: 'y' }),
        del('/c2/missing', 'prevValue=y'),
      ]);
    });

    it('directories: create, refuse values, list, delete with dir and recursive', async () => {
      await pair.rebase();
      await pair.steps([
        put('/c3/d', { dir: 'true' }),
        put('/c3/d', { dir: 'true' }),
        put('/c3/d', { value: 'x' }),
        put('/c3/d', { value: 'x', prevExist: 'true' }),
        put('/c3/d/f', { value: 'f' }),
        put('/c3/d/f/g', { value: 'g' }),
        get('/c3/d/f/g'),
        get('/c3/d'),
        del('/c3/d'),
        del('/c3/d', 'dir=true'),
        del('/c3/d/f', 'dir=true'),
        del('/c3/d', 'recursive=true'),
        get('/c3/d'),
        put('/c3/e', { dir: 'true' }),
        del('/c3/e', 'dir=true'),
        del('/', 'recursive=true'),
        put('/', { value: 'x' }),
        post('/', { value: 'x' }),
        put('/c3/d2', { dir: 'true', prevExist: 'false' }),
        put('/c3/d2', { value: 'x', prevValue: 'y' }),
        del('/c3/d2', 'prevValue=y'),
      ]);
    });

    it('in-order keys, hidden keys, sorted and recursive listings', async () => {
      await pair.rebase();
      await pair.steps([
        post('/c4/q', { value: 'first' }),
        post('/c4/q', { value: 'second' }),
        post('/c4/q', { dir: 'true' }),
        get('/c4/q', 'sorted=true'),
        get('/c4/q', 'recursive=true&sorted=true'),
        put('/c4/t/_hidden', { value: 'h' }),
        put('/c4/t/b', { value: 'b' }),
        put('/c4/t/a/deep', { value: 'd' }),
        put('/c4/t/_hd/x', { value: 'x' }),
        get('/c4/t', 'sorted=true'),
        get('/c4/t', 'recursive=true&sorted=true'),
        get('/c4/t/_hidden'),
        get('/c4/t/_hd', 'recursive=true'),
        get('/c4', 'recursive=true&sorted=true'),
      ]);
    });

    it('cleans paths: redirects unclean ones, takes trailing slashes and escapes', async () => {
      await pair.rebase();
      await pair.steps([
        put('/c5/a', { value: 'a' }),
        get('//c5/../c5/a/'),
        get('/c5/./a', 'x=1'),
        { method: 'PUT', target: '/v2/keys/c5/../c5/b', form: { value: 'b' } },
        get('/c5/a/'),
        put('/c5%2Fenc', { value: 'e' }),
        get('/c5/enc'),
        put('/c5/sp%20ace', { value: 's' }),
        get('/c5', 'sorted=true'),
        { method: 'GET', target: '/v2/keys?sorted=true' },
        { method: 'GET', target: '/v2/keysx' },
        { method: 'GET', target: '/v2//keys/c5/a' },
      ]);
    });

    it('refuses bad parameters with etcd form errors', async () => {
      await pair.rebase();
      const badBools = ['recursive', 'sorted', 'wait', 'dir', 'quorum', 'stream', 'noValueOnSuccess', 'prevExist', 'refresh'];
      await pair.steps([
        ...badBools.map((name) => get('/c6/a', `${name}=maybe`)),
        get('/c6/a', 'recursive=T&sorted=1'),
        get('/c6/a', 'prevIndex=abc'),
        get('/c6/a', 'waitIndex=-1'),
        put('/c6/a', { value: 'x', ttl: 'abc' }),
        put('/c6/a', { value: 'x', ttl: '-1' }),
        put('/c6/a', { value: 'x', refresh: 'true', ttl: '5' }),
        put('/c6/a', { refresh: 'true' }),
        put('/c6/a', { value: 'x' }, 'wait=true'),
        get('/c6/a', 'a=1;b=2'),
        get('/c6/a', 'value=%zz'),
        put('/c6/a', { value: 'x', prevIndex: '18446744073709551616' }),
        // Past 2^53 but a valid uint64: no key there, so the answer names no index.
        put('/c6/none', { value: 'x', prevIndex: '18446744073709551615' }),
        // A TTL whose expiration wraps past Go's int64 range: etcd keeps the key, without expiry.
        put('/c6/wrapped', { value: 'x', ttl: '9223372037' }),
        get('/c6/wrapped'),
        { method: 'PUT', target: keys('/c6/b'), body: 'value=x', headers: { 'Content-Type': ';' } },
        { method: 'PUT', target: keys('/c6/b'), body: 'value=x', headers: { 'Content-Type': 'text' } },
        { method: 'PUT', target: keys('/c6/b'), body: 'value=x;y=1' , headers: { 'Content-Type': 'application/x-www-form-urlencoded' } },
        put('/c6/missing', { refresh: 'true', ttl: '5' }),
      ]);
    });

    it('reads the form body on PUT and POST before the query, never on GET or DELETE', async () => {
      await pair.rebase();
      await pair.steps([
        put('/c7/a', { value: 'body' }, 'value=query'),
        put('/c7/b', {}, 'value=query'),
        { method: 'PUT', target: keys('/c7/c'), body: 'value=untyped' },
        { method: 'PUT', target: keys('/c7/d'), body: 'value=text', headers: { 'Content-Type': 'text/plain' } },
        { method: 'GET', target: keys('/c7', 'sorted=true&recursive=true'), body: 'recursive=false', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } },
        { method: 'DELETE', target: keys('/c7/a'), body: 'prevValue=nope', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } },
        put('/c7/e', { value: 'a+b c' }),
        get('/c7/e'),
        { method: 'PUT', target: keys('/c7/f'), body: 'value=😀+x%21', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } },
        get('/c7/f'),
      ]);
    });

    it('noValueOnSuccess leaves out the nodes of set, create, update and compareAndSwap', async () => {
      await pair.rebase();
      await pair.steps([
        put('/c8/a', { value: '1', noValueOnSuccess: 'true' }),
        put('/c8/a', { value: '2', prevExist: 'true', noValueOnSuccess: 'true' }),
        put('/c8/a', { value: '3', prevValue: '2', noValueOnSuccess: 'true' }),
        post('/c8/q', { value: 'q', noValueOnSuccess: 'true' }),
        del('/c8/a', 'noValueOnSuccess=true'),
        put('/c8/a', { value: '1', prevExist: 'true', noValueOnSuccess: 'true' }),
      ]);
    });

    it('quorum reads go through Raft, also with wait=true', async () => {
      await pair.rebase();
      await pair.steps([put('/c9/a', { value: 'q' }), get('/c9/a', 'quorum=true'), get('/c9/missing', 'quorum=true'), get('/c9/a', 'quorum=true&wait=true')]);
    });

    it('TTLs: set, clear, refresh, and expiry through the SYNC', { timeout: 20_000 }, async () => {
      await pair.rebase();
      await pair.steps([
        put('/c10/short', { value: 's', ttl: '1' }),
        put('/c10/dir', { dir: 'true', ttl: '1' }),
        put('/c10/dir/child', { value: 'c' }),
        put('/c10/keep', { value: 'k', ttl: '100' }),
        get('/c10/keep'),
        put('/c10/keep', { value: 'k2', ttl: '', prevExist: 'true' }),
        put('/c10/ref', { value: 'r', ttl: '1' }),
        put('/c10/ref', { refresh: 'true', ttl: '100', prevExist: 'true' }),
        put('/c10/ref2', { value: 'r', ttl: '50' }),
        put('/c10/ref2', { refresh: 'true', ttl: '100' }),
        get('/c10', 'sorted=true&recursive=true'),
        // A TTL of 0 expires at once, but the key goes only when the leader's next SYNC runs
        // (every 500 ms on both sides): a listing right after it would race those SYNCs.
        put('/c10/zero', { value: 'z', ttl: '0' }),
      ]);
      await sleep(2600);
      await pair.steps([
        get('/c10/short'),
        get('/c10/dir/child'),
        get('/c10/zero'),
        get('/c10', 'sorted=true&recursive=true'),
      ]);
      // A live watch sees the expiry when the SYNC removes the key (history replays of TTL
      // events are left out: see /work/prompts/store-findings.md).
      await pair.step(put('/c10/live', { value: 'l', ttl: '1' }));
      await pair.watch(get('/c10/live', 'wait=true'), [], 1);
    });

    it('watches: headers first, one event, waitIndex inclusive, recursive, deleted directories', { timeout: 20_000 }, async () => {
      await pair.rebase();
      await pair.watch(get('/c11/a', 'wait=true'), [put('/c11/a', { value: '1' })], 1);
      await pair.steps([get('/c11/a', 'wait=true&waitIndex={i+1}'), get('/c11', 'wait=true&recursive=true&waitIndex={i+1}')]);
      await pair.watch(get('/c11', 'wait=true&recursive=true'), [put('/c11/d/e', { value: 'x' })], 1);
      await pair.watch(get('/c11/d/e', 'wait=true'), [del('/c11/d', 'recursive=true')], 1);
      await pair.watch(get('/c11/h', 'wait=true&recursive=true'), [put('/c11/h/_hidden', { value: 'x' }), put('/c11/h/seen', { value: 'y' })], 1);
      await pair.watch(get('/c11/a', 'wait=true&waitIndex={i+100}'), [], 0, true);
    });

    it('stream watches deliver every event and stay open', { timeout: 20_000 }, async () => {
      await pair.rebase();
      await pair.watch(get('/c12', 'wait=true&recursive=true&stream=true'), [put('/c12/a', { value: '1' }), put('/c12/b', { value: '2' }), del('/c12/a')], 3, true);
    });

    it('a waitIndex older than the 1000-event history is error 401', { timeout: 60_000 }, async () => {
      await pair.rebase();
      const writes: Step[] = [];
      for (let i = 0; i < 1010; i++) writes.push(put('/c13/k', { value: String(i) }));
      const sendAll = async (side: DiffPair['etcd']): Promise<void> => {
        for (const step of writes) await side.send(step);
      };
      await Promise.all([sendAll(pair.etcd), sendAll(pair.yard)]);
      await pair.steps([get('/c13/k', 'wait=true&waitIndex={i+1}'), get('/c13/k', 'wait=true&waitIndex={i+1005}')]);
    });

    it('405 with Allow, 404 for unknown paths, OPTIONS answered by CORS', async () => {
      await pair.steps([
        { method: 'PATCH', target: keys('/c14') },
        { method: 'OPTIONS', target: keys('/c14') },
        { method: 'OPTIONS', target: '/anything/../at/all' },
        { method: 'PUT', target: '/version' },
        { method: 'POST', target: '/v2/machines' },
        { method: 'HEAD', target: '/v2/members' },
        { method: 'POST', target: '/v2/stats/store' },
        { method: 'DELETE', target: '/health' },
        { method: 'GET', target: '/nope' },
        { method: 'GET', target: '/v2/stats/self/' },
        { method: 'GET', target: '/v2/members/nobody' },
      ]);
    });

    it('cluster endpoints: members, leader, machines, stats, version, health', async () => {
      await pair.steps([
        { method: 'GET', target: '/v2/members', compare: 'shape' },
        { method: 'GET', target: '/v2/members/leader', compare: 'shape' },
        { method: 'GET', target: '/v2/machines', compare: 'status' },
        { method: 'HEAD', target: '/v2/machines', compare: 'status' },
        { method: 'GET', target: '/v2/stats/store', compare: 'shape' },
        { method: 'GET', target: '/v2/stats/leader', compare: 'headers', atLeader: true },
        { method: 'GET', target: '/version' },
        { method: 'GET', target: '/health' },
      ]);
    });

    it('membership changes are checked as etcd checks them', async () => {
      const json = { 'Content-Type': 'application/json' };
      await pair.steps([
        { method: 'POST', target: '/v2/members', body: '{}' },
        { method: 'POST', target: '/v2/members', body: '', headers: json },
        { method: 'POST', target: '/v2/members', body: '{"peerURLs":["ftp://x:1"]}', headers: json },
        { method: 'POST', target: '/v2/members', body: '{"peerURLs":["http://nohost"]}', headers: json },
        { method: 'POST', target: '/v2/members', body: '{"peerURLs":["http://x:1/path"]}', headers: json },
        { method: 'DELETE', target: '/v2/members/' },
        { method: 'DELETE', target: '/v2/members/zz' },
        { method: 'DELETE', target: '/v2/members/1234' },
        { method: 'PUT', target: '/v2/members/1234', body: '{"peerURLs":["http://x:1"]}', headers: json },
      ]);
    });
  });
}

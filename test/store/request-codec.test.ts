// The binary request codec: exact round trips (every method, flag, large numbers, empty and
// non-ASCII strings), compactness, and refusal of malformed or oversized input.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeV2Request, encodeV2Request, V2_REQUEST_BYTES_MAX } from '../../src/store/request-codec.js';
import { newV2Request, V2_METHODS, type V2Request } from '../../src/store/v2-request.js';
import { Prng } from '../../src/util/prng.js';

function randomText(prng: Prng, lengthMax: number): string {
  const alphabet = ['a', '/', '_', 'é', '\u{1F600}', '\u0000', '"', '世'];
  let text = '';
  const length = prng.nextUint32() % (lengthMax + 1);
  for (let i = 0; i < length; i++) text += alphabet[prng.nextUint32() % alphabet.length];
  return text;
}

function randomRequest(prng: Prng): V2Request {
  const bit = (): boolean => (prng.nextUint32() & 1) === 1;
  const prevExistRoll = prng.nextUint32() % 3;
  return {
    method: V2_METHODS[prng.nextUint32() % V2_METHODS.length] as V2Request['method'],
    path: randomText(prng, 30),
    value: randomText(prng, 200),
    dir: bit(),
    prevValue: randomText(prng, 10),
    prevIndex: bit() ? prng.nextUint32() * 2048 : 0,
    prevExist: prevExistRoll === 0 ? null : prevExistRoll === 1,
    expirationMs: bit() ? Date.UTC(2024, 0, 1) + (prng.nextUint32() % 100_000) : null,
    refresh: bit(),
    recursive: bit(),
    sorted: bit(),
    timeMs: bit() ? Number.MAX_SAFE_INTEGER : prng.nextUint32(),
  };
}

test('random requests survive encode then decode unchanged', () => {
  const prng = new Prng(7);
  for (let i = 0; i < 500; i++) {
    const request = randomRequest(prng);
    assert.deepEqual(decodeV2Request(encodeV2Request(request)), request);
  }
});

test('headroom leaves zero bytes before the request, which follows unchanged', () => {
  const prng = new Prng(11);
  for (let i = 0; i < 50; i++) {
    const request = randomRequest(prng);
    const plain = encodeV2Request(request);
    const roomy = encodeV2Request(request, 7);
    assert.deepEqual(roomy.subarray(0, 7), new Uint8Array(7));
    assert.deepEqual(roomy.subarray(7), plain);
    assert.deepEqual(decodeV2Request(roomy.subarray(7)), request);
  }
});

test('a typical PUT is compact', () => {
  const request = newV2Request({ method: 'PUT', path: '/foo', value: 'bar', prevExist: false, expirationMs: Date.UTC(2024, 0, 1) });
  const bytes = encodeV2Request(request);
  assert.equal(bytes.length, 3 + 1 + 6 + 1 + (1 + 4) + (1 + 3) + 1);
  assert.deepEqual(decodeV2Request(bytes), request);
});

test('malformed input is refused with a clear error', () => {
  const good = encodeV2Request(newV2Request({ method: 'DELETE', path: '/k', recursive: true }));
  assert.throws(() => decodeV2Request(new Uint8Array([])), /bad header/);
  assert.throws(() => decodeV2Request(Uint8Array.of(9, ...good.subarray(1))), /bad header/);
  assert.throws(() => decodeV2Request(Uint8Array.of(1, 9, ...good.subarray(2))), /unknown method/);
  assert.throws(() => decodeV2Request(Uint8Array.of(1, 3, 0x80, ...good.subarray(3))), /unknown flags/);
  assert.throws(() => decodeV2Request(good.subarray(0, good.length - 1)), /truncated/);
  assert.throws(() => decodeV2Request(Uint8Array.of(...good, 0)), /trailing/);
  const badUtf8 = Uint8Array.of(1, 1, 0, 0, 0, 1, 0xff, 0, 0);
  assert.throws(() => decodeV2Request(badUtf8), TypeError);
  const tooLong = Uint8Array.of(1, 1, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01);
  assert.throws(() => decodeV2Request(tooLong), /longer than 8 bytes/);
});

test('numbers that are not non-negative safe integers and oversized requests are refused', () => {
  assert.throws(() => encodeV2Request(newV2Request({ method: 'PUT', path: '/k', prevIndex: -1 })), /non-negative safe integer/);
  assert.throws(() => encodeV2Request(newV2Request({ method: 'PUT', path: '/k', timeMs: 1.5 })), /non-negative safe integer/);
  const huge = newV2Request({ method: 'PUT', path: '/k', value: 'x'.repeat(V2_REQUEST_BYTES_MAX) });
  assert.throws(() => encodeV2Request(huge), /size limit|over/);
  const lone = decodeV2Request(encodeV2Request(newV2Request({ method: 'PUT', path: '/k', value: 'a\ud800b' })));
  assert.equal(lone.value, 'a\ufffdb', 'a lone surrogate is written as U+FFFD, as Go writes invalid UTF-8');
  const bigButFine = newV2Request({ method: 'PUT', path: '/k', value: 'é'.repeat(500_000) });
  assert.equal(decodeV2Request(encodeV2Request(bigButFine)).value, bigButFine.value);
});

test('an expiration before 1970 (a wrapped TTL) survives the trip with its sign', () => {
  const wrapped = newV2Request({ method: 'PUT', path: '/k', value: 'v', expirationMs: -9_223_372_036_854 });
  assert.equal(decodeV2Request(encodeV2Request(wrapped)).expirationMs, -9_223_372_036_854);
  const ordinary = newV2Request({ method: 'PUT', path: '/k', value: 'v', expirationMs: 1_700_000_000_000 });
  assert.equal(decodeV2Request(encodeV2Request(ordinary)).expirationMs, 1_700_000_000_000);
});

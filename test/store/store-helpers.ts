// Helpers for the store tests: narrowing a store result to the event or the error a test
// expects (failing with the other side's details), and fixed instants for TTL tests.

import assert from 'node:assert/strict';
import { isV2Error, type V2Error } from '../../src/store/v2-error.js';
import type { V2Event } from '../../src/store/event.js';
import { Watcher } from '../../src/store/watcher.js';

/** 2024-01-01T00:00:00Z, the "now" of the TTL tests. */
export const T0_MS = Date.UTC(2024, 0, 1);

export function expectEvent(result: V2Event | V2Error | Watcher | null): V2Event {
  assert.ok(result !== null && !(result instanceof Watcher) && result.kind === 'event', `expected an event, got ${JSON.stringify(result)}`);
  return result;
}

export function expectError(result: V2Event | V2Error | Watcher | null, errorCode: number): V2Error {
  assert.ok(result !== null && !(result instanceof Watcher) && isV2Error(result), `expected error ${errorCode}, got ${JSON.stringify(result)}`);
  assert.equal(result.errorCode, errorCode, `expected error ${errorCode}, got ${JSON.stringify(result)}`);
  return result;
}

export function expectWatcher(result: Watcher | V2Error): Watcher {
  assert.ok(!isV2Error(result), `expected a watcher, got ${JSON.stringify(result)}`);
  return result;
}

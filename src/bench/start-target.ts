// Turns a target spec into a running BenchTarget: URLs are wrapped as they are, names go to
// the registered factory with the command line's target settings and the spec's own.

import type { TargetSettings, TargetSpec } from './bench-options.js';
import { targetFactory, type BenchTarget } from './bench-target.js';
import { endpointsTarget } from './endpoints-target.js';

export async function startTarget(spec: TargetSpec, settings: TargetSettings): Promise<BenchTarget> {
  if (spec.kind === 'endpoints') return endpointsTarget(spec.endpoints, spec.label);
  const target = await targetFactory(spec.name)({ ...settings, extra: { ...spec.extra } });
  if (target.endpoints.length === 0) {
    await target.close();
    throw new Error(`target ${spec.label} started without client endpoints`);
  }
  return target;
}

/** Where single-place writes go: the leader when the target can say, else its first endpoint. */
export async function writeEndpointOf(target: BenchTarget): Promise<string> {
  return target.leaderEndpoint ? target.leaderEndpoint() : target.endpoints[0];
}

// Turns a target spec into a running BenchTarget: URLs are wrapped as they are, names go to
// the registered factory with the command line's target settings and the spec's own. A target
// that cannot place the client where the command line says is refused.

import type { TargetSettings, TargetSpec } from './bench-options.js';
import { targetFactory, type BenchTarget } from './bench-target.js';
import { endpointsTarget } from './endpoints-target.js';

export async function startTarget(spec: TargetSpec, settings: TargetSettings): Promise<BenchTarget> {
  if (spec.kind === 'endpoints') return endpointsTarget(spec.endpoints, spec.label);
  const target = await targetFactory(spec.name)({ ...settings, extra: { ...spec.extra } });
  const refusal =
    target.endpoints.length === 0
      ? 'started without client endpoints'
      : settings.clientRegion !== undefined && target.clientRttMs === undefined
        ? `has no regions to place the client in (--client-region ${settings.clientRegion}); start it with --geo or --delay`
        : undefined;
  if (refusal !== undefined) {
    await target.close();
    throw new Error(`target ${spec.label} ${refusal}`);
  }
  return target;
}

/** Where single-place writes go: the leader when the target can say, else its first endpoint. */
export async function writeEndpointOf(target: BenchTarget): Promise<string> {
  return target.leaderEndpoint ? target.leaderEndpoint() : target.endpoints[0];
}

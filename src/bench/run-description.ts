// One sentence saying what was run, shared by the table and the HTML report, so that a figure
// is never shown without the workload, load and placement that produced it.

import { linksShaped, type BenchOptions } from './bench-options.js';
import { runHasHotStart } from './hot-start.js';

export function describeWorkload(options: BenchOptions): string {
  const w = options.workload;
  const sizes = `key ${w.keySizeBytes} B, value ${w.valueSizeBytes} B`;
  const reads = w.quorumReads ? 'quorum reads' : 'local reads';
  switch (w.name) {
    case 'put':
      return `put (${sizes}, ${w.keySpace} ${w.keyOrder} keys)`;
    case 'get':
      return `get (${reads}, ${sizes}, ${w.keySpace} ${w.keyOrder} keys)`;
    case 'mix':
      return `mix (${(w.readFraction * 100).toFixed(0)}% ${reads}, ${sizes}, ${w.keySpace} ${w.keyOrder} keys)`;
    case 'cas':
      return `cas (read-modify-write with prevIndex on ${w.casKeys} keys, ${reads})`;
    case 'watch':
      return `watch (${w.watchers} stream watchers; a sample is one watcher's delay after the write's answer)`;
  }
}

export function describeLoad(options: BenchOptions): string {
  const { load } = options;
  const clients = `${load.clients} client${load.clients === 1 ? '' : 's'} on ${load.workers} thread${load.workers === 1 ? '' : 's'}`;
  const model =
    load.model === 'open' ? `open loop at ${load.ratePerSec}/s (latency from the scheduled time), ${clients}` : `closed loop, ${clients}`;
  const rounds = options.rounds > 1 ? ` in ${options.rounds} rounds` : '';
  return `${model}${placement(options)}, ${seconds(options.durationMs)} measured per target${rounds}, ${seconds(options.warmupMs)} warm-up per phase${hotStart(options)}`;
}

/** Targets with shaped links first run one warm-up with them unshaped (see hot-start.ts). */
function hotStart(options: BenchOptions): string {
  if (!linksShaped(options.targetSettings) || !runHasHotStart(options)) return '';
  return ` (shaped targets: after a ${seconds(options.warmupMs)} hot start with the links unshaped)`;
}

/** Where the clients send and sit, and where the members are, when the run says so. */
function placement(options: BenchOptions): string {
  const { sendTo } = options.load;
  const { geo, delayMs, clientRegion, leaderRegion } = options.targetSettings;
  const parts = [
    sendTo === 'leader' ? 'sent to the leader' : sendTo === 'follower' ? 'sent to a follower' : '',
    clientRegion === undefined ? '' : `client in ${clientRegion}`,
    leaderRegion === undefined ? '' : `leader in ${leaderRegion}`,
    geo === undefined ? '' : `members in ${geo}`,
    delayMs === undefined ? '' : `${delayMs} ms one way between members`,
  ];
  return parts.filter((part) => part !== '').map((part) => `, ${part}`).join('');
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

// The chaos run's fault schedule, derived from the seed alone: a sequence of episodes, each a
// fault injected at an offset from the start, held for a while, then undone. The same seed and
// cluster size always give the same schedule, so a failing run can be replayed and read.

import { Prng } from '../util/prng.js';
import type { NodeId } from '../raft/types.js';

/** Which way a one-way cut goes, relative to the leader found when the fault is injected. */
export type OneWayDirection = 'from-leader' | 'to-leader';

export type Fault =
  | { readonly kind: 'kill'; readonly nodes: readonly NodeId[]; readonly loseUnsynced: boolean }
  | { readonly kind: 'pause'; readonly nodes: readonly NodeId[] }
  | { readonly kind: 'partition'; readonly groups: readonly (readonly NodeId[])[] }
  | { readonly kind: 'isolate-leader' }
  | { readonly kind: 'one-way'; readonly direction: OneWayDirection }
  | { readonly kind: 'link-delay'; readonly delayMs: number; readonly jitterMs: number }
  | { readonly kind: 'link-loss'; readonly loss: number }
  | { readonly kind: 'transfer-leader'; readonly candidateRank: number };

export interface FaultStep {
  /** Offset from the start of the run's fault phase. */
  readonly atMs: number;
  /** How long the fault stays before it is undone. */
  readonly holdMs: number;
  readonly fault: Fault;
  /** True when the fault takes away the quorum on purpose (no write may then succeed). */
  readonly quorumLost: boolean;
}

/** Quorum-loss episodes start only after this share of the run, so the run begins with minority faults. */
const QUORUM_LOSS_START_SHARE = 0.3;
const QUORUM_LOSS_CHANCE = 0.2;
const FIRST_FAULT_AT_MS = 300;
const HOLD_MS_MIN = 400;
const HOLD_MS_MAX = 1800;
const GAP_MS_MIN = 250;
const GAP_MS_MAX = 700;
/** A run longer than this would plan more episodes than a report can show. */
export const STEPS_MAX = 10_000;

/** Kills come up twice as often as the rest: recovery from the WAL is the riskiest path. */
const MINORITY_KINDS: readonly Fault['kind'][] = [
  'kill',
  'kill',
  'pause',
  'partition',
  'isolate-leader',
  'one-way',
  'link-delay',
  'link-loss',
  'transfer-leader',
];

/** The schedule for a run of `durationMs` over members `ids`; every episode ends inside the run. */
export function planFaults(seed: number, durationMs: number, ids: readonly NodeId[]): FaultStep[] {
  if (!(ids.length >= 3)) throw new Error(`a chaos run needs at least 3 members, got ${ids.length}`);
  if (!(durationMs > 0)) throw new Error(`durationMs must be positive, got ${durationMs}`);
  const prng = new Prng(seed);
  const steps: FaultStep[] = [];
  let atMs = FIRST_FAULT_AT_MS;
  while (steps.length < STEPS_MAX) {
    const holdMs = prng.int(HOLD_MS_MIN, HOLD_MS_MAX);
    if (atMs + holdMs > durationMs) break;
    const loseQuorum = atMs >= durationMs * QUORUM_LOSS_START_SHARE && prng.chance(QUORUM_LOSS_CHANCE);
    const fault = loseQuorum ? quorumLossFault(prng, ids) : minorityFault(prng, ids);
    steps.push({ atMs, holdMs: fault.kind === 'transfer-leader' ? HOLD_MS_MIN : holdMs, fault, quorumLost: loseQuorum });
    atMs += steps[steps.length - 1]!.holdMs + prng.int(GAP_MS_MIN, GAP_MS_MAX);
  }
  return steps;
}

function minorityFault(prng: Prng, ids: readonly NodeId[]): Fault {
  const minority = Math.floor((ids.length - 1) / 2);
  const kind = prng.pick(MINORITY_KINDS);
  switch (kind) {
    case 'kill':
      return { kind, nodes: pickNodes(prng, ids, prng.int(1, minority + 1)), loseUnsynced: prng.chance(0.5) };
    case 'pause':
      return { kind, nodes: pickNodes(prng, ids, prng.int(1, minority + 1)) };
    case 'partition': {
      const cutOff = pickNodes(prng, ids, prng.int(1, minority + 1));
      return { kind, groups: [cutOff, ids.filter((id) => !cutOff.includes(id))] };
    }
    case 'isolate-leader':
      return { kind };
    case 'one-way':
      return { kind, direction: prng.chance(0.5) ? 'from-leader' : 'to-leader' };
    case 'link-delay':
      return { kind, delayMs: prng.int(2, 40), jitterMs: prng.int(0, 20) };
    case 'link-loss':
      return { kind, loss: prng.int(5, 35) / 100 };
    case 'transfer-leader':
      return { kind, candidateRank: prng.int(0, ids.length - 1) };
  }
}

/** A fault that leaves no majority able to talk: a majority killed or frozen, or everyone alone. */
function quorumLossFault(prng: Prng, ids: readonly NodeId[]): Fault {
  const majority = Math.floor(ids.length / 2) + 1;
  switch (prng.int(0, 3)) {
    case 0:
      return { kind: 'kill', nodes: pickNodes(prng, ids, majority), loseUnsynced: prng.chance(0.5) };
    case 1:
      return { kind: 'pause', nodes: pickNodes(prng, ids, majority) };
    default:
      return { kind: 'partition', groups: ids.map((id) => [id]) };
  }
}

/** `count` distinct members in id order (a partial Fisher-Yates shuffle). */
function pickNodes(prng: Prng, ids: readonly NodeId[], count: number): NodeId[] {
  if (!(count >= 1 && count <= ids.length)) throw new Error(`cannot pick ${count} of ${ids.length} members`);
  const pool = [...ids];
  for (let i = 0; i < count; i++) {
    const j = prng.int(i, pool.length);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, count).sort();
}

/** The fault's category as the report counts it. */
export function faultCategory(fault: Fault): string {
  switch (fault.kind) {
    case 'kill':
      return fault.loseUnsynced ? 'kill (lose unsynced)' : 'kill';
    case 'partition':
      return fault.groups.length === 2 ? 'partition (minority)' : 'partition (everyone alone)';
    case 'one-way':
      return `one-way cut (${fault.direction})`;
    default:
      return fault.kind;
  }
}

/** One readable line per step, e.g. "  1.20 s  kill n2 (lose unsynced) for 900 ms". */
export function describeStep(step: FaultStep): string {
  const at = (step.atMs / 1000).toFixed(2).padStart(6);
  const quorum = step.quorumLost ? '  [quorum lost]' : '';
  return `${at} s  ${describeFault(step.fault)} for ${step.holdMs} ms${quorum}`;
}

export function describeFault(fault: Fault): string {
  switch (fault.kind) {
    case 'kill':
      return `kill ${fault.nodes.join(',')}${fault.loseUnsynced ? ' (lose unsynced)' : ''}`;
    case 'pause':
      return `pause ${fault.nodes.join(',')}`;
    case 'partition':
      return `partition ${fault.groups.map((g) => g.join(',')).join(' | ')}`;
    case 'isolate-leader':
      return 'isolate the leader';
    case 'one-way':
      return fault.direction === 'from-leader' ? "cut the leader's outgoing links" : "cut the leader's incoming links";
    case 'link-delay':
      return `delay every link ${fault.delayMs}±${fault.jitterMs} ms`;
    case 'link-loss':
      return `lose ${Math.round(fault.loss * 100)}% on every link`;
    case 'transfer-leader':
      return `transfer leadership (candidate #${fault.candidateRank})`;
  }
}

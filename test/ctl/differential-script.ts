// Scripted ctl sessions for the differential test: a step is one command line with
// placeholders ({P} the run's key prefix, {MI:k} the modifiedIndex of {P}/k, {LIVE}/{DEAD}
// endpoints) and, for watches, the writes that wake them. The same script runs once through
// etcdctl and once through runCtl, on two prefixes, and the outcomes are normalized so that
// prefixes, index numbers (as offsets from the run's first index) and TTLs compare equal.

import { V2Client } from '../../src/client/index.js';
import { runEtcdctl, runInProcess, untilLines, type CtlOutcome } from './ctl-harness.js';
import { waitUntil } from '../support/wait-until.js';

export type Trigger = { set: [key: string, value: string]; lines?: number } | { mkdir: string; lines?: number };

export interface Step {
  args: string[];
  stdin?: string;
  /** Listings without --sort come in the server's map order. */
  sortLines?: boolean;
  /** Compare only stderr and the exit code (global help lists etcdctl-only commands). */
  ignoreStdout?: boolean;
  /** Writes that wake a watch, each awaited until stdout has `lines` lines. */
  triggers?: Trigger[];
  /** End the command with an interrupt after the triggers (watch --forever, exec-watch). */
  interrupt?: boolean;
}

export interface ScriptContext {
  client: V2Client;
  endpoints: string[];
  deadEndpoint: string;
}

export type Runner = typeof runEtcdctl;
export const RUNNERS = { etcdctl: runEtcdctl, runCtl: runInProcess } as const;

export interface StepRecord extends CtlOutcome {
  step: string;
}

/** Runs every step with `runner` under `prefix` and returns the normalized outcomes. */
export async function runScript(steps: Step[], prefix: string, runner: Runner, context: ScriptContext): Promise<StepRecord[]> {
  const baseIndex = (await context.client.keys.get('/', { quorum: true })).etcdIndex;
  const records: StepRecord[] = [];
  const env = { ETCDCTL_ENDPOINTS: context.endpoints.join(',') };
  for (const step of steps) {
    await untilMembersAgree(context);
    const args = await Promise.all(step.args.map((a) => expand(a, prefix, context)));
    if (step.triggers) await untilNoWatchers(context);
    const outcome = await runner(args, {
      env,
      stdin: step.stdin,
      drive: step.triggers ? (output) => driveTriggers(step.triggers!, prefix, context, output) : undefined,
      interruptAfterDrive: step.interrupt,
    });
    records.push(normalizeOutcome(step, outcome, prefix, baseIndex));
  }
  return records;
}

async function expand(arg: string, prefix: string, context: ScriptContext): Promise<string> {
  let text = arg.replaceAll('{P}', prefix).replaceAll('{LIVE}', context.endpoints[0]).replaceAll('{DEAD}', context.deadEndpoint);
  for (const match of text.matchAll(/\{MI(-1)?:([^}]+)\}/g)) {
    const node = (await context.client.keys.get(`${prefix}/${match[2]}`, { quorum: true })).node;
    const index = (node.modifiedIndex ?? 0) - (match[1] ? 1 : 0);
    text = text.replace(match[0], String(index));
  }
  return text;
}

/**
 * Waits until every member reports the same index. A command may be served by any member (ctl
 * tools sync the member list and pick one), and a follower applies a write a moment after the
 * member that took it has answered: a read right after could see one write less there, in real
 * etcd as in raftyard. Each step starts from a store every member agrees on.
 */
async function untilMembersAgree(context: ScriptContext): Promise<void> {
  let indexes: (string | null)[] = [];
  const agree = async (): Promise<boolean> => {
    indexes = await Promise.all(context.endpoints.map(memberIndex));
    return new Set(indexes).size === 1;
  };
  await waitUntil(agree, () => `the members' indexes agree (last seen: ${indexes.join(', ')})`);
}

/** The member's X-Etcd-Index, from a read of a key that does not exist (a small answer). */
async function memberIndex(endpoint: string): Promise<string | null> {
  const answer = await fetch(`${endpoint}/v2/keys/differential-index-probe`);
  await answer.arrayBuffer();
  return answer.headers.get('x-etcd-index');
}

/** Waits for the watch to be registered on a member, then writes each trigger in turn. */
async function driveTriggers(triggers: Trigger[], prefix: string, context: ScriptContext, output: () => string): Promise<void> {
  await untilWatchers(context, (count) => count > 0);
  for (const trigger of triggers) {
    if ('set' in trigger) await context.client.keys.set(`${prefix}/${trigger.set[0]}`, trigger.set[1]);
    else await context.client.keys.set(`${prefix}/${trigger.mkdir}`, '', { dir: true });
    if (trigger.lines !== undefined) await untilLines(output, trigger.lines);
  }
}

async function watcherCount(context: ScriptContext): Promise<number> {
  let total = 0;
  for (const endpoint of context.endpoints) {
    const stats = await fetch(`${endpoint}/v2/stats/store`).then((r) => r.json() as Promise<{ watchers: number }>);
    total += stats.watchers;
  }
  return total;
}

function untilWatchers(context: ScriptContext, done: (count: number) => boolean): Promise<void> {
  return waitUntil(async () => done(await watcherCount(context)), 'the watch count on the members changes');
}

/** A watch of the previous step may still be registered; start from a clean count. */
function untilNoWatchers(context: ScriptContext): Promise<void> {
  return untilWatchers(context, (count) => count === 0);
}

function normalizeOutcome(step: Step, outcome: CtlOutcome, prefix: string, baseIndex: number): StepRecord {
  const clean = (text: string): string => normalizeText(text, prefix, baseIndex);
  let stdout = clean(outcome.stdout);
  if (step.sortLines) stdout = stdout.split('\n').sort().join('\n');
  if (step.ignoreStdout) stdout = '<not compared>';
  return { step: step.args.join(' '), stdout, stderr: clean(outcome.stderr), code: outcome.code };
}

/** Replaces the run's prefix, index numbers (as offsets), in-order names and TTLs with tokens. */
export function normalizeText(text: string, prefix: string, baseIndex: number): string {
  const offset = (n: string): string => `#${Number(n) - baseIndex}`;
  return text
    .replaceAll(prefix, '{P}')
    .replace(/\/(\d{20})\b/g, (_, n: string) => `/<${offset(n)}>`)
    .replace(/(Created-Index|Modified-Index|Index): (\d+)/g, (_, label: string, n: string) => `${label}: ${offset(n)}`)
    .replace(/"(createdIndex|modifiedIndex)":(\d+)/g, (_, label: string, n: string) => `"${label}":${offset(n)}`)
    .replace(/\) \[(\d+)\]$/gm, (_, n: string) => `) [${offset(n)}]`)
    .replace(/Compare failed \(\[([^\]]*)\]\)/g, (whole: string) => whole.replace(/\d+/g, offset))
    .replace(/MODIFIED_INDEX=(\d+)/g, (_, n: string) => `MODIFIED_INDEX=${offset(n)}`)
    .replace(/TTL: [1-9]\d*/g, 'TTL: <ttl>')
    .replace(/"ttl":\d+/g, '"ttl":<ttl>')
    .replace(/"expiration":"[^"]*"/g, '"expiration":<time>');
}

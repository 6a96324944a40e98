// `raftyard bench --cpu-prof DIR`: where each thread of a run spent its measured windows. Every
// phase's profiles (one per member thread of a started target, one per load-generator thread) are
// written to DIR as .cpuprofile files, which Chrome DevTools, VS Code and speedscope open, and are
// tallied per thread over the rounds into how busy the thread was and which functions took its
// time (self time: the samples that stood in the function itself, not in what it called).

import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { CpuProfile } from '../util/cpu-profiler.js';

/** One thread's profile of one phase: `thread` names it (n1, generator 1), `role` is a member's. */
export interface NamedCpuProfile {
  thread: string;
  role?: string;
  profile: CpuProfile;
}

export interface ProfiledFunction {
  /** The function's name, '(anonymous)', or V8's own entries: (program), (garbage collector). */
  name: string;
  /** file:line of its source, or '' for native code and V8's own entries. */
  where: string;
  selfMs: number;
  /** selfMs over the thread's busy time. */
  shareOfBusy: number;
}

export interface ThreadCpuSummary {
  thread: string;
  /** The roles a member had as each of its profiles stopped, in the order first seen. */
  roles: string[];
  /** Time the thread was sampled, summed over the rounds. */
  profiledMs: number;
  /** Sampled time not idle (in JavaScript, native code, the collector or V8 itself). */
  busyMs: number;
  busyShare: number;
  /** busyMs per measured operation of the target, in µs. */
  busyUsPerOperation: number | null;
  /** The functions with the most self time, most first. */
  top: ProfiledFunction[];
  files: string[];
}

/** V8's entry for samples that found the thread waiting (in its event loop, mostly). */
const IDLE = '(idle)';
const TOP_FUNCTIONS = 8;

interface ThreadTally {
  roles: string[];
  profiledUs: number;
  selfUs: Map<string, { name: string; where: string; us: number }>;
  files: string[];
}

/** Each sample's time: until the next sample, and the last one until the profile's end. */
function sampleDurationsUs(profile: CpuProfile): number[] {
  const { samples, timeDeltas } = profile;
  const durations = new Array<number>(samples.length);
  let at = profile.startTime;
  const times = timeDeltas.map((delta) => (at += delta));
  for (let i = 0; i < samples.length; i++) durations[i] = Math.max(0, (i + 1 < times.length ? times[i + 1] : profile.endTime) - times[i]);
  return durations;
}

/** Accumulates the profiles of a target's phases, thread by thread. */
export class CpuProfileTally {
  private readonly threads = new Map<string, ThreadTally>();

  add(named: NamedCpuProfile, file: string): void {
    let tally = this.threads.get(named.thread);
    if (tally === undefined) this.threads.set(named.thread, (tally = { roles: [], profiledUs: 0, selfUs: new Map(), files: [] }));
    if (named.role !== undefined && !tally.roles.includes(named.role)) tally.roles.push(named.role);
    tally.files.push(file);
    const { profile } = named;
    const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
    const durations = sampleDurationsUs(profile);
    tally.profiledUs += Math.max(0, profile.endTime - profile.startTime);
    profile.samples.forEach((nodeId, i) => {
      const frame = nodes.get(nodeId)?.callFrame;
      const name = frame === undefined ? '(unknown)' : frame.functionName === '' ? '(anonymous)' : frame.functionName;
      // Waiting counts in the profiled time only: busy is the sum of the rest.
      if (name === IDLE) return;
      const where = frame === undefined || frame.url === '' ? '' : `${basename(frame.url)}:${frame.lineNumber + 1}`;
      const key = `${name}\u0000${where}`;
      const entry = tally.selfUs.get(key);
      if (entry === undefined) tally.selfUs.set(key, { name, where, us: durations[i] });
      else entry.us += durations[i];
    });
  }

  /** Every thread profiled, members first in name order, then the load generators. */
  summaries(operations: number): ThreadCpuSummary[] {
    const summaries: ThreadCpuSummary[] = [];
    for (const [thread, tally] of this.threads) {
      const busyUs = [...tally.selfUs.values()].reduce((sum, entry) => sum + entry.us, 0);
      const top = [...tally.selfUs.values()]
        .sort((a, b) => b.us - a.us)
        .slice(0, TOP_FUNCTIONS)
        .map((entry) => ({ name: entry.name, where: entry.where, selfMs: entry.us / 1000, shareOfBusy: busyUs > 0 ? entry.us / busyUs : 0 }));
      summaries.push({
        thread,
        roles: tally.roles,
        profiledMs: tally.profiledUs / 1000,
        busyMs: busyUs / 1000,
        busyShare: tally.profiledUs > 0 ? busyUs / tally.profiledUs : 0,
        busyUsPerOperation: operations > 0 ? busyUs / operations : null,
        top,
        files: tally.files,
      });
    }
    const generator = (s: ThreadCpuSummary): number => (s.roles.length === 0 ? 1 : 0);
    return summaries.sort((a, b) => generator(a) - generator(b) || a.thread.localeCompare(b.thread, 'en', { numeric: true }));
  }
}

export const THREADS_HEADING =
  "where each thread's time went in the measured windows (busy: not waiting in its event loop, blocking calls such as fdatasync included; busy µs per operation; the functions with the most self time, as shares of the busy time)";

/** A thread as the reports name it: a member with the roles it had, e.g. 'n1 (leader)'. */
export function threadName(thread: ThreadCpuSummary): string {
  return thread.roles.length === 0 ? thread.thread : `${thread.thread} (${thread.roles.join(', ')})`;
}

/** A function with its source and share, e.g. 'handleReady raft-node.js:315 12%'. */
export function functionShareText(profiled: ProfiledFunction): string {
  const share = profiled.shareOfBusy * 100;
  return `${profiled.name}${profiled.where === '' ? '' : ` ${profiled.where}`} ${share.toFixed(share < 10 ? 1 : 0)}%`;
}

/** A file name's part for a label or thread name: letters, digits, '.', '_' and '-' only. */
function fileNamePart(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'x';
}

/** Writes one phase's profiles into `dir` (made if missing); returns their paths, in order. */
export async function writePhaseProfiles(dir: string, targetLabel: string, round: number, profiles: readonly NamedCpuProfile[]): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (const named of profiles) {
    const role = named.role === undefined ? '' : `-${fileNamePart(named.role)}`;
    const path = join(dir, `${fileNamePart(targetLabel)}-round${round}-${fileNamePart(named.thread)}${role}.cpuprofile`);
    await writeFile(path, JSON.stringify(named.profile));
    paths.push(path);
  }
  return paths;
}

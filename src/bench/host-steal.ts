// Host steal: the share of the machine's CPU time, over a measured window, in which a virtual CPU
// was ready to run and the hypervisor ran something else (the "steal" column of Linux's
// /proc/stat). On a shared VM it changes from minute to minute with the host's other tenants: on
// the development VM one embedded run behind 40 ms links saw 1.2% and p99 +5.6 ms over the
// floor, and an etcd run minutes later 21.8% and +58 ms, while two busy loops saw under 1%.
// Threads that sleep and wake thousands of times a second pay it at every wake. The bench reports
// it for each target's windows, so that a reader can tell a run the host slowed from a slow
// target, as with the stall watch's stalls (a pause of the whole VM is not counted as steal).

import { readFileSync } from 'node:fs';

/** Machine-wide CPU time since boot, in the kernel's clock ticks (USER_HZ). */
export interface CpuTicks {
  /** user, nice, system, idle, iowait, irq, softirq and steal added up (guest time is in user). */
  total: number;
  steal: number;
}

export interface StealSummary {
  /** Stolen ticks over all the CPU ticks of the window(s): 0 to 1. */
  share: number;
  stealTicks: number;
  cpuTicks: number;
}

/** The eight fields of /proc/stat's "cpu" line that make up its time, in order; steal is the last. */
const TIME_FIELDS = 8;
const STEAL_FIELD = 7;

/** The machine-wide "cpu" line of a /proc/stat text; null when it has none or too few fields. */
export function parseCpuTicks(procStat: string): CpuTicks | null {
  const line = procStat.split('\n').find((l) => /^cpu\s/.test(l));
  if (line === undefined) return null;
  const fields = line.trim().split(/\s+/).slice(1, 1 + TIME_FIELDS).map(Number);
  if (fields.length < TIME_FIELDS || !fields.every((f) => Number.isSafeInteger(f) && f >= 0)) return null;
  return { total: fields.reduce((a, b) => a + b, 0), steal: fields[STEAL_FIELD] };
}

/** The machine's CPU ticks now; null where there is no /proc/stat (not Linux) or it cannot be read. */
export function readCpuTicks(path = '/proc/stat'): CpuTicks | null {
  try {
    return parseCpuTicks(readFileSync(path, 'latin1'));
  } catch {
    return null;
  }
}

/** The steal between two readings; null when either is missing or no tick passed between them. */
export function stealBetween(before: CpuTicks | null, after: CpuTicks | null): StealSummary | null {
  if (before === null || after === null) return null;
  const cpuTicks = after.total - before.total;
  const stealTicks = after.steal - before.steal;
  if (!(cpuTicks > 0) || stealTicks < 0) return null;
  return { share: stealTicks / cpuTicks, stealTicks, cpuTicks };
}

/** Several windows' steal as one (ticks added); null when any window's is unknown. */
export function combineSteal(summaries: readonly (StealSummary | null)[]): StealSummary | null {
  if (summaries.length === 0 || summaries.some((s) => s === null)) return null;
  const known = summaries as readonly StealSummary[];
  const stealTicks = known.reduce((sum, s) => sum + s.stealTicks, 0);
  const cpuTicks = known.reduce((sum, s) => sum + s.cpuTicks, 0);
  return { share: stealTicks / cpuTicks, stealTicks, cpuTicks };
}

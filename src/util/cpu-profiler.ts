// Samples the calling thread's JavaScript stacks with V8's profiler (through node:inspector, which
// each worker thread has for itself) between start() and stop(), and hands back the profile in the
// .cpuprofile format that Chrome DevTools, VS Code and speedscope open. `raftyard bench --cpu-prof`
// uses one in every member thread and load-generator thread to profile the measured windows alone,
// where `node --cpu-prof` would also take in start-up and warm-up.

import { Session } from 'node:inspector/promises';

/** One call site in a profile's call tree (the .cpuprofile node, with the fields we read). */
export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number; scriptId: string };
  hitCount?: number;
  children?: number[];
}

/** A V8 CPU profile: the call tree, and which node each sample hit and when (µs). */
export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * V8's own default. Each sample interrupts the thread (a signal from V8's sampler thread), which
 * on a VM whose idle cores halt also wakes a core: at 250 µs one client's median latency rose from
 * about 0.7 to 1.33 ms on the development VM (at 1 ms, to 0.96 ms), and at 1 ms a 9 s window still
 * gives each thread 9,000 samples.
 */
export const SAMPLING_INTERVAL_US_DEFAULT = 1000;

export class ThreadCpuProfiler {
  private session: Session | null = null;
  private running = false;
  private closed = false;

  get isRunning(): boolean {
    return this.running;
  }

  /** Starts sampling this thread; refuses while it already samples. */
  async start(samplingIntervalUs = SAMPLING_INTERVAL_US_DEFAULT): Promise<void> {
    if (this.closed) throw new Error('the CPU profiler was closed');
    if (this.running) throw new Error('the CPU profiler is already running on this thread');
    if (!(Number.isInteger(samplingIntervalUs) && samplingIntervalUs > 0)) throw new RangeError(`sampling interval must be a positive integer of µs, not ${samplingIntervalUs}`);
    const session = this.connected();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: samplingIntervalUs });
    await session.post('Profiler.start');
    this.running = true;
  }

  /** Stops sampling and returns what it saw since start(). */
  async stop(): Promise<CpuProfile> {
    if (!this.running || this.session === null) throw new Error('the CPU profiler is not running on this thread');
    this.running = false;
    const { profile } = await this.session.post('Profiler.stop');
    return profile as CpuProfile;
  }

  /**
   * Stops sampling if it runs and lets the inspector session go; what was sampled is dropped. A
   * start() that comes later (one a timer was still to make) is refused.
   */
  async close(): Promise<void> {
    this.closed = true;
    if (this.running) await this.stop().catch(() => undefined);
    this.session?.disconnect();
    this.session = null;
  }

  private connected(): Session {
    if (this.session === null) {
      this.session = new Session();
      this.session.connect();
    }
    return this.session;
  }
}

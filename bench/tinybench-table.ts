// One table format for tinybench results (every micro-benchmark): a task
// that did not complete stops the benchmark, because a table with a hole in it would mislead.

import type { Bench, Task } from 'tinybench';

export interface TaskRow {
  task: string;
  'ops/s': number;
  'mean µs': string;
  'p50 µs': string;
  'p99 µs': string;
  samples: number;
}

/** The completed result of `task`; throws with the task's own error otherwise. */
export function completedResult(task: Task): Extract<Task['result'], { state: 'completed' }> {
  const result = task.result;
  if (result.state === 'errored') throw new Error(`task ${task.name} failed: ${result.error.message}`);
  if (result.state !== 'completed') throw new Error(`task ${task.name} ended ${result.state}`);
  return result;
}

export function taskRows(bench: Bench): TaskRow[] {
  return bench.tasks.map((task) => {
    const { latency } = completedResult(task);
    return {
      task: task.name,
      // From the mean latency: tinybench's own throughput is a mean of 1/latency, which the
      // fastest samples inflate (a 1 µs sample counts as 1M/s however slow the others are).
      'ops/s': Math.round(1000 / latency.mean),
      'mean µs': (latency.mean * 1000).toFixed(2),
      'p50 µs': (latency.p50 * 1000).toFixed(2),
      'p99 µs': (latency.p99 * 1000).toFixed(2),
      samples: task.runs,
    };
  });
}

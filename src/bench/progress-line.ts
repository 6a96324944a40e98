// The live progress line for a terminal: one line rewritten in place with the phase, the time
// left and the operations so far. The CLI uses it only when stdout is a TTY.

import type { BenchProgress } from './run-bench.js';

export interface ProgressLine {
  update(progress: BenchProgress): void;
  /** Erases the line so that the table starts on a clean one. */
  clear(): void;
}

export function createProgressLine(write: (text: string) => void): ProgressLine {
  return {
    update: (p) => {
      const elapsedS = Math.min(p.elapsedMs, p.phaseMs) / 1000;
      const rate = p.elapsedMs > 0 ? Math.round(p.completed / (p.elapsedMs / 1000)) : 0;
      write(`\r\x1b[2K${p.target} round ${p.round}/${p.rounds}  ${elapsedS.toFixed(1)}/${(p.phaseMs / 1000).toFixed(1)} s  ${p.completed} ops (${rate}/s)  ${p.errors} errors`);
    },
    clear: () => write('\r\x1b[2K'),
  };
}

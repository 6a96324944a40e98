// Vitest settings for the example: Node environment, one file at a time (each starts a cluster).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { environment: 'node', fileParallelism: false, testTimeout: 20_000, hookTimeout: 30_000 },
});

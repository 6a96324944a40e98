// Writes the JSON file (every figure and the full configuration) and the HTML report, creating
// their folders as needed.

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { renderHtmlReport } from './report-html.js';
import type { BenchResult } from './run-bench.js';

export async function writeReportFiles(result: BenchResult, paths: { jsonPath?: string; htmlPath?: string }): Promise<string[]> {
  const written: string[] = [];
  if (paths.jsonPath) {
    await mkdir(dirname(paths.jsonPath), { recursive: true });
    await writeFile(paths.jsonPath, `${JSON.stringify(result, null, 2)}\n`);
    written.push(paths.jsonPath);
  }
  if (paths.htmlPath) {
    await mkdir(dirname(paths.htmlPath), { recursive: true });
    await writeFile(paths.htmlPath, renderHtmlReport(result));
    written.push(paths.htmlPath);
  }
  return written;
}

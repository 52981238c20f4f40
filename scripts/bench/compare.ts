// The compare case of the benchmark (issue 13): the bench image (~50,000 files) against a rebuild of it (a fresh
// RUN on top, scripts/bench/rebuild.ts; untimed), both indexed first by one `layerlens analyze` each, then
// `layerlens compare <image> <rebuild> --json` timed: two indexed 50,000-file images compared from the cache,
// the whole CLI run (target ≤ 1 s on the host). The rebuilt image is removed afterwards.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawn } from 'node:child_process';
import { measure, type Measured } from './measure';
import { buildOnTop } from './rebuild';

export const COMPARE_TARGET_SECONDS = 1;

export interface CompareRuns {
  runs: Measured[];
  /** The rebuilt image compared with the base, and how many changed paths the comparison found. */
  rebuilt: string;
  changes: number | null;
}

export async function benchCompare(options: {
  dockerCli: string;
  host: string;
  cli: string;
  base: string;
  rounds: number;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
}): Promise<CompareRuns> {
  const { dockerCli, host, cli, base, rounds, env, log } = options;
  const nonce = randomBytes(8).toString('hex');
  const rebuilt = `layerlens-bench/compare:${nonce}`;
  log(`compare: building ${rebuilt} (FROM ${base} + one RUN; untimed)…`);
  await buildOnTop(dockerCli, host, base, rebuilt, nonce);
  const out = mkdtempSync(join(tmpdir(), 'layerlens-bench-compare-'));
  try {
    for (const image of [base, rebuilt]) {
      const fill = await measure(cli, ['analyze', image, '--host', host, '--json'], { env });
      if (fill.exitCode !== 0) throw new Error(`layerlens analyze ${image} failed (exit ${fill.exitCode ?? fill.signal}):\n${fill.stderrTail}`);
    }
    const reportPath = join(out, 'compare.json');
    const runs: Measured[] = [];
    for (let round = 0; round < rounds; round++) {
      const run = await measure(cli, ['compare', base, rebuilt, '--host', host, '--json'], { env, stdoutPath: reportPath });
      if (run.exitCode !== 0) throw new Error(`layerlens compare failed (exit ${run.exitCode ?? run.signal}):\n${run.stderrTail}`);
      runs.push(run);
      log(`compare round ${round + 1}/${rounds} ${run.wallSeconds.toFixed(2)} s${run.peakRssBytes ? `, peak RSS ${(run.peakRssBytes / 1048576).toFixed(0)} MiB` : ''}`);
    }
    return { runs, rebuilt, changes: changeCount(reportPath) };
  } finally {
    rmSync(out, { recursive: true, force: true });
    await removeImage(dockerCli, host, rebuilt);
  }
}

function changeCount(path: string): number | null {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { changes: unknown[] }).changes.length;
  } catch {
    return null;
  }
}

function removeImage(dockerCli: string, host: string, image: string): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(dockerCli, ['-H', host, 'rmi', '-f', image], { stdio: 'ignore' });
    child.on('error', () => resolve());
    child.on('close', () => resolve());
  });
}

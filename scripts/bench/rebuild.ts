// The rebuild case of the benchmark: each round builds `FROM layerlens-bench/big` + one RUN writing a fresh
// nonce (classic builder, no network; untimed), so its top layer is new and no cache holds it, then times
// `docker save` of that rebuilt image and `layerlens analyze` of it with the layer index cache holding the base
// (filled by the benchmark's warm-up). The rebuilt image is removed after its round.
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { measure, type Measured } from './measure';

export interface RebuildRuns {
  save: Measured[];
  rebuild: Measured[];
  /** Seconds each untimed build took, for the log. */
  buildSeconds: number[];
}

export async function benchRebuild(options: {
  dockerCli: string;
  host: string;
  cli: string;
  base: string;
  rounds: number;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
}): Promise<RebuildRuns> {
  const { dockerCli, host, cli, base, rounds, env, log } = options;
  const runs: RebuildRuns = { save: [], rebuild: [], buildSeconds: [] };
  for (let round = 0; round < rounds; round++) {
    const nonce = randomBytes(8).toString('hex');
    const tag = `layerlens-bench/rebuild:${nonce}`;
    const started = performance.now();
    await buildOnTop(dockerCli, host, base, tag, nonce);
    runs.buildSeconds.push((performance.now() - started) / 1000);
    try {
      const commands = {
        save: () => measure(dockerCli, ['-H', host, 'save', tag], {}),
        rebuild: () => measure(cli, ['analyze', tag, '--host', host, '--json'], { env }),
      };
      // Alternate which runs first: the first one warms the page cache for the new layer.
      const order: (keyof typeof commands)[] = round % 2 === 0 ? ['save', 'rebuild'] : ['rebuild', 'save'];
      for (const name of order) {
        const result = await commands[name]();
        if (result.exitCode !== 0) throw new Error(`${name} run failed (exit ${result.exitCode ?? result.signal}): ${result.command}\n${result.stderrTail}`);
        runs[name].push(result);
        log(`rebuild round ${round + 1}/${rounds} ${name.padEnd(7)} ${result.wallSeconds.toFixed(2)} s, CPU ${cpu(result)}${result.peakRssBytes ? `, peak RSS ${(result.peakRssBytes / 1048576).toFixed(0)} MiB` : ''}`);
      }
    } finally {
      await run(dockerCli, ['-H', host, 'rmi', '-f', tag]).catch(() => undefined);
    }
  }
  return runs;
}

function cpu(m: Measured): string {
  return m.userSeconds === null ? '?' : `${(m.userSeconds + m.sysSeconds!).toFixed(2)} s`;
}

/** `FROM base` + one RUN writing `nonce`: a rebuild whose top layer no cache holds (also the compare case's B). */
export function buildOnTop(dockerCli: string, host: string, base: string, tag: string, nonce: string): Promise<void> {
  const dockerfile = `FROM ${base}\nRUN echo ${nonce} > /rebuild-nonce\n`;
  return run(dockerCli, ['-H', host, 'build', '--network', 'none', '-q', '-t', tag, '-'], dockerfile, { DOCKER_BUILDKIT: '0' });
}

function run(file: string, args: string[], input?: string, env: NodeJS.ProcessEnv = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'], env: { ...process.env, ...env } });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-4000)));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${file} ${args.join(' ')} exited with ${code}: ${stderr.trim()}`))));
    if (child.stdin) {
      child.stdin.on('error', () => undefined); // seen as the exit code; a child that exits early must not crash the bench
      child.stdin.end(input);
    }
  });
}

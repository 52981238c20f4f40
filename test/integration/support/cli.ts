// Runs the built `layerlens` CLI (dist/cli.js) as a user would.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './engines';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `cwd`: where the CLI runs (it looks for .dive-ci, .hadolint.yaml and .layerlens.yaml there). */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, options: { user?: string; cwd?: string } = {}): Promise<CliResult> {
  const cli = join(ROOT, 'dist', 'cli.js');
  const [command, argv] = options.user ? ['runuser', ['-u', options.user, '--', process.execPath, cli, ...args]] : [process.execPath, [cli, ...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { cwd: options.cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

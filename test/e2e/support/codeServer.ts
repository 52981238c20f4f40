// A real VS Code for the end-to-end tests and for scripts/demo.sh: code-server (installed into .e2e/ by
// test/e2e/setup.sh) with the packaged extension installed into a fresh, throw-away user-data-dir, serving a
// workspace folder on 127.0.0.1.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..', '..');
export const E2E_DIR = process.env.LAYERLENS_E2E_DIR ?? join(ROOT, '.e2e');
const CODE_SERVER = join(E2E_DIR, 'node_modules', '.bin', 'code-server');

/** The recipe's settings: no trust prompt, no welcome page, nothing reaching for the network. */
const USER_SETTINGS = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'terminal.integrated.gpuAcceleration': 'off',
  'terminal.integrated.enablePersistentSessions': false,
  'telemetry.telemetryLevel': 'off',
  // No network here: nothing should look for updates or recommendations and pop a notification over the UI.
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
};

export interface CodeServer {
  /** The workbench URL with the workspace folder open. */
  url: string;
  port: number;
  /** Settles when code-server exits, whoever ended it. */
  exited: Promise<void>;
  /** The temp directory holding everything of this instance (user data, extensions, XDG dirs, log, the default workspace). */
  dir: string;
  workspace: string;
  userDataDir: string;
  logFile: string;
  /** Ends code-server and every process it started; removes `dir` unless LAYERLENS_E2E_KEEP is set. */
  stop(): Promise<void>;
}

export function assertInstalled(): void {
  if (!existsSync(CODE_SERVER)) throw new Error(`code-server is not installed in ${E2E_DIR}: run test/e2e/setup.sh first.`);
}

/** Builds and packages the extension as a user would get it (vsce runs the `vscode:prepublish` build). */
export async function packageExtension(outDir: string): Promise<string> {
  const vsix = join(outDir, 'layerlens.vsix');
  await run(join(ROOT, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--no-rewrite-relative-links', '--allow-missing-repository', '-o', vsix], { cwd: ROOT }, 'packaging the extension with vsce');
  return vsix;
}

export interface StartOptions {
  /** The .vsix to install; see packageExtension. */
  vsix: string;
  /** User settings on top of the defaults below (e.g. `layerlens.dockerHost`). */
  settings?: Record<string, unknown>;
  /** Extra environment for code-server and so for the extension host (e.g. DOCKER_HOST). */
  env?: NodeJS.ProcessEnv;
  /** Bound on install + start + /healthz (default 60 s). */
  timeoutMs?: number;
  /** The port on 127.0.0.1 (default: a free one). */
  port?: number;
  /** An existing folder to open (default: an empty one inside the instance's temp directory). */
  workspace?: string;
}

export async function startCodeServer(options: StartOptions): Promise<CodeServer> {
  assertInstalled();
  const timeoutMs = options.timeoutMs ?? 60_000;
  const dir = mkdtempSync(join(tmpdir(), 'layerlens-e2e-cs-'));
  const userDataDir = join(dir, 'ud');
  const extensionsDir = join(dir, 'ext');
  const workspace = options.workspace ?? join(dir, 'ws');
  const config = join(dir, 'config.yaml');
  const logFile = join(dir, 'code-server.log');
  for (const d of [join(userDataDir, 'User'), extensionsDir, workspace, join(dir, 'xdg', 'config'), join(dir, 'xdg', 'data'), join(dir, 'xdg', 'cache')]) {
    mkdirSync(d, { recursive: true });
  }
  writeFileSync(config, '');
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...USER_SETTINGS, ...options.settings }, null, 2));
  // Else code-server (and what it starts) writes into ~/.config, ~/.local/share and ~/.cache.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...options.env,
    XDG_CONFIG_HOME: join(dir, 'xdg', 'config'),
    XDG_DATA_HOME: join(dir, 'xdg', 'data'),
    XDG_CACHE_HOME: join(dir, 'xdg', 'cache'),
  };
  const common = ['--config', config, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  const cleanUp = () => {
    if (!process.env.LAYERLENS_E2E_KEEP) rmSync(dir, { recursive: true, force: true });
  };

  let port: number;
  try {
    // A port given is checked before the install, which takes seconds.
    if (options.port !== undefined) await assertPortFree(options.port);
    await run(CODE_SERVER, [...common, '--install-extension', options.vsix], { env, timeoutMs }, 'installing the extension into code-server');
    port = options.port ?? (await freePort());
  } catch (error) {
    cleanUp();
    throw error;
  }

  const log = openSync(logFile, 'a');
  // Its own process group (detached), so stop() can see and end everything it started.
  const child = spawn(
    CODE_SERVER,
    [...common, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', workspace],
    { env, detached: true, stdio: ['ignore', log, log] },
  );
  closeSync(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pid = child.pid;
  if (pid === undefined) {
    cleanUp();
    throw new Error(`code-server did not start: ${readLog(logFile)}`);
  }
  // Last resort if the test process dies without calling stop(): no code-server outlives it.
  const killOnExit = () => killGroup(pid, 'SIGKILL');
  process.once('exit', killOnExit);

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await stopProcessGroup(child, pid);
      process.removeListener('exit', killOnExit);
      cleanUp();
    })());

  try {
    await waitForHealthz(port, child, logFile, timeoutMs);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url: `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`,
    port,
    exited,
    dir,
    workspace,
    userDataDir,
    logFile,
    stop,
  };
}

async function waitForHealthz(port: number, child: ChildProcess, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited (${child.exitCode ?? child.signalCode}) before answering /healthz:\n${readLog(logFile)}`);
    }
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await delay(200);
  }
  throw new Error(`code-server did not answer http://127.0.0.1:${port}/healthz within ${timeoutMs / 1000} s:\n${readLog(logFile)}`);
}

/**
 * SIGTERM to code-server's PID, and once it has exited, SIGTERM to what is left of its process group. Its children
 * (extension host, file watcher) end on their own when they notice their parent is gone, but only within seconds,
 * and an extension host whose browser went away before its handshake never checks its parent at all (seen here when
 * the browser closed right after the workbench appeared): that one would run forever. Whatever still runs after the
 * grace period is killed, and that is an error.
 */
async function stopProcessGroup(child: ChildProcess, pid: number, graceMs = 10_000): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
    await Promise.race([exited, delay(graceMs)]);
  }
  killGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (groupAlive(pid) && Date.now() < deadline) await delay(100);
  if (groupAlive(pid)) {
    killGroup(pid, 'SIGKILL');
    while (groupAlive(pid)) await delay(50);
    throw new Error(`code-server (pid ${pid}) left processes running ${graceMs / 1000} s after SIGTERM; they were killed.`);
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Nothing left.
  }
}

/** code-server would only say EADDRINUSE in its log; this says which port and what to do. */
function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(error.code === 'EADDRINUSE' ? `Port ${port} on 127.0.0.1 is already in use; choose another one with LAYERLENS_PORT.` : `Cannot listen on 127.0.0.1:${port}: ${error.message}.`)),
    );
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const output: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => output.push(c));
    child.stderr.on('data', (c: Buffer) => output.push(c));
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${what} failed: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const text = Buffer.concat(output).toString('utf8');
      if (code === 0) resolve(text);
      else reject(new Error(`${what} failed (${signal ? `killed by ${signal}` : `exit ${code}`}):\n${lastLines(text)}`));
    });
  });
}

function readLog(file: string): string {
  try {
    return lastLines(readFileSync(file, 'utf8'));
  } catch {
    return '(no log)';
  }
}

function lastLines(text: string, count = 30): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

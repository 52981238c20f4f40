// The last step of scripts/demo.sh: installs the packaged extension into a fresh code-server (a real VS Code in
// the browser, installed by test/e2e/setup.sh), serves it on 127.0.0.1:$LAYERLENS_PORT (default 8080) with the
// fixture Dockerfiles open, prints the URL and stays in the foreground until Ctrl-C, which stops code-server and
// everything it started. The engine comes from the environment (DOCKER_HOST), as for any VS Code.
//   usage: node --import tsx scripts/codeServer.ts <extension.vsix>
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { ROOT, startCodeServer } from '../test/e2e/support/codeServer';

const DEFAULT_PORT = 8080;

function portFromEnvironment(): number {
  const text = process.env.LAYERLENS_PORT;
  if (text === undefined || text === '') return DEFAULT_PORT;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`LAYERLENS_PORT must be a port number (1 to 65535), not "${text}".`);
  return port;
}

async function main(): Promise<void> {
  const vsix = process.argv[2] && resolve(process.argv[2]);
  if (!vsix || !existsSync(vsix)) throw new Error(`No extension package at "${process.argv[2] ?? ''}"; run npm run package first, then pass the .vsix it made.`);
  const port = portFromEnvironment();
  console.log('Installing the extension into code-server and starting it…');
  // Installing and starting take seconds here, more on a busy machine.
  const starting = startCodeServer({ vsix, port, workspace: join(ROOT, 'test', 'fixtures'), timeoutMs: 180_000 });

  // From here on, Ctrl-C must end code-server too: it runs in its own process group, so the terminal's SIGINT
  // does not reach it. A signal during start-up waits for the start, then stops.
  let stopping = false;
  const stop = (why: string, exitCode: number) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${why}: stopping code-server…`);
    starting
      .then((s) => s.stop())
      .then(
        () => process.exit(exitCode),
        (error: unknown) => {
          console.error(error instanceof Error ? error.message : String(error));
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', () => stop('Ctrl-C', 0));
  process.on('SIGTERM', () => stop('SIGTERM', 0));
  process.on('SIGHUP', () => stop('SIGHUP', 0));

  const server = await starting;
  void server.exited.then(() => {
    if (stopping) return;
    // Its log goes with its temp directory: show the end of it first.
    const log = readFileSync(server.logFile, 'utf8').trimEnd().split('\n').slice(-20).join('\n');
    console.error(`${log}\ncode-server stopped by itself (its log is above); run scripts/demo.sh again.`);
    stop('code-server exited', 1);
  });

  console.log(`
Layerlens is running in VS Code (code-server), with test/fixtures open and the engine at ${process.env.DOCKER_HOST ?? 'the default host'}:

    ${server.url}

Open it in a browser on this machine (from another one: ssh -L ${port}:127.0.0.1:${port} root@${hostname()}, then the same URL).
Click the Layerlens icon in the activity bar. Ctrl-C stops it.`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});

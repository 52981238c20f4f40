// Engines that misbehave: a fake engine on a unix socket for each way an engine can fail (support/fakeEngine.ts),
// serving a real engine's answers where it answers at all. Each ends the CLI with one clear line and exit 2 (or,
// for a valid export followed by garbage, with the clean result), by itself, never a hang; Ctrl-C exits 130 and
// lets go of the socket. The engines' silence bound is 1 s here (LAYERLENS_ENGINE_IDLE_TIMEOUT).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { before, describe, test } from 'node:test';
import { FakeEngine, fetchFromEngine, head, sendJson, type Behaviour } from './support/fakeEngine';
import { ROOT } from './support/engines';
import { endpointFor } from '../../src/docker/connection';
import { DockerEngine } from '../../src/docker/engine';
import { watchEngineEvents, type EngineEvent } from '../../src/docker/events';

const REAL_SOCKET = '/var/run/docker.sock';
const IMAGE = 'layerlens-test/basics:legacy';
/** Only so that a regression fails instead of hanging the suite: a fault with a 1 s bound ends long before. */
const HANG_GUARD_MS = 60_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The guard had to kill it: it hung. */
  hung: boolean;
}

function runCli(host: string, env: NodeJS.ProcessEnv = {}, onSpawn?: (child: ReturnType<typeof spawn>) => void, extra: string[] = []): Promise<Run> {
  const args = [join(ROOT, 'dist', 'cli.js'), 'tree', IMAGE, '--json', '--no-cache', '--host', host, ...extra];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, LAYERLENS_ENGINE_IDLE_TIMEOUT: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let hung = false;
    const guard = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, HANG_GUARD_MS);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), hung });
    });
    onSpawn?.(child);
  });
}

async function withFake(behaviour: Behaviour, env?: NodeJS.ProcessEnv): Promise<{ run: Run; fake: FakeEngine }> {
  const fake = await new FakeEngine(behaviour).listen();
  try {
    const run = await runCli(fake.host, env);
    await fake.allClosed();
    return { run, fake };
  } finally {
    await fake.close();
  }
}

/** Ended by itself with exit 2 and one line on stderr matching `pattern`, nothing on stdout. */
function assertOneLine(run: Run, pattern: RegExp): void {
  assert.equal(run.hung, false, 'the CLI hung');
  assert.equal(run.code, 2, run.stderr);
  assert.equal(run.stdout, '');
  const lines = run.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, run.stderr);
  assert.match(lines[0], /^layerlens: /);
  assert.doesNotMatch(lines[0], /Unexpected error|undefined|TypeError|:\d+:\d+\)/);
  assert.match(lines[0], pattern);
}

describe('engines that misbehave', () => {
  let inspect: Buffer;
  let exported: Buffer;
  let clean: Run;

  before(async () => {
    inspect = await fetchFromEngine(REAL_SOCKET, `/images/${encodeURIComponent(IMAGE)}/json`);
    const id = (JSON.parse(inspect.toString('utf8')) as { Id: string }).Id;
    exported = await fetchFromEngine(REAL_SOCKET, `/images/${id}/get`);
    clean = await runCli(`unix://${REAL_SOCKET}`);
    assert.equal(clean.code, 0, clean.stderr);
  });

  /** A faithful engine: the real inspect, then the real export written as `writeExport` likes. */
  const serving =
    (writeExport: (socket: Socket) => void): Behaviour =>
    (req, socket) => {
      if (req.path.includes('/json')) return sendJson(socket, 200, inspect.toString('utf8'));
      if (req.path.includes('/get')) return writeExport(socket);
      sendJson(socket, 404, { message: 'page not found' });
    };

  test('a faithful fake engine gives the real engine\'s result (the baseline for the rest)', async () => {
    const { run } = await withFake(serving((socket) => socket.end(Buffer.concat([Buffer.from(head(200, 'application/x-tar')), exported]))));
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, clean.stdout);
  });

  test('an engine that accepts and never answers', async () => {
    const { run } = await withFake(() => undefined);
    assertOneLine(run, /gave no complete answer within 1 s while asked to inspect image .*it seems hung.*LAYERLENS_ENGINE_IDLE_TIMEOUT/);
  });

  test('--engine-idle-timeout overrides LAYERLENS_ENGINE_IDLE_TIMEOUT; a bound that is not a number is refused', async () => {
    const fake = await new FakeEngine(() => undefined).listen();
    try {
      const run = await runCli(fake.host, { LAYERLENS_ENGINE_IDLE_TIMEOUT: '3600' }, undefined, ['--engine-idle-timeout', '1.5']);
      assertOneLine(run, /gave no complete answer within 1\.5 s/);
      assertOneLine(await runCli(fake.host, {}, undefined, ['--engine-idle-timeout', 'soon']), /--engine-idle-timeout must be a number of seconds above 0\./);
    } finally {
      await fake.close();
    }
  });

  test('response headers trickled one byte at a time (never idle, never complete)', async () => {
    const { run } = await withFake((_req, socket) => {
      const text = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Padding: ' + 'x'.repeat(10_000);
      let i = 0;
      const timer = setInterval(() => (socket.destroyed || i >= text.length ? clearInterval(timer) : socket.write(text[i++])), 200);
      socket.on('close', () => clearInterval(timer));
    });
    assertOneLine(run, /gave no complete answer within 1 s/);
  });

  for (const size of [0, 30_000_000]) {
    const verdict = size ? 'waited for (1 s + 1 s per 10 MB: 4 s)' : 'given up after 1 s';
    test(`an export that answers after 2 s, of an image of ${size} bytes, is ${verdict}`, async () => {
      const described = JSON.stringify({ ...(JSON.parse(inspect.toString('utf8')) as object), Size: size });
      const { run } = await withFake((req, socket) => {
        if (req.path.includes('/json')) return sendJson(socket, 200, described);
        const timer = setTimeout(() => socket.end(Buffer.concat([Buffer.from(head(200, 'application/x-tar')), exported])), 2000);
        socket.on('close', () => clearTimeout(timer));
      });
      if (size) {
        assert.equal(run.code, 0, run.stderr);
        assert.equal(run.stdout, clean.stdout);
      } else assertOneLine(run, /gave no complete answer within 1 s while asked to export image/);
    });
  }

  test('an export that stalls halfway with the connection open', async () => {
    const { run } = await withFake(serving((socket) => socket.write(Buffer.concat([Buffer.from(head(200, 'application/x-tar')), exported.subarray(0, exported.length >> 1)]))));
    assertOneLine(run, /sent nothing for 1 s in the middle of its answer/);
  });

  test('a valid export followed by endless zeros: read to the end of the archive, no further, with the clean result', async () => {
    let zerosSent = 0;
    const { run } = await withFake(
      serving((socket) => {
        const zeros = Buffer.alloc(64 * 1024);
        // The first zeros go with the export, so they are on the wire whenever the reader stops.
        socket.write(Buffer.concat([Buffer.from(head(200, 'application/x-tar')), exported, zeros]));
        zerosSent += zeros.length;
        const pump = () => {
          while (!socket.destroyed && socket.write(zeros)) zerosSent += zeros.length;
        };
        socket.on('drain', pump);
        pump();
      }),
    );
    assert.equal(run.hung, false, 'the CLI hung');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, clean.stdout);
    assert.ok(zerosSent > 0, 'the fake did send zeros');
  });

  test('an inspect cut short: refused by its shape, no export of "undefined" is asked for', async () => {
    const text = inspect.toString('utf8');
    const { run, fake } = await withFake((req, socket) => {
      if (req.path.includes('/json')) return socket.end(head(200, 'application/json') + text.slice(0, text.length >> 1));
      sendJson(socket, 404, { message: 'no such image' });
    });
    assertOneLine(run, /sent the inspect of image layerlens-test\/basics:legacy in a shape no Docker API has/);
    assert.deepEqual(
      fake.requests.map((r) => r.path.replace(/\?.*/, '')),
      [`/images/${IMAGE}/json`],
    );
  });

  test('an inspect of the wrong shape (Id a number, layers not strings)', async () => {
    const { run } = await withFake((_req, socket) => sendJson(socket, 200, { Id: 42, RootFS: { Layers: [1, 2] } }));
    assertOneLine(run, /in a shape no Docker API has/);
  });

  test('an error 500 with a message', async () => {
    const { run } = await withFake((_req, socket) => sendJson(socket, 500, { message: 'layer store is corrupt' }));
    assertOneLine(run, /could not inspect image .*: .*layer store is corrupt\.$/);
  });

  test('404: no such image', async () => {
    const { run } = await withFake((_req, socket) => sendJson(socket, 404, { message: 'No such image' }));
    assertOneLine(run, /There is no image "layerlens-test\/basics:legacy" on unix:/);
  });

  test('the connection dropped before any answer', async () => {
    const { run } = await withFake((_req, socket) => socket.destroy());
    assertOneLine(run, /closed the connection while trying to inspect image/);
  });

  test('the wrong content type (an HTML page for the inspect)', async () => {
    const { run } = await withFake((_req, socket) => {
      const page = '<html><body>Welcome to nginx!</body></html>';
      socket.end(head(200, 'text/html', page.length) + page);
    });
    assertOneLine(run, /in a shape no Docker API has/);
  });

  test('an export cut off halfway (the connection closed)', async () => {
    const { run } = await withFake(serving((socket) => socket.end(Buffer.concat([Buffer.from(head(200, 'application/x-tar')), exported.subarray(0, exported.length >> 1)]))));
    assertOneLine(run, /truncated|closed the connection/);
  });

  test('an export that is not a tar', async () => {
    const { run } = await withFake(serving((socket) => socket.end(head(200, 'application/x-tar') + 'this is not a tar archive at all'.repeat(40))));
    assertOneLine(run, /is not a tar archive/);
  });

  test('no engine at the socket', async () => {
    const run = await runCli('unix:///tmp/layerlens-no-such-engine.sock');
    assertOneLine(run, /No Docker engine at .*the socket does not exist/);
  });

  test('the event stream may stay quiet far beyond the bound once it has answered; its answer is bounded', async () => {
    let subscriptions = 0;
    const fake = await new FakeEngine((_req, socket) => {
      if (++subscriptions > 1) return; // the second subscription is never answered
      socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n');
      const line = JSON.stringify({ Type: 'image', Action: 'tag', Actor: { ID: 'sha256:' + 'a'.repeat(64), Attributes: { name: 'x:1' } } }) + '\n';
      // Quiet for 5 bounds, then one event.
      const timer = setTimeout(() => socket.write(`${Buffer.byteLength(line).toString(16)}\r\n${line}\r\n`), 1000);
      socket.on('close', () => clearTimeout(timer));
    }).listen();
    try {
      const engine = new DockerEngine(endpointFor(fake.host, 'test', undefined), { idleSeconds: 0.2 });
      const abort = new AbortController();
      const events: EngineEvent[] = [];
      await watchEngineEvents(engine, (event) => (events.push(event), abort.abort()), abort.signal);
      assert.deepEqual(events.map((e) => [e.type, e.action, e.name]), [['image', 'tag', 'x:1']]);
      await assert.rejects(watchEngineEvents(engine, () => undefined, new AbortController().signal), {
        message: /gave no complete answer within 0\.2 s while asked to watch engine events/,
      });
    } finally {
      await fake.close();
    }
  });

  for (const where of ['while the engine never answers the inspect', 'while the export stalls'] as const) {
    test(`Ctrl-C ${where}: exit 130, and the socket is let go`, async () => {
      let asked = false;
      const fake = await new FakeEngine((req, socket) => {
        if (where === 'while the export stalls') {
          if (req.path.includes('/json')) return sendJson(socket, 200, inspect.toString('utf8'));
          socket.write(Buffer.concat([Buffer.from(head(200, 'application/x-tar')), exported.subarray(0, 4096)]));
        }
        asked = true;
      }).listen();
      try {
        // A bound far beyond the guard: only the Ctrl-C can end this run.
        const run = await runCli(fake.host, { LAYERLENS_ENGINE_IDLE_TIMEOUT: '3600' }, (child) => {
          fake.every(20, () => {
            if (!asked) return;
            child.kill('SIGINT');
            return false;
          });
        });
        assert.equal(run.hung, false, 'Ctrl-C did not end the CLI');
        assert.equal(run.code, 130, run.stderr);
        assert.equal(run.stderr, 'layerlens: Cancelled.\n');
        await fake.allClosed();
        assert.equal(fake.openConnections, 0);
      } finally {
        await fake.close();
      }
    });
  }
});

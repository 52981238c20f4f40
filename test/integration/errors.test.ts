// Bad input gets one clear sentence and exit code 2, never a stack trace or a hang: missing images,
// engines that are down or forbidden, files that are not image archives, truncated and corrupt archives,
// and a cancelled export that frees the engine at once.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, mkdirSync, truncateSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { before, describe, test } from 'node:test';
import { CancelledError, LayerlensError } from '../../src/core/errors';
import { loadImage } from '../../src/docker/imageLoader';
import { runCli } from './support/cli';
import { connect, escapeRegExp, oneEngine } from './support/engines';
import { saveImageToFile } from './support/saveImage';

const info = oneEngine();
const engine = connect(info);
const dir = mkdtempSync(join(tmpdir(), 'layerlens-errors-'));
const env = { DOCKER_HOST: info.host, LAYERLENS_CACHE_DIR: join(dir, 'cache') };
const saved = join(dir, 'basics.tar');

/** Exit 2 and exactly one line on stderr that matches `pattern`, nothing that looks like a stack. */
async function expectOneLineError(args: string[], pattern: RegExp, extraEnv: NodeJS.ProcessEnv = {}, user?: string): Promise<void> {
  const r = await runCli(args, { ...env, ...extraEnv }, { user });
  assert.equal(r.code, 2, `exit code for ${args.join(' ')}: ${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line: ${r.stderr}`);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(r.stdout, '', 'nothing on stdout');
}

describe('errors users meet', () => {
  before(async () => saveImageToFile(engine, 'layerlens-test/basics:legacy', saved));

  // A name the engine lacks is then asked of its registry (issue 12); with neither, one line names both failures.
  test('no such image names the image and the host', () =>
    expectOneLineError(
      ['layers', 'layerlens-test/no-such:image'],
      new RegExp(`^layerlens: There is no image "layerlens-test/no-such:image" on ${escapeRegExp(info.host)}; reading docker\\.io/layerlens-test/no-such:image from its registry instead failed too: `),
    ));

  test('no engine on a socket says which socket and what to do', () =>
    expectOneLineError(['layers', 'busybox'], /No Docker engine at unix:\/\/\/tmp\/layerlens-nothing\.sock \(from DOCKER_HOST\): the socket does not exist\. Start Docker/, {
      DOCKER_HOST: 'unix:///tmp/layerlens-nothing.sock',
    }));

  test('nothing listening on a TCP port: connection refused', () =>
    expectOneLineError(['layers', 'busybox', '--host', 'tcp://127.0.0.1:1'], /No Docker engine answers at tcp:\/\/127\.0\.0\.1:1 \(from --host\): connection refused/));

  test('permission denied on the socket explains the docker group', () =>
    expectOneLineError(
      ['layers', 'busybox', '--host', 'unix:///var/run/docker.sock'],
      /Permission denied on unix:\/\/\/var\/run\/docker\.sock \(from --host\)\. Add your user to the "docker" group/,
      { LAYERLENS_CACHE_DIR: join(tmpdir(), 'layerlens-nobody-cache'), HOME: '/nonexistent' },
      'nobody',
    ));

  test('a file that is not an archive, an empty file, a zip and a directory without index.json', async () => {
    const junk = join(dir, 'junk.tar');
    writeFileSync(junk, Buffer.alloc(4096, 0x41));
    await expectOneLineError(['layers', junk], /is not a tar archive \(or is corrupt\)\.$/);
    const empty = join(dir, 'empty.tar');
    writeFileSync(empty, '');
    await expectOneLineError(['layers', empty], /is empty; it is not an image archive\.$/);
    const zip = join(dir, 'image.zip');
    writeFileSync(zip, Buffer.from('PK\x03\x04rest of a zip', 'latin1'));
    await expectOneLineError(['layers', zip], /is a zip file, not an image archive/);
    const notLayout = join(dir, 'not-a-layout');
    mkdirSync(notLayout);
    await expectOneLineError(['layers', notLayout], /is not an OCI image layout: it has no index\.json\.$/);
    await expectOneLineError(['layers', join(dir, 'missing.tar')], /There is no file or directory .*missing\.tar\.$/);
  });

  test('a truncated archive and a corrupt compressed one', async () => {
    const truncated = join(dir, 'truncated.tar');
    writeFileSync(truncated, readFileSync(saved));
    truncateSync(truncated, Math.floor(statSync(saved).size * 0.6));
    await expectOneLineError(['layers', truncated], /truncated/);
    const corrupt = join(dir, 'corrupt.tar.gz');
    const gz = gzipSync(readFileSync(saved));
    for (let i = Math.floor(gz.length / 2); i < gz.length / 2 + 64; i++) gz[i] ^= 0xff;
    writeFileSync(corrupt, gz);
    await expectOneLineError(['layers', corrupt], /corrupt/);
  });

  test('an export cancelled mid-stream stops at once and leaves the engine usable', async () => {
    const abort = new AbortController();
    let progressCalls = 0;
    const started = Date.now();
    await assert.rejects(
      loadImage('layerlens-test/basics:legacy', {
        engine: () => engine,
        noCache: true,
        signal: abort.signal,
        onProgress: () => {
          progressCalls++;
          abort.abort();
        },
      }),
      (error: unknown) => error instanceof CancelledError && error instanceof LayerlensError && error.kind === 'cancelled',
    );
    assert.equal(progressCalls, 1, 'no progress after the cancel');
    assert.ok(Date.now() - started < 30_000);
    // The engine is free: the next export completes.
    const again = await loadImage('layerlens-test/basics:legacy', { engine: () => engine, noCache: true });
    assert.ok(again.model.layerCount > 3);
  });
});

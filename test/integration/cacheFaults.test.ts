// A damaged cache, end to end: the CLI on a real engine image with its cache (LAYERLENS_CACHE_DIR) damaged every way
// a disk, a user or another process can. Each run gives the clean result (or that and one warning line when the
// cache cannot be written), and the run after it is right, from a repaired cache. The IndexCache alone:
// test/unit/cacheFaults.test.ts.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { ROOT } from './support/engines';

const IMAGE = 'layerlens-test/basics:legacy';
const HOST = 'unix:///var/run/docker.sock';
/** The ceiling for any input. */
const MAX_RSS_KIB = 300 * 1024;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Peak RSS of the CLI, from /usr/bin/time. */
  maxRssKib: number;
}

/** `tree --json` (every path of the image) with the cache in `cacheDir`; as `user` (with the docker group) if given. */
function runTree(cacheDir: string, user?: string): Promise<Run> {
  const cli = [process.execPath, join(ROOT, 'dist', 'cli.js'), 'tree', IMAGE, '--json', '--host', HOST];
  const timed = ['/usr/bin/time', '-f', 'maxrss=%M', ...cli];
  const [command, ...args] = user ? ['runuser', '-u', user, '-g', 'docker', '--', ...timed] : timed;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, LAYERLENS_CACHE_DIR: cacheDir }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      const stderr = Buffer.concat(err).toString('utf8');
      const rss = /maxrss=(\d+)\n?$/.exec(stderr);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: stderr.replace(/maxrss=\d+\n?$/, ''), maxRssKib: Number(rss?.[1] ?? NaN) });
    });
  });
}

async function newCacheDir(): Promise<string> {
  return join(await fs.mkdtemp(join(tmpdir(), 'layerlens-cache-faults-')), 'cache');
}

/** Every entry file of a cache (layers, images, analyses, member facts). */
async function entryFiles(cacheDir: string): Promise<string[]> {
  const files: string[] = [];
  for (const kind of await fs.readdir(cacheDir)) for (const f of await fs.readdir(join(cacheDir, kind))) files.push(join(cacheDir, kind, f));
  return files;
}

describe('a damaged cache, end to end', () => {
  let clean: Run;
  /** A cache filled by a clean run, copied for each test. */
  let warmed: string;

  before(async () => {
    warmed = await newCacheDir();
    clean = await runTree(warmed);
    assert.equal(clean.code, 0, clean.stderr);
    assert.equal(clean.stderr, '');
  });

  async function warmCopy(): Promise<string> {
    const dir = await newCacheDir();
    await fs.cp(warmed, dir, { recursive: true });
    return dir;
  }

  /** The run gave the clean result and no word on stderr, as does the next (from the cache it repaired). */
  async function assertCleanTwice(cacheDir: string, first: Run): Promise<void> {
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stderr, '');
    assert.equal(first.stdout, clean.stdout);
    assert.ok(first.maxRssKib < MAX_RSS_KIB, `peak RSS ${first.maxRssKib} KiB`);
    const next = await runTree(cacheDir);
    assert.equal(next.code, 0, next.stderr);
    assert.equal(next.stdout, clean.stdout);
  }

  test('a warm run gives the clean result (the baseline)', async () => {
    const dir = await warmCopy();
    await assertCleanTwice(dir, await runTree(dir));
  });

  test('every entry truncated to half, or replaced by random bytes', async () => {
    for (const damage of ['truncate', 'random'] as const) {
      const dir = await warmCopy();
      for (const file of await entryFiles(dir)) {
        const bytes = await fs.readFile(file);
        await fs.writeFile(file, damage === 'truncate' ? bytes.subarray(0, bytes.length >> 1) : Buffer.from(bytes.map((_, i) => (i * 7919 + 13) & 0xff)));
      }
      await assertCleanTwice(dir, await runTree(dir));
    }
  });

  test('a layer entry holding "/../../etc/evil": ignored, read again from the image, rewritten', async () => {
    const dir = await warmCopy();
    const layers = (await entryFiles(dir)).filter((f) => f.includes('/layers/'));
    for (const file of layers) {
      const stored = JSON.parse(await fs.readFile(file, 'utf8'));
      stored.entries.push(['/../../etc/evil', 'f', 4, 0o644, 0, 0, 0, 0]);
      await fs.writeFile(file, JSON.stringify(stored));
    }
    const run = await runTree(dir);
    assert.doesNotMatch(run.stdout, /evil|\/\.\.\//);
    await assertCleanTwice(dir, run);
    for (const file of layers) assert.doesNotMatch(await fs.readFile(file, 'utf8'), /evil/);
  });

  test('every entry a symlink to /dev/zero: not followed, peak RSS bounded, replaced by real entries', async () => {
    const dir = await warmCopy();
    const files = await entryFiles(dir);
    for (const file of files) {
      await fs.rm(file);
      await fs.symlink('/dev/zero', file);
    }
    await assertCleanTwice(dir, await runTree(dir));
    const stillLinks = (await Promise.all(files.map((f) => fs.lstat(f).then((s) => s.isSymbolicLink(), () => false)))).filter(Boolean);
    assert.ok(stillLinks.length < files.length, 'the next writes replaced the links');
  });

  test('the cache directory is a file: the clean result and one warning line, every run', async () => {
    const dir = await newCacheDir();
    await fs.writeFile(dir, 'not a directory');
    for (let i = 0; i < 2; i++) {
      const run = await runTree(dir);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, clean.stdout);
      assert.equal(run.stderr, `warning: Could not write the index cache in ${dir}: a file stands where a directory of the cache should be\n`);
    }
    assert.equal(await fs.readFile(dir, 'utf8'), 'not a directory');
  });

  test('no permission (as nobody; root would bypass it): the clean result and one warning line', async () => {
    const dir = await warmCopy(); // root's, mode 700 below: nobody can neither read nor write it
    await fs.chmod(join(dir, '..'), 0o755);
    await fs.chmod(dir, 0o700);
    const run = await runTree(dir, 'nobody');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, clean.stdout);
    assert.equal(run.stderr, `warning: Could not write the index cache in ${dir}: permission denied\n`);
  });

  test('four processes filling one empty cache at once: each gives the clean result; the cache is whole after', async () => {
    const dir = await newCacheDir();
    const runs = await Promise.all([1, 2, 3, 4].map(() => runTree(dir)));
    for (const run of runs) {
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stderr, '');
      assert.equal(run.stdout, clean.stdout);
    }
    assert.deepEqual((await entryFiles(dir)).filter((f) => f.endsWith('.tmp')), []);
    await assertCleanTwice(dir, await runTree(dir));
  });

  test('a writer killed with kill -9 in the middle of writing: the next run is right', async () => {
    const dir = await warmCopy();
    // A process rewriting the image's own layer entries (and a big one of another layer) in a loop, killed once a
    // temporary file shows a write under way.
    const script = `
      const { IndexCache } = require(${JSON.stringify(join(ROOT, 'src', 'core', 'index', 'indexCache.ts'))});
      const { readdirSync } = require('node:fs');
      const cache = new IndexCache(${JSON.stringify(dir)});
      (async () => {
        const ids = readdirSync(${JSON.stringify(join(dir, 'layers'))}).map((f) => f.replace('.json', '').replace('-', ':'));
        const layers = await Promise.all(ids.map((id) => cache.readLayer(id)));
        // Between them, a big entry of another layer, so a write lasts long enough to be caught in the middle.
        const big = { ...layers[0], diffId: 'sha256:' + 'f'.repeat(64), entries: Array.from({ length: 200000 }, (_, i) => ({ path: '/pad/' + i, type: 'file', size: i, mode: 420, uid: 0, gid: 0 })) };
        for (;;) for (const l of [...layers, big]) await cache.writeLayer(l);
      })();`;
    const writer = spawn(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, stdio: 'ignore' });
    let caught = false;
    let exited = false;
    writer.once('exit', () => (exited = true));
    while (!caught) {
      // A writer that died on its own (e.g. its script failed) would leave this loop waiting for ever.
      assert.ok(!exited, 'the writer process runs until it is killed');
      await new Promise((r) => setTimeout(r, 5));
      caught = (await fs.readdir(join(dir, 'layers'))).some((f) => f.endsWith('.tmp'));
    }
    writer.kill('SIGKILL');
    await new Promise((r) => writer.once('close', r));
    await assertCleanTwice(dir, await runTree(dir));
  });
});

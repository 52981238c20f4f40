// A damaged cache: every kind of damage is ignored (the entry is read again from the image and rewritten), never
// trusted and never read without bound; a cache that cannot be written says so once. The CLI end to end, with
// concurrent writers and kill -9: test/integration/cacheFaults.test.ts.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { CACHE_FORMAT, IndexCache, MAX_ENTRY_BYTES } from '../../src/core/index/indexCache';
import { CAPTURE_KEY } from '../../src/core/packages/readers';
import type { LayerIndex } from '../../src/core/model/types';

const DIFF = 'sha256:' + 'c'.repeat(64);
const IMAGE = 'sha256:' + 'd'.repeat(64);

const layer: LayerIndex = {
  diffId: DIFF,
  entries: [
    { path: '/', type: 'dir', size: 0, mode: 0o755, uid: 0, gid: 0 },
    { path: '/etc', type: 'dir', size: 0, mode: 0o755, uid: 0, gid: 0 },
    { path: '/etc/motd', type: 'file', size: 12, mode: 0o644, uid: 0, gid: 0, hash: 'abc' },
    { path: '/etc/motd.link', type: 'hardlink', size: 0, mode: 0o644, uid: 0, gid: 0, linkTarget: '/etc/motd' },
    { path: '/etc/up', type: 'symlink', size: 0, mode: 0o777, uid: 0, gid: 0, linkTarget: '../..' },
  ],
  whiteouts: ['/etc/gone'],
  opaqueDirs: ['/var'],
  tarBytes: 4096,
  warnings: [],
};

let directory: string;
let cache: IndexCache;
let file: string;
beforeEach(async () => {
  directory = await fs.mkdtemp(join(tmpdir(), 'layerlens-cache-faults-'));
  cache = new IndexCache(directory);
  await cache.writeLayer(layer);
  file = join(directory, 'layers', DIFF.replace(':', '-') + '.json');
});
afterEach(() => fs.rm(directory, { recursive: true, force: true }));

/** Seeded, so a failure can be replayed. */
function randomBytesSeeded(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    bytes[i] = x >> 16;
  }
  return bytes;
}

describe('a damaged cache entry is ignored, then rewritten', () => {
  test('the entry as written is read back (the baseline)', async () => {
    assert.deepEqual(await cache.readLayer(DIFF), layer);
  });

  test('truncated at every 37th byte', async () => {
    const whole = await fs.readFile(file);
    for (let n = 0; n < whole.length; n += 37) {
      await fs.writeFile(file, whole.subarray(0, n));
      assert.equal(await cache.readLayer(DIFF), undefined, `truncated to ${n} bytes`);
    }
  });

  test('random bytes, and valid JSON of the wrong shape', async () => {
    for (let seed = 1; seed <= 20; seed++) {
      await fs.writeFile(file, randomBytesSeeded(seed * 50, seed));
      assert.equal(await cache.readLayer(DIFF), undefined, `seed ${seed}`);
    }
    const good = { format: CACHE_FORMAT, diffId: DIFF, tarBytes: 1, warnings: [], whiteouts: [], opaqueDirs: [], entries: [], capture: CAPTURE_KEY, captured: [] };
    await fs.writeFile(file, JSON.stringify(good));
    assert.ok(await cache.readLayer(DIFF), 'the unmutated shape is read');
    const shapes: unknown[] = [null, 42, 'text', [], { ...good, entries: 'x' }, { ...good, entries: [null] }, { ...good, entries: [[1, 2, 3]] },
      { ...good, tarBytes: '1' }, { ...good, whiteouts: [1] }, { ...good, diffId: 'sha256:' + 'e'.repeat(64) },
      { ...good, entries: [['/x', 'f', 'big', 0, 0, 0, 0, 0]] }, { ...good, entries: [['/x', '?', 1, 0, 0, 0, 0, 0]] },
      { ...good, captured: 'x' }, { ...good, captured: [['/var/lib/dpkg/status', 3, 'eA==']] }, { ...good, captured: [['/../x', 0, 0]] }];
    for (const shape of shapes) {
      await fs.writeFile(file, JSON.stringify(shape));
      assert.equal(await cache.readLayer(DIFF), undefined, JSON.stringify(shape));
    }
  });

  test('paths that a tar\'s checks would not let through: .., ., //, relative, trailing /', async () => {
    const bad = ['/../../etc/evil', '/etc/../..', '/./etc', '/etc//motd', 'etc/motd', '/etc/', '', '/etc/..'];
    const original = JSON.parse(await fs.readFile(file, 'utf8'));
    for (const path of bad) {
      const withEntry = { ...original, entries: [...original.entries, [path, 'f', 1, 0o644, 0, 0, 0, 0]] };
      await fs.writeFile(file, JSON.stringify(withEntry));
      assert.equal(await cache.readLayer(DIFF), undefined, `entry ${JSON.stringify(path)}`);
      await fs.writeFile(file, JSON.stringify({ ...original, whiteouts: [path] }));
      assert.equal(await cache.readLayer(DIFF), undefined, `whiteout ${JSON.stringify(path)}`);
      await fs.writeFile(file, JSON.stringify({ ...original, opaqueDirs: [path] }));
      assert.equal(await cache.readLayer(DIFF), undefined, `opaque dir ${JSON.stringify(path)}`);
      const withLink = { ...original, entries: [...original.entries, ['/l', 'h', 0, 0o644, 0, 0, path, 0]] };
      await fs.writeFile(file, JSON.stringify(withLink));
      assert.equal(await cache.readLayer(DIFF), undefined, `hard link to ${JSON.stringify(path)}`);
    }
    // A symlink's target is the link's own text ("../.." stays as written), as in the tar.
    await fs.writeFile(file, JSON.stringify(original));
    assert.deepEqual(await cache.readLayer(DIFF), layer);
  });

  test('a symlink to /dev/zero, a device, a FIFO, a directory: none is read', async () => {
    await fs.rm(file);
    await fs.symlink('/dev/zero', file);
    assert.equal(await cache.readLayer(DIFF), undefined);
    const before = process.memoryUsage().rss;
    await cache.readLayer(DIFF);
    assert.ok(process.memoryUsage().rss - before < 64 * 1024 * 1024, 'the symlink was not read');
    await fs.rm(file);
    execFileSync('mknod', [file, 'c', '1', '5']); // /dev/zero itself, put in place of the entry
    assert.equal(await cache.readLayer(DIFF), undefined);
    await fs.rm(file);
    execFileSync('mkfifo', [file]); // nobody writes it: opening it must not wait for a writer
    assert.equal(await cache.readLayer(DIFF), undefined);
    await fs.rm(file);
    await fs.mkdir(file);
    assert.equal(await cache.readLayer(DIFF), undefined);
    await fs.rm(file, { recursive: true });
    // The next write puts a good entry back.
    await cache.writeLayer(layer);
    assert.deepEqual(await cache.readLayer(DIFF), layer);
  });

  test(`a regular file larger than ${MAX_ENTRY_BYTES} bytes is not read (a sparse file: no disk used)`, async () => {
    await fs.truncate(file, MAX_ENTRY_BYTES + 1);
    const before = process.memoryUsage().rss;
    assert.equal(await cache.readLayer(DIFF), undefined);
    assert.ok(process.memoryUsage().rss - before < 64 * 1024 * 1024, 'the big file was not read');
  });

  test('an image entry, an analysis and a member fact of the wrong shape are ignored too', async () => {
    await cache.writeImage({ id: IMAGE, config: { rootfs: { type: 'layers', diff_ids: [DIFF] } } as never });
    assert.ok(await cache.readImage(IMAGE));
    const imageFile = join(directory, 'images', IMAGE.replace(':', '-') + '.json');
    await fs.writeFile(imageFile, JSON.stringify({ format: CACHE_FORMAT, id: IMAGE, config: null }));
    assert.equal(await cache.readImage(IMAGE), undefined);
    await fs.rm(imageFile);
    await fs.symlink('/dev/zero', imageFile);
    assert.equal(await cache.readImage(IMAGE), undefined);
  });
});

describe('a cache that cannot be written', () => {
  test('its directory is a file: reads find nothing, the first write says why in words, later writes stay quiet', async () => {
    const path = join(directory, 'not-a-directory');
    await fs.writeFile(path, 'x');
    const blocked = new IndexCache(path);
    assert.equal(await blocked.readLayer(DIFF), undefined);
    await assert.rejects(blocked.writeLayer(layer), { message: 'a file stands where a directory of the cache should be' });
    await blocked.writeImage({ id: IMAGE, config: {} as never });
    await blocked.writeAnalysis(IMAGE, {} as never);
    assert.equal(await fs.readFile(path, 'utf8'), 'x');
  });

  test('concurrent writers of the same entry: every read sees one whole entry, no temporary file is left', async () => {
    const writers = Array.from({ length: 20 }, () => new IndexCache(directory));
    const reads: Promise<LayerIndex | undefined>[] = [];
    await Promise.all(writers.map((w) => (reads.push(w.readLayer(DIFF)), w.writeLayer(layer))));
    for (const read of await Promise.all(reads)) assert.deepEqual(read, layer);
    assert.deepEqual((await fs.readdir(join(directory, 'layers'))).filter((f) => f.endsWith('.tmp')), []);
  });
});

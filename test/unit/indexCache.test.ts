import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CACHE_FORMAT, IndexCache, defaultCacheDirectory } from '../../src/core/index/indexCache';
import type { LayerIndex } from '../../src/core/model/types';

const DIFF_A = 'sha256:' + 'a'.repeat(64);
const DIFF_B = 'sha256:' + 'b'.repeat(64);

const layerA: LayerIndex = {
  diffId: DIFF_A,
  entries: [
    { path: '/', type: 'dir', size: 0, mode: 0o755, uid: 0, gid: 0 },
    { path: '/bin', type: 'dir', size: 0, mode: 0o2775, uid: 0, gid: 50 },
    { path: '/bin/busybox', type: 'file', size: 1_048_576, mode: 0o4755, uid: 1000, gid: 1000, hash: 'q83vEjRWeJCrze8SNFZ4kA' },
    { path: '/bin/empty', type: 'file', size: 0, mode: 0o644, uid: 0, gid: 0, hash: '47DEQpj8HBSa-_TImW-5JA' },
    { path: '/bin/sh', type: 'symlink', size: 0, mode: 0o777, uid: 0, gid: 0, linkTarget: 'busybox' },
    { path: '/bin/dangling', type: 'symlink', size: 0, mode: 0o777, uid: 0, gid: 0, linkTarget: '' },
    { path: '/bin/ls', type: 'hardlink', size: 0, mode: 0o755, uid: 0, gid: 0, linkTarget: '/bin/busybox' },
    { path: '/run/fifo', type: 'fifo', size: 0, mode: 0o600, uid: 0, gid: 0 },
    { path: '/dev/null', type: 'char', size: 0, mode: 0o666, uid: 0, gid: 0, devMajor: 1, devMinor: 3 },
    { path: '/dev/sda', type: 'block', size: 0, mode: 0o660, uid: 0, gid: 6, devMajor: 8, devMinor: 0 },
    { path: '/odd/new\nline "quoted" <b>é\u00e9\ufffd🐳', type: 'file', size: 1, mode: 0o644, uid: 0, gid: 0, hash: 'x' },
  ],
  whiteouts: ['/etc/gone'],
  opaqueDirs: ['/var/cache'],
  tarBytes: 1_060_864,
  warnings: ['Entry "../x" points outside the image root; it is shown as /x.'],
};

let directory: string;
let cache: IndexCache;
beforeEach(async () => {
  directory = await fs.mkdtemp(join(tmpdir(), 'layerlens-cache-'));
  cache = new IndexCache(directory);
});
afterEach(() => fs.rm(directory, { recursive: true, force: true }));

async function layerFile(): Promise<string> {
  const files = await fs.readdir(join(directory, 'layers'));
  assert.equal(files.length, 1);
  return join(directory, 'layers', files[0]);
}

async function allFiles(dir: string): Promise<string[]> {
  return (await fs.readdir(dir, { recursive: true })).map(String);
}

describe('IndexCache: round trips', () => {
  test('a layer comes back exactly as written, every entry field included', async () => {
    await cache.writeLayer(layerA);
    assert.deepEqual(await cache.readLayer(DIFF_A), layerA);
    // And from a fresh instance over the same directory.
    assert.deepEqual(await new IndexCache(directory).readLayer(DIFF_A), layerA);
  });

  test('an image comes back exactly as written', async () => {
    const image = { id: DIFF_B, configDigest: DIFF_B, manifestDigest: DIFF_A, config: { architecture: 'amd64', rootfs: { type: 'layers', diff_ids: [DIFF_A] }, history: [{ created_by: 'RUN x # buildkit' }] } };
    await cache.writeImage(image);
    assert.deepEqual(await cache.readImage(DIFF_B), image);
  });

  test('what was never written is undefined', async () => {
    assert.equal(await cache.readLayer(DIFF_B), undefined);
    assert.equal(await cache.readImage(DIFF_B), undefined);
  });

  test('writes leave no temporary files behind, and rewriting replaces', async () => {
    await cache.writeLayer(layerA);
    await cache.writeLayer({ ...layerA, warnings: [] });
    await cache.writeImage({ id: DIFF_B, config: {} });
    await Promise.all([cache.writeLayer(layerA), cache.writeLayer(layerA), cache.writeLayer(layerA)]);
    const files = await allFiles(directory);
    assert.deepEqual(files.filter((f) => f.endsWith('.tmp')), []);
    assert.equal(files.filter((f) => f.endsWith('.json')).length, 2);
    assert.deepEqual(await cache.readLayer(DIFF_A), layerA);
  });
});

describe('IndexCache: never trusts a bad file', () => {
  async function rewrite(change: (stored: Record<string, unknown>) => unknown): Promise<void> {
    await cache.writeLayer(layerA);
    const file = await layerFile();
    const stored = JSON.parse(await fs.readFile(file, 'utf8'));
    await fs.writeFile(file, JSON.stringify(change(stored)));
  }

  test('a corrupt (truncated) file', async () => {
    await cache.writeLayer(layerA);
    const file = await layerFile();
    const text = await fs.readFile(file, 'utf8');
    await fs.writeFile(file, text.slice(0, text.length / 2));
    assert.equal(await cache.readLayer(DIFF_A), undefined);
    await fs.writeFile(file, Buffer.from([0xff, 0xfe, 0x00, 0x01]));
    assert.equal(await cache.readLayer(DIFF_A), undefined);
  });

  test('a file of another format number', async () => {
    await rewrite((s) => ({ ...s, format: CACHE_FORMAT - 1 }));
    assert.equal(await cache.readLayer(DIFF_A), undefined);
    await rewrite(({ format: _format, ...s }) => s);
    assert.equal(await cache.readLayer(DIFF_A), undefined);
  });

  test('a file whose diffId does not match its key', async () => {
    await cache.writeLayer(layerA);
    const file = await layerFile();
    await fs.rename(file, file.replace('a'.repeat(64), 'b'.repeat(64)));
    assert.equal(await cache.readLayer(DIFF_B), undefined);
  });

  const badEntries: [string, unknown][] = [
    ['a relative path', ['bin/x', 'f', 1, 0o644, 0, 0, 0, 'h']],
    ['an unknown type code', ['/x', 'z', 1, 0o644, 0, 0, 0, 'h']],
    ['a size that is a string', ['/x', 'f', '1', 0o644, 0, 0, 0, 'h']],
    ['a mode that is null', ['/x', 'f', 1, null, 0, 0, 0, 'h']],
    ['too few fields', ['/x', 'f', 1, 0o644, 0, 0]],
    ['an object instead of a tuple', { path: '/x', type: 'f' }],
    ['null', null],
  ];
  for (const [what, entry] of badEntries) {
    test(`an entry with ${what}`, async () => {
      await rewrite((s) => ({ ...s, entries: [...(s.entries as unknown[]), entry] }));
      assert.equal(await cache.readLayer(DIFF_A), undefined);
    });
  }

  test('layer-level fields of the wrong shape', async () => {
    for (const change of [
      (s: Record<string, unknown>) => ({ ...s, whiteouts: [1] }),
      (s: Record<string, unknown>) => ({ ...s, opaqueDirs: 'x' }),
      (s: Record<string, unknown>) => ({ ...s, tarBytes: '12' }),
      (s: Record<string, unknown>) => ({ ...s, entries: {} }),
      () => null,
      () => [],
      () => 42,
    ]) {
      await rewrite(change);
      assert.equal(await cache.readLayer(DIFF_A), undefined, String(change));
    }
  });

  test('an image file of another format or id', async () => {
    await cache.writeImage({ id: DIFF_B, config: {} });
    const file = join(directory, 'images', (await fs.readdir(join(directory, 'images')))[0]);
    const stored = JSON.parse(await fs.readFile(file, 'utf8'));
    await fs.writeFile(file, JSON.stringify({ ...stored, format: 1 }));
    assert.equal(await cache.readImage(DIFF_B), undefined);
    await fs.writeFile(file, JSON.stringify({ ...stored, id: DIFF_A }));
    assert.equal(await cache.readImage(DIFF_B), undefined);
    await fs.writeFile(file, '{');
    assert.equal(await cache.readImage(DIFF_B), undefined);
  });

  test('a key that is not a digest is never read (nor a path outside the cache)', async () => {
    await fs.writeFile(join(directory, 'outside.json'), JSON.stringify({ format: CACHE_FORMAT }));
    for (const key of ['../outside', 'sha256:../../outside', 'sha256:xyz', '']) {
      assert.equal(await cache.readLayer(key), undefined, key);
      assert.equal(await cache.readImage(key), undefined, key);
    }
  });
});

describe('defaultCacheDirectory', () => {
  test('LAYERLENS_CACHE_DIR, then XDG_CACHE_HOME, then ~/.cache', () => {
    assert.equal(defaultCacheDirectory({ LAYERLENS_CACHE_DIR: '/c', XDG_CACHE_HOME: '/x' }), '/c');
    assert.equal(defaultCacheDirectory({ XDG_CACHE_HOME: '/x' }), '/x/layerlens');
    assert.match(defaultCacheDirectory({}), /[/\\]\.cache[/\\]layerlens$/);
  });
});

describe('IndexCache: member facts', () => {
  test('a member → diffID fact round-trips; names that are no content address are not stored; damaged facts are ignored', async () => {
    const directory = await fs.mkdtemp(join(tmpdir(), 'layerlens-facts-'));
    const cache = new IndexCache(directory);
    const blob = 'blobs/sha256/' + 'c'.repeat(64);
    const legacy = 'd'.repeat(64) + '/layer.tar';
    await cache.writeMemberFact(blob, DIFF_A);
    await cache.writeMemberFact(legacy, DIFF_B);
    await cache.writeMemberFact('layer.tar', DIFF_A);
    assert.equal(await cache.readMemberFact(blob), DIFF_A);
    assert.equal(await cache.readMemberFact(legacy), DIFF_B);
    assert.equal(await cache.readMemberFact('layer.tar'), undefined);
    assert.deepEqual((await fs.readdir(join(directory, 'members'))).sort(), ['blob-' + 'c'.repeat(64) + '.json', 'legacy-' + 'd'.repeat(64) + '.json']);
    await fs.writeFile(join(directory, 'members', 'blob-' + 'c'.repeat(64) + '.json'), '{"format":');
    assert.equal(await cache.readMemberFact(blob), undefined);
    await fs.writeFile(join(directory, 'members', 'legacy-' + 'd'.repeat(64) + '.json'), JSON.stringify({ format: CACHE_FORMAT, member: blob, diffId: DIFF_B }));
    assert.equal(await cache.readMemberFact(legacy), undefined, 'a fact about another member is not trusted');
    await fs.rm(directory, { recursive: true, force: true });
  });
});

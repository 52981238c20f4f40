// Packages per layer, from layers indexed the way an image's are (so the capture runs too): installs, upgrades,
// downgrades and removals layer to layer, a package's files and bytes in the layer that installed it (through
// merged-/usr symlinks), bytes a later layer deleted, bytes no package owns; and the capture in the cache.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CACHE_FORMAT, IndexCache } from '../../src/core/index/indexCache';
import { CAPTURE_FILE_LIMIT } from '../../src/core/packages/capture';
import { readImagePackages } from '../../src/core/packages/imagePackages';
import { compareVersions } from '../../src/core/packages/versionOrder';
import type { LayerIndex } from '../../src/core/model/types';
import { buildTar, type TarMember } from '../support/tarBuilder';
import { assertOneSentence, indexBlob } from './helpers';

const stanza = (name: string, version: string) => `Package: ${name}\nStatus: install ok installed\nArchitecture: amd64\nVersion: ${version}\n`;
const status = (...stanzas: string[]): TarMember => ({ name: 'var/lib/dpkg/status', content: stanzas.join('\n') });
const list = (name: string, ...paths: string[]): TarMember => ({ name: `var/lib/dpkg/info/${name}.list`, content: ['/.', ...paths].join('\n') + '\n' });
const bytes = (n: number) => Buffer.alloc(n, 0x61);
const whiteout = (path: string): TarMember => {
  const slash = path.lastIndexOf('/');
  return { name: `${path.slice(0, slash + 1)}.wh.${path.slice(slash + 1)}` };
};

async function layers(...tars: TarMember[][]): Promise<LayerIndex[]> {
  return Promise.all(tars.map((members) => indexBlob(buildTar(members))));
}

describe('packages per layer', async () => {
  const image = await layers(
    [
      { name: 'lib', type: 'symlink', linkname: 'usr/lib' },
      { name: 'usr/bin/a', content: bytes(100) },
      { name: 'usr/lib/b.so', content: bytes(50) },
      { name: 'tmp/cache.bin', content: bytes(30) },
      status(stanza('a', '1.0'), stanza('b', '1.0')),
      list('a', '/usr', '/usr/bin', '/usr/bin/a'),
      // dpkg's path goes through the /lib symlink; the layer holds /usr/lib/b.so.
      list('b', '/lib', '/lib/b.so'),
    ],
    [
      { name: 'usr/bin/a', content: bytes(120) },
      { name: 'usr/bin/c', content: bytes(10) },
      { name: 'usr/share/doc/c/README', content: bytes(5) },
      status(stanza('a', '2.0'), stanza('b', '1.0'), stanza('c', '0.9')),
      list('a', '/usr/bin/a'),
      list('c', '/usr/bin/c', '/usr/share/doc/c/README'),
    ],
    [whiteout('usr/lib/b.so'), whiteout('var/lib/dpkg/info/b.list'), whiteout('usr/share/doc/c'), status(stanza('a', '2.0'), stanza('c', '0.9')), { name: 'srv/data/x', content: bytes(7) }],
    [{ name: 'usr/bin/a', content: bytes(110) }, status(stanza('a', '1.5'), stanza('c', '0.9')), list('a', '/usr/bin/a')],
  );
  const result = readImagePackages({ layers: image });
  const at = (layer: number) => result.present[layer].map((p) => `${p.name} ${p.version}`);

  test('the packages present at each layer', () => {
    assert.deepEqual(at(0), ['a 1.0', 'b 1.0']);
    assert.deepEqual(at(1), ['a 2.0', 'b 1.0', 'c 0.9']);
    assert.deepEqual(at(2), ['a 2.0', 'c 0.9']);
    assert.deepEqual(at(3), ['a 1.5', 'c 0.9']);
    assert.deepEqual(result.problems, []);
  });

  test('installed, upgraded, removed and downgraded, with both versions', () => {
    const changes = result.changes.map((c) => [c.layer, c.name, c.change, c.from, c.to]);
    assert.deepEqual(changes, [
      [0, 'a', 'installed', null, '1.0'],
      [0, 'b', 'installed', null, '1.0'],
      [1, 'a', 'upgraded', '1.0', '2.0'],
      [1, 'c', 'installed', null, '0.9'],
      [2, 'b', 'removed', '1.0', null],
      [3, 'a', 'downgraded', '2.0', '1.5'],
    ]);
  });

  test('files and bytes in the installing layer, through a symlinked directory', () => {
    const b = result.present[0].find((p) => p.name === 'b')!;
    assert.deepEqual([b.layer, b.files, b.size], [0, ['/usr/lib/b.so'], 50]);
    const c = result.present[1].find((p) => p.name === 'c')!;
    assert.deepEqual([c.layer, c.files.length, c.size], [1, 2, 15]);
    // A version that stays is the same record in later layers.
    assert.equal(result.present[3].find((p) => p.name === 'c'), c);
  });

  test('bytes shipped but not visible at the top: overwritten, removed or deleted later', () => {
    const version = (layer: number, name: string) => result.present[layer].find((p) => p.name === name)!;
    assert.equal(version(0, 'a').deletedLaterBytes, 100); // overwritten by 2.0
    assert.equal(version(0, 'b').deletedLaterBytes, 50); // removed in layer 2
    assert.equal(version(1, 'a').deletedLaterBytes, 120); // overwritten by the downgrade
    assert.equal(version(1, 'c').deletedLaterBytes, 5); // its README deleted in layer 2
    assert.equal(version(3, 'a').deletedLaterBytes, 0);
  });

  test('bytes no package owns, with the directories that hold them', () => {
    const dbBytes = (layer: number) => image[layer].entries.filter((e) => e.path.startsWith('/var/lib/dpkg/')).reduce((s, e) => s + e.size, 0);
    assert.equal(result.unowned[0].bytes, 30 + dbBytes(0));
    assert.ok(result.unowned[0].topDirectories.some((d) => d.path === '/tmp' && d.bytes === 30));
    assert.equal(result.unowned[1].bytes, dbBytes(1));
    assert.deepEqual(result.unowned[2].topDirectories.find((d) => d.path === '/srv/data'), { path: '/srv/data', bytes: 7 });
  });
});

describe('hostile and oversized databases', () => {
  test('a status file over the capture bound is one sentence; the packages below stay, nothing else is lost', async () => {
    const image = await layers(
      [status(stanza('a', '1.0')), list('a', '/usr/bin/a'), { name: 'usr/bin/a', content: bytes(3) }],
      [{ name: 'var/lib/dpkg/status', content: Buffer.alloc(CAPTURE_FILE_LIMIT + 1, 0x0a) }, { name: 'usr/bin/z', content: bytes(4) }],
    );
    assert.equal(image[1].captured?.[0].bytes, undefined);
    assert.equal(image[1].captured?.[0].size, CAPTURE_FILE_LIMIT + 1);
    const result = readImagePackages({ layers: image });
    assert.deepEqual(result.present[1].map((p) => p.name), ['a']);
    assert.equal(result.problems.length, 1);
    assertOneSentence(result.problems[0]);
    assert.match(result.problems[0], /^Layer 1: \/var\/lib\/dpkg\/status is /);
    assert.equal(result.unowned[1].topDirectories.find((d) => d.path === '/usr/bin')?.bytes, 4);
  });

  test('an opaque /var/lib/dpkg removes every package', async () => {
    const image = await layers([status(stanza('a', '1.0'))], [{ name: 'var/lib/dpkg/', type: 'dir' }, { name: 'var/lib/dpkg/.wh..wh..opq' }]);
    const result = readImagePackages({ layers: image });
    assert.deepEqual(result.present[1], []);
    assert.deepEqual(result.changes.map((c) => c.change), ['installed', 'removed']);
  });
});

describe('the capture in the layer index cache', () => {
  test('captured bytes come back from the cache; an entry of the older format is a miss, read again', async () => {
    const [indexed] = await layers([status(stanza('a', '1.0')), list('a', '/usr/bin/a'), { name: 'etc/motd', content: 'hi' }]);
    assert.deepEqual(indexed.captured?.map((c) => c.path), ['/var/lib/dpkg/status', '/var/lib/dpkg/info/a.list']);
    const directory = await fs.mkdtemp(join(tmpdir(), 'layerlens-capture-'));
    try {
      const cache = new IndexCache(directory);
      await cache.writeLayer(indexed);
      assert.deepEqual(await cache.readLayer(indexed.diffId), indexed);
      const file = join(directory, 'layers', indexed.diffId.replace(':', '-') + '.json');
      const stored = JSON.parse(await fs.readFile(file, 'utf8'));
      // As the previous format wrote it: no capture at all. It must not be trusted as "no packages".
      const { capture: _capture, captured: _captured, ...older } = stored;
      await fs.writeFile(file, JSON.stringify({ ...older, format: CACHE_FORMAT - 1 }));
      assert.equal(await cache.readLayer(indexed.diffId), undefined);
      await fs.writeFile(file, JSON.stringify(older));
      assert.equal(await cache.readLayer(indexed.diffId), undefined);
      await fs.writeFile(file, JSON.stringify({ ...stored, capture: 'capture-0:dpkg' }));
      assert.equal(await cache.readLayer(indexed.diffId), undefined);
      // Bytes that do not match their recorded size are damage.
      await fs.writeFile(file, JSON.stringify({ ...stored, captured: [[stored.captured[0][0], 3, stored.captured[0][2]]] }));
      assert.equal(await cache.readLayer(indexed.diffId), undefined);
    } finally {
      await fs.rm(directory, { recursive: true, force: true });
    }
  });
});

describe('version order (dpkg)', () => {
  test('as dpkg --compare-versions orders them', () => {
    const ordered = ['1:0.1', '1.0~rc1', '1.0', '1.0-1', '1.0-1+deb12u1', '1.0-2', '1.2', '1.10', '1.10a', '2:0'];
    const sorted = [...ordered].sort(compareVersions);
    assert.deepEqual(sorted, ['1.0~rc1', '1.0', '1.0-1', '1.0-1+deb12u1', '1.0-2', '1.2', '1.10', '1.10a', '1:0.1', '2:0']);
    assert.ok(compareVersions('1.6-2.1+deb12u3', '1.6-2.1+deb12u2') > 0);
    assert.equal(compareVersions('1.0', '1.0'), 0);
  });
});

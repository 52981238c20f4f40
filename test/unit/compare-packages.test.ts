// The package difference of two images, from layers indexed the way an image's are (so the capture and the
// package model run too): added, removed, upgraded and downgraded between the two tops, with each side's version,
// bytes and installing layer; unchanged packages left out, even when reinstalled in another layer; Python packages
// of the same name in two site-packages kept apart. Every expectation follows from the hand-written layers.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compareImages, packageDifferenceCounts, packageDifferences, packagesToCompare } from '../../src/core/compare';
import { ImageModel } from '../../src/core/model/imageModel';
import type { LayerIndex } from '../../src/core/model/types';
import { readImagePackages } from '../../src/core/packages/imagePackages';
import { buildTar, type TarMember } from '../support/tarBuilder';
import { image, indexBlob } from './helpers';

const stanza = (name: string, version: string) => `Package: ${name}\nStatus: install ok installed\nArchitecture: amd64\nVersion: ${version}\n`;
const status = (...stanzas: string[]): TarMember => ({ name: 'var/lib/dpkg/status', content: stanzas.join('\n') });
const list = (name: string, ...paths: string[]): TarMember => ({ name: `var/lib/dpkg/info/${name}.list`, content: ['/.', ...paths].join('\n') + '\n' });
const bytes = (n: number) => Buffer.alloc(n, 0x61);
const wheel = (site: string, name: string, version: string): TarMember[] => [
  { name: `${site}/${name}-${version}.dist-info/METADATA`, content: `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n` },
  { name: `${site}/${name}-${version}.dist-info/RECORD`, content: `${name}/__init__.py,,\n${name}-${version}.dist-info/METADATA,,\n` },
  { name: `${site}/${name}/__init__.py`, content: bytes(version.length * 10) },
];

async function layers(...tars: TarMember[][]): Promise<LayerIndex[]> {
  return Promise.all(tars.map((members) => indexBlob(buildTar(members))));
}

const SITE = 'usr/lib/python3/dist-packages';
const VENV = 'opt/venv/lib/python3.11/site-packages';

describe('package difference between two images', async () => {
  // A shared base: keep 1.0, old 1.0, up 1.0, down 2.0, and Python's six 1.16 in dist-packages.
  const base = [
    { name: 'usr/bin/keep', content: bytes(10) },
    { name: 'usr/bin/old', content: bytes(20) },
    { name: 'usr/bin/up', content: bytes(30) },
    { name: 'usr/bin/down', content: bytes(40) },
    status(stanza('keep', '1.0'), stanza('old', '1.0'), stanza('up', '1.0'), stanza('down', '2.0')),
    list('keep', '/usr/bin/keep'),
    list('old', '/usr/bin/old'),
    list('up', '/usr/bin/up'),
    list('down', '/usr/bin/down'),
    ...wheel(SITE, 'six', '1.16.0'),
  ];
  const [shared, onA] = await layers(base, [{ name: 'srv/a', content: bytes(1) }]);
  // B: reinstalls keep at the same version (no difference), upgrades up (1.0 → 1.10: dpkg order, not string
  // order), downgrades down, removes old, adds new, and a second six in a virtualenv.
  const [b1, b2] = await layers(
    [
      { name: 'usr/bin/keep', content: bytes(11) },
      { name: 'usr/bin/up', content: bytes(300) },
      { name: 'usr/bin/new', content: bytes(500) },
      { name: 'usr/bin/.wh.old' },
      { name: 'var/lib/dpkg/info/.wh.old.list' },
      status(stanza('keep', '1.0'), stanza('up', '1.10'), stanza('down', '2.0'), stanza('new', '0.1')),
      list('keep', '/usr/bin/keep'),
      list('up', '/usr/bin/up'),
      list('new', '/usr/bin/new'),
    ],
    [
      { name: 'usr/bin/down', content: bytes(4) },
      status(stanza('keep', '1.0'), stanza('up', '1.10'), stanza('down', '1.9'), stanza('new', '0.1')),
      list('down', '/usr/bin/down'),
      ...wheel(VENV, 'six', '1.17.0'),
    ],
  );
  const packagesA = readImagePackages({ layers: [shared, onA] });
  const packagesB = readImagePackages({ layers: [shared, b1, b2] });
  const differences = packageDifferences(packagesA, packagesB);

  test('each differing package once, sorted by manager and name, with its kind', () => {
    assert.deepEqual(
      differences.map((d) => `${d.manager} ${d.change} ${d.name} ${d.a?.version ?? '-'} ${d.b?.version ?? '-'}`),
      ['dpkg downgraded down 2.0 1.9', 'dpkg added new - 0.1', 'dpkg removed old 1.0 -', 'dpkg upgraded up 1.0 1.10', 'python added six - 1.17.0'],
    );
  });

  test('each side: version, bytes and the layer (of that image) that installed it', () => {
    const up = differences.find((d) => d.name === 'up')!;
    assert.deepEqual([up.a, up.b, up.architecture, up.location], [{ version: '1.0', layer: 0, size: 30 }, { version: '1.10', layer: 1, size: 300 }, 'amd64', '/var/lib/dpkg/status']);
    const down = differences.find((d) => d.name === 'down')!;
    assert.deepEqual([down.a, down.b], [{ version: '2.0', layer: 0, size: 40 }, { version: '1.9', layer: 2, size: 4 }]);
    const old = differences.find((d) => d.name === 'old')!;
    assert.deepEqual([old.a, old.b], [{ version: '1.0', layer: 0, size: 20 }, null]);
    const added = differences.find((d) => d.name === 'new')!;
    assert.deepEqual([added.a, added.b], [null, { version: '0.1', layer: 1, size: 500 }]);
  });

  test('the second six is its own package: the one both share is no difference', () => {
    const six = differences.filter((d) => d.name === 'six');
    assert.deepEqual(six.map((d) => d.location), [`/${VENV}/six-1.17.0.dist-info`]);
    assert.equal(six[0].b!.layer, 2);
  });

  test('the swapped pair is the mirror image', () => {
    const mirrored = packageDifferences(packagesB, packagesA);
    const flip = { added: 'removed', removed: 'added', upgraded: 'downgraded', downgraded: 'upgraded' } as const;
    assert.deepEqual(
      mirrored.map((d) => [d.name, d.change, d.a, d.b]),
      differences.map((d) => [d.name, flip[d.change], d.b, d.a]),
    );
  });

  test('an image against itself, and two images without packages, differ in nothing', () => {
    assert.deepEqual(packageDifferences(packagesB, packagesB), []);
    assert.deepEqual(packageDifferences({ present: [[]] }, { present: [] }), []);
  });

  test('counts per manager', () => {
    assert.deepEqual(packageDifferenceCounts(differences), [
      { manager: 'dpkg', added: 1, removed: 1, upgraded: 1, downgraded: 1 },
      { manager: 'python', added: 1, removed: 0, upgraded: 0, downgraded: 0 },
    ]);
  });

  test('packagesToCompare: the model where a database was captured, nothing to measure where none was', async () => {
    const bare = await layers([{ name: 'srv/x', content: bytes(3) }]);
    const both = await packagesToCompare({ layers: bare }, { layers: [shared, b1, b2] });
    assert.deepEqual(both.a, { present: [] });
    assert.deepEqual(both.b.present, packagesB.present);
    assert.deepEqual(packageDifferences(both.a, both.b).map((d) => `${d.change} ${d.name}`), ['added down', 'added keep', 'added new', 'added up', 'added six', 'added six']);
  });

  test('compareImages carries the difference when given both images\' packages, and null without them', () => {
    const A = new ImageModel({ ...image([shared, onA]), id: 'sha256:aaa' });
    const B = new ImageModel({ ...image([shared, b1, b2]), id: 'sha256:bbb' });
    assert.deepEqual(compareImages(A, B, { packages: { a: packagesA, b: packagesB } }).packages, differences);
    assert.equal(compareImages(A, B).packages, null);
  });
});

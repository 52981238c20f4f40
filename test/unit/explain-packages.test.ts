// "Explain This Layer" with the package model: the sentences on what a layer installed, upgraded, downgraded and
// removed (per manager, with both versions), its bytes no package owns, the three package findings, and what is
// said when there are no packages or a database cannot be read. Layers are real tars indexed as an image's are,
// so the package databases are captured as they would be.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyzeImage } from '../../src/core/analysis/analysis';
import { explainLayer, explainLayers } from '../../src/core/explain/explainLayer';
import type { Finding, FindingId, LayerExplanation } from '../../src/core/explain/explanation';
import { evidenceLabel, isBuildToolchain } from '../../src/core/explain/findings/packageFindings';
import { explanationToMarkdown } from '../../src/core/explain/markdown';
import { explanationToText } from '../../src/core/explain/plainText';
import { ImageModel } from '../../src/core/model/imageModel';
import type { LayerIndex } from '../../src/core/model/types';
import { readImagePackages, type ImagePackages } from '../../src/core/packages/imagePackages';
import { buildTar, type TarMember } from '../support/tarBuilder';
import { assertOneSentence, image, indexBlob } from './helpers';

const stanza = (name: string, version: string) => `Package: ${name}\nStatus: install ok installed\nArchitecture: amd64\nVersion: ${version}\n`;
const status = (...stanzas: string[]): TarMember => ({ name: 'var/lib/dpkg/status', content: stanzas.join('\n') });
const list = (name: string, ...paths: string[]): TarMember => ({ name: `var/lib/dpkg/info/${name}.list`, content: ['/.', ...paths].join('\n') + '\n' });
const bytes = (n: number) => Buffer.alloc(n, 0x61);
const put = (path: string, n: number): TarMember => ({ name: path.slice(1), content: bytes(n) });
const whiteout = (path: string): TarMember => {
  const slash = path.lastIndexOf('/');
  return { name: `${path.slice(1, slash + 1)}.wh.${path.slice(slash + 1)}` };
};

const TOOL_FILES = ['/usr/bin/tool', '/usr/share/doc/tool/README', '/usr/share/man/man1/tool.1.gz', '/usr/share/locale/de/LC_MESSAGES/tool.mo'];

async function indexed(...tars: TarMember[][]): Promise<LayerIndex[]> {
  return Promise.all(tars.map((members) => indexBlob(buildTar(members))));
}

const history = (...runs: string[]) => ({ history: [{ created_by: '/bin/sh -c #(nop) ADD file:base in / ' }, ...runs.map((r) => ({ created_by: `/bin/sh -c ${r}` }))] });

/**
 * 0: the base (a 1.0, gone 1.0). 1: an install (gcc-12, libfoo-dev, tool, temp; a upgraded to 2.0) and a build
 * cache no package owns. 2: purges temp and gone, deletes tool's documentation, writes its man page again, and
 * downgrades a. 3: changes nothing a package owns.
 */
async function fixture(): Promise<{ model: ImageModel; packages: ImagePackages }> {
  const layers = await indexed(
    [put('/usr/bin/a', 100), put('/usr/bin/gone', 40), status(stanza('a', '1.0'), stanza('gone', '1.0')), list('a', '/usr/bin/a'), list('gone', '/usr/bin/gone')],
    [
      put('/usr/bin/a', 120),
      put('/usr/bin/gcc-12', 5000),
      put('/usr/include/foo.h', 300),
      put('/usr/bin/tool', 200),
      put('/usr/share/doc/tool/README', 50),
      put('/usr/share/man/man1/tool.1.gz', 30),
      put('/usr/share/locale/de/LC_MESSAGES/tool.mo', 20),
      put('/usr/bin/temp', 700),
      put('/usr/share/doc/temp/copyright', 10),
      put('/var/cache/build/objects.bin', 20_000),
      status(stanza('a', '2.0'), stanza('gone', '1.0'), stanza('gcc-12', '12.2.0-14'), stanza('libfoo-dev', '1.0-1'), stanza('tool', '2.0'), stanza('temp', '1.0')),
      list('a', '/usr/bin/a'),
      list('gcc-12', '/usr/bin/gcc-12'),
      list('libfoo-dev', '/usr/include/foo.h'),
      list('tool', ...TOOL_FILES),
      list('temp', '/usr/bin/temp', '/usr/share/doc/temp/copyright'),
    ],
    [
      whiteout('/usr/bin/temp'),
      whiteout('/usr/share/doc/temp'),
      whiteout('/usr/bin/gone'),
      whiteout('/usr/share/doc/tool'),
      put('/usr/share/man/man1/tool.1.gz', 31),
      put('/usr/bin/a', 110),
      whiteout('/var/lib/dpkg/info/temp.list'),
      whiteout('/var/lib/dpkg/info/gone.list'),
      status(stanza('a', '1.5'), stanza('gcc-12', '12.2.0-14'), stanza('libfoo-dev', '1.0-1'), stanza('tool', '2.0')),
      list('a', '/usr/bin/a'),
    ],
    [{ name: 'srv/', type: 'dir' }],
  );
  const data = image(layers, history('apt-get install -y gcc-12 libfoo-dev tool temp', 'apt-get purge -y temp gone', 'mkdir -p /srv'));
  return { model: new ImageModel(data), packages: readImagePackages(data) };
}

function explainWith(model: ImageModel, packages: ImagePackages | undefined, layer: number): LayerExplanation {
  return explainLayer(model, analyzeImage(model), layer, { packages });
}

const only = (e: LayerExplanation, id: FindingId): Finding | undefined => e.findings.find((f) => f.id === id);
const evidenceOf = (f: Finding | undefined) => f?.evidence.map((ev) => [ev.package?.name, ev.package?.version, ev.path, ev.bytes, ev.layer]);
const packageLines = (e: LayerExplanation) => {
  const text = explanationToText(e);
  const start = text.indexOf('Packages\n--------\n');
  return start < 0 ? [] : text.slice(start).split('\n\n')[1].split('\n');
};

describe('explain: what a layer did to the package databases', async () => {
  const { model, packages } = await fixture();

  test('an install step: the packages it installed, biggest first, and an upgrade with both versions', () => {
    const e = explainWith(model, packages, 1);
    const dpkg = e.packages!.managers.find((m) => m.manager === 'dpkg')!;
    assert.deepEqual(dpkg.installed.map((p) => [p.name, p.version, p.bytes, p.files]), [
      ['gcc-12', '12.2.0-14', 5000, 1],
      ['temp', '1.0', 710, 2],
      ['libfoo-dev', '1.0-1', 300, 1],
      ['tool', '2.0', 300, 4],
    ]);
    assert.equal(dpkg.installedBytes, 6310);
    assert.deepEqual(dpkg.upgraded, [{ name: 'a', architecture: 'amd64', from: '1.0', to: '2.0', bytes: 120 }]);
    assert.deepEqual([dpkg.downgraded, dpkg.removed], [[], []]);
    assert.deepEqual(packageLines(e).slice(0, 2), [
      '  - This RUN installed 4 dpkg packages (6.3 kB): gcc-12 (5.0 kB), temp (710 B), libfoo-dev (300 B), tool (300 B).',
      '  - It upgraded 1 dpkg package: a 1.0 → 2.0.',
    ]);
  });

  test('the bytes it adds that no package owns, with the directories that hold them', () => {
    const e = explainWith(model, packages, 1);
    const dbBytes = model.data.layers[1].entries.filter((f) => f.path.startsWith('/var/lib/dpkg/')).reduce((s, f) => s + f.size, 0);
    assert.equal(e.packages!.unowned.bytes, 20_000 + dbBytes);
    assert.deepEqual(e.packages!.unowned.topDirectories[0], { path: '/var/cache/build', bytes: 20_000 });
    assert.match(packageLines(e)[2], /^  - It adds 2\d\.\d kB that no package owns, most of it in \/var\/cache\/build \(20\.0 kB\), /);
  });

  test('a purge step: removals and a downgrade, by name, with the versions', () => {
    const e = explainWith(model, packages, 2);
    const dpkg = e.packages!.managers[0];
    assert.deepEqual(dpkg.removed.map((r) => `${r.name} ${r.version}`), ['gone 1.0', 'temp 1.0']);
    assert.deepEqual(dpkg.downgraded.map((d) => `${d.name} ${d.from} ${d.to}`), ['a 2.0 1.5']);
    assert.deepEqual(packageLines(e).slice(0, 2), ['  - It downgraded 1 dpkg package: a 2.0 → 1.5.', '  - It removed 2 dpkg packages: gone 1.0, temp 1.0.']);
  });

  test('a layer that changes no package and adds no byte: no package sentence at all', () => {
    const e = explainWith(model, packages, 3);
    assert.equal(e.packages!.present, 4);
    assert.deepEqual([e.packages!.managers, e.packages!.unowned.bytes, e.packages!.problems], [[], 0, []]);
    assert.doesNotMatch(explanationToMarkdown(e), /## Packages/);
  });

  test('packages installed here and removed by a later step: their bytes, the layer that removes them, a fix', () => {
    const install = only(explainWith(model, packages, 1), 'package-removed-later')!;
    assert.deepEqual(evidenceOf(install), [['temp', '1.0', '/usr/bin/temp', 710, 2]]);
    assert.deepEqual([install.ruleId, install.severity, install.total], ['LL2011', 'warning', { paths: 1, bytes: 710 }]);
    assertOneSentence(install.title);
    assertOneSentence(install.fix);
    assert.match(install.fix, /same `RUN`.*multi-stage build/);
    // The base's package removed in layer 2 is the base layer's finding; the upgraded `a` is not a removal.
    const base = only(explainWith(model, packages, 0), 'package-removed-later')!;
    assert.deepEqual(evidenceOf(base), [['gone', '1.0', '/usr/bin/gone', 40, 2]]);
    // No RUN of this build made the base layer: the fix cannot be to purge it there.
    assert.match(base.fix, /base image.*saves nothing/);
    assertOneSentence(base.fix);
    assert.equal(only(explainWith(model, packages, 2), 'package-removed-later'), undefined);
  });

  test('build toolchains still in the final image: on the layer that installed them', () => {
    const f = only(explainWith(model, packages, 1), 'build-toolchain')!;
    assert.deepEqual(evidenceOf(f), [
      ['gcc-12', '12.2.0-14', '/usr/bin/gcc-12', 5000, undefined],
      ['libfoo-dev', '1.0-1', '/usr/include/foo.h', 300, undefined],
    ]);
    assert.deepEqual([f.ruleId, f.severity], ['LL2012', 'warning']);
    assert.match(f.fix, /separate stage/);
    assertOneSentence(f.title);
    for (const layer of [0, 2, 3]) assert.equal(only(explainWith(model, packages, layer), 'build-toolchain'), undefined, `layer ${layer}`);
  });

  test('documentation a package brought, deleted later: only what a deletion hid, not what was written again', () => {
    const f = only(explainWith(model, packages, 1), 'package-docs-deleted')!;
    // tool's man page is written again in layer 2 (not deleted), its locale stays; temp's docs go with temp (LL2011).
    assert.deepEqual(evidenceOf(f), [['tool', '2.0', '/usr/share/doc/tool', 50, 2]]);
    assert.deepEqual([f.ruleId, f.severity, f.total], ['LL2013', 'warning', { paths: 1, bytes: 50 }]);
    assert.match(f.fix, /path-exclude/);
    assertOneSentence(f.title);
  });

  test('the findings render with the package, its version and manager, and the path', () => {
    const text = explanationToText(explainWith(model, packages, 1));
    assert.match(text, /Warning \(LL2011\): A package this layer installs is removed by a later step/);
    assert.match(text, /  - temp 1\.0 \(dpkg\) — 710 B, removed in layer 2, the biggest file \/usr\/bin\/temp\n/);
    assert.match(text, /  - gcc-12 12\.2\.0-14 \(dpkg\) — 5\.0 kB, the biggest file \/usr\/bin\/gcc-12\n/);
    assert.match(text, /  - \/usr\/share\/doc\/tool — 50 B of tool 2\.0 \(dpkg\), deleted in layer 2\n/);
    // Names from the image are escaped in Markdown like paths are.
    assert.match(explanationToMarkdown(explainWith(model, packages, 1)), /gcc\\-12 \(5\.0 kB\)/);
  });

  test('one line per evidence (SARIF messages): a package by name and version, a documentation directory with its package', () => {
    const e = explainWith(model, packages, 1);
    const labels = (id: FindingId) => only(e, id)!.evidence.map((ev) => evidenceLabel(only(e, id)!, ev));
    assert.deepEqual(labels('build-toolchain'), ['gcc-12 12.2.0-14', 'libfoo-dev 1.0-1']);
    assert.deepEqual(labels('package-docs-deleted'), ['/usr/share/doc/tool (tool 2.0)']);
    assert.equal(evidenceLabel({ id: 'temporary-files' }, { path: '/tmp/a\nb', bytes: 1 }), '/tmp/a\\x0ab');
  });

  test('explainLayers (one pass) gives what explainLayer gives for each layer, packages included', () => {
    const analysis = analyzeImage(model);
    assert.deepEqual(
      explainLayers(model, analysis, () => ({ packages })),
      [0, 1, 2, 3].map((l) => explainLayer(model, analysis, l, { packages })),
    );
  });

  test('without the package model: packages is null, no package sentence and no package finding', () => {
    const e = explainWith(model, undefined, 1);
    assert.equal(e.packages, null);
    assert.deepEqual(e.findings.filter((f) => /^LL201[123]$/.test(f.ruleId)), []);
    assert.doesNotMatch(explanationToMarkdown(e), /## Packages/);
    assert.deepEqual(JSON.parse(JSON.stringify(e)).packages, null);
  });
});

describe('explain: images without packages, and a database that cannot be read', () => {
  test('an image with no package database: no package facts, nothing said', async () => {
    const layers = await indexed([put('/app/server', 1000)]);
    const data = image(layers);
    const model = new ImageModel(data);
    const e = explainWith(model, readImagePackages(data), 0);
    assert.equal(e.packages, null);
    assert.doesNotMatch(explanationToText(e), /Packages\n|no package owns/);
  });

  test('an rpm Berkeley DB: its one sentence in the layer that has it; the dpkg sentences beside it stay', async () => {
    const layers = await indexed([
      put('/usr/bin/a', 100),
      status(stanza('a', '1.0')),
      list('a', '/usr/bin/a'),
      { name: 'var/lib/rpm/Packages', content: bytes(4096) },
    ]);
    const data = image(layers);
    const model = new ImageModel(data);
    const e = explainWith(model, readImagePackages(data), 0);
    assert.equal(e.packages!.problems.length, 1);
    assertOneSentence(e.packages!.problems[0]);
    assert.match(e.packages!.problems[0], /^\/var\/lib\/rpm\/Packages is an rpm database in the Berkeley DB format/);
    const lines = packageLines(e);
    assert.equal(lines[0], '  - This layer installed 1 dpkg package (100 B): a (100 B).');
    assert.equal(lines.filter((l) => l.startsWith('  - Not read: ')).length, 1);
    assert.equal(lines.at(-1), `  - Not read: ${e.packages!.problems[0]}`);
  });
});

test('build toolchains by name, per manager', () => {
  const yes = [['dpkg', 'gcc'], ['dpkg', 'gcc-12'], ['dpkg', 'g++-12'], ['dpkg', 'cpp-12'], ['dpkg', 'make'], ['dpkg', 'clang-14'], ['dpkg', 'build-essential'], ['dpkg', 'libc6-dev'], ['apk', 'musl-dev'], ['apk', 'build-base'], ['rpm', 'glibc-devel'], ['rpm', 'gcc-c++']] as const;
  const no = [['dpkg', 'udev'], ['dpkg', 'makedev'], ['dpkg', 'gcc-12-base'], ['dpkg', 'libgcc-s1'], ['rpm', 'glibc-dev'], ['python', 'make'], ['npm', 'gcc']] as const;
  for (const [manager, name] of yes) assert.equal(isBuildToolchain({ manager, name }), true, `${manager} ${name}`);
  for (const [manager, name] of no) assert.equal(isBuildToolchain({ manager, name }), false, `${manager} ${name}`);
});

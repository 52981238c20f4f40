// The apk, Python, npm and rpm readers inside the per-layer model (imagePackages.ts), on real data: layers built as
// tars from the real trees of test/setup/package-tools.sh (a Debian python3-yaml, npm's is-number 7 and 6) and
// from a real rpmdb.sqlite (rpmbuild + rpm --justdb), indexed as an image's are. The captures are the readers'
// own choice of files (their wants), as the indexer makes them once they are in PACKAGE_READERS.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { apkReader } from '../../src/core/packages/apk';
import { readImagePackages, type ImagePackages } from '../../src/core/packages/imagePackages';
import { npmReader } from '../../src/core/packages/npm';
import { pythonReader } from '../../src/core/packages/python';
import { prepareRpmReader, rpmReader } from '../../src/core/packages/rpm';
import type { PackageDatabaseReader } from '../../src/core/packages/types';
import type { LayerIndex } from '../../src/core/model/types';
import { buildTar, type TarMember } from '../support/tarBuilder';
import { indexBlob } from './helpers';
import { packageData, run } from './packagesFixtures';

const READERS: PackageDatabaseReader[] = [apkReader, pythonReader, npmReader, rpmReader];
const SITE = 'usr/lib/python3/dist-packages';

/** Every file under `dir` as tar members named `prefix` + its path below `dir`. */
function membersOf(dir: string, prefix: string): TarMember[] {
  const members: TarMember[] = [];
  for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    const full = join(dir, name);
    if (lstatSync(full).isFile()) members.push({ name: prefix + relative(dir, full).split(sep).join('/'), content: readFileSync(full) });
  }
  return members;
}

async function layerOf(members: TarMember[], whiteouts: string[] = []): Promise<LayerIndex> {
  const all = [...members, ...whiteouts.map((path) => {
    const slash = path.lastIndexOf('/');
    return { name: `${path.slice(0, slash + 1)}.wh.${path.slice(slash + 1)}` };
  })];
  const index = await indexBlob(buildTar(all));
  // The capture the indexer makes for readers in PACKAGE_READERS (where it has not made it already).
  const already = new Set((index.captured ?? []).map((f) => f.path));
  const captured = members
    .filter((m) => READERS.some((r) => r.wants('/' + m.name)) && !already.has('/' + m.name))
    .map((m) => ({ path: '/' + m.name, size: (m.content as Buffer).length, bytes: new Uint8Array(m.content as Buffer) }));
  index.captured = [...(index.captured ?? []), ...captured];
  return index;
}

const APK_DB = (withBusybox: boolean) => [
  'P:musl', 'V:1.2.4-r2', 'A:x86_64', 'F:lib', 'R:libc.musl-x86_64.so.1', '',
  ...(withBusybox ? ['P:busybox', 'V:1.36.1-r5', 'A:x86_64', 'F:bin', 'R:busybox', ''] : []),
].join('\n');

describe('the apk, Python, npm and rpm readers in the per-layer model', () => {
  let work: string;
  let result: ImagePackages;
  let pyyamlBytes = 0;
  let pyyaml = ''; // the version Debian's python3-yaml has

  before(async () => {
    await prepareRpmReader();
    work = mkdtempSync(join(tmpdir(), 'layerlens-readers-model-'));
    const deb = readdirSync(packageData('python-debs')).find((f) => f.startsWith('python3-yaml_'))!;
    run('dpkg-deb', ['-x', join(packageData('python-debs'), deb), join(work, 'yaml')]);
    const yaml = membersOf(join(work, 'yaml', SITE), SITE + '/');
    // PyYAML-<version>.dist-info, whatever version Debian serves; the test upgrades it to <version>.1.
    pyyaml = readdirSync(join(work, 'yaml', SITE)).find((f) => /^PyYAML-.*\.dist-info$/.test(f))!.replace(/^PyYAML-|\.dist-info$/g, '');
    const next = `${pyyaml}.1`;
    pyyamlBytes = yaml.reduce((sum, m) => sum + (m.content as Buffer).length, 0);
    // The next PyYAML: the same files, its dist-info renamed and its METADATA saying so, as an upgrade leaves them.
    const yamlNext = yaml
      .filter((m) => (m.name as string).includes(`PyYAML-${pyyaml}.dist-info/`))
      .map((m) => ({
        name: (m.name as string).replace(`PyYAML-${pyyaml}.dist-info`, `PyYAML-${next}.dist-info`),
        content: Buffer.from(
          (m.content as Buffer).toString('utf8').replace(`\nVersion: ${pyyaml}\n`, `\nVersion: ${next}\n`).replaceAll(`PyYAML-${pyyaml}.dist-info`, `PyYAML-${next}.dist-info`),
        ),
      }));

    const rpmRoot = join(work, 'rpm');
    mkdirSync(join(rpmRoot, 'var/lib/rpm'), { recursive: true });
    writeFileSync(join(work, 'hello.spec'), 'Name: hello-layerlens\nVersion: 1.0\nRelease: 1\nSummary: t\nLicense: MIT\nBuildArch: noarch\n%description\nt\n%install\nmkdir -p %{buildroot}/usr/share/hello\nhead -c 1000 /dev/zero > %{buildroot}/usr/share/hello/data\n%files\n/usr/share/hello/data\n');
    run('rpmbuild', ['--define', `_topdir ${join(work, 'top')}`, '--quiet', '-bb', join(work, 'hello.spec')]);
    const rpmFile = join(work, 'top/RPMS/noarch', readdirSync(join(work, 'top/RPMS/noarch'))[0]);
    run('rpm', ['--dbpath', join(rpmRoot, 'var/lib/rpm'), '--initdb']);
    run('rpm', ['--dbpath', join(rpmRoot, 'var/lib/rpm'), '-i', '--justdb', '--nodeps', rpmFile]);

    const npm = packageData('npm-tree', 'project', 'node_modules');
    const layers = [
      await layerOf([
        { name: 'lib/apk/db/installed', content: Buffer.from(APK_DB(true)) },
        { name: 'lib/libc.musl-x86_64.so.1', content: Buffer.alloc(600) },
        { name: 'bin/busybox', content: Buffer.alloc(900) },
        ...yaml,
        ...membersOf(join(npm, 'is-number'), 'app/node_modules/is-number/'),
        { name: 'var/lib/rpm/rpmdb.sqlite', content: readFileSync(join(rpmRoot, 'var/lib/rpm/rpmdb.sqlite')) },
        { name: 'usr/share/hello/data', content: Buffer.alloc(1000) },
      ]),
      // busybox removed; PyYAML upgraded; is-number 7 replaced by 6 (a downgrade).
      await layerOf(
        [
          { name: 'lib/apk/db/installed', content: Buffer.from(APK_DB(false)) },
          ...yamlNext,
          ...membersOf(join(npm, 'is-odd/node_modules/is-number'), 'app/node_modules/is-number/'),
        ],
        ['bin/busybox', `${SITE}/PyYAML-${pyyaml}.dist-info`],
      ),
    ];
    result = readImagePackages({ layers }, READERS);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  test('what each layer installed, upgraded, downgraded and removed', () => {
    assert.deepEqual(result.problems, []);
    const changes = result.changes.map((c) => `${c.layer} ${c.change} ${c.manager} ${c.name} ${c.from ?? '-'} ${c.to ?? '-'}`).sort();
    assert.deepEqual(changes, [
      '0 installed apk busybox - 1.36.1-r5',
      '0 installed apk musl - 1.2.4-r2',
      '0 installed npm is-number - 7.0.0',
      `0 installed python PyYAML - ${pyyaml}`,
      '0 installed rpm hello-layerlens - 1.0-1',
      '1 downgraded npm is-number 7.0.0 6.0.0',
      '1 removed apk busybox 1.36.1-r5 -',
      `1 upgraded python PyYAML ${pyyaml} ${pyyaml}.1`,
    ]);
  });

  test("a package's bytes in the layer that installed it come from its database's file list", () => {
    const at0 = new Map(result.present[0].map((p) => [p.name, p]));
    assert.equal(at0.get('busybox')!.size, 900);
    assert.equal(at0.get('musl')!.size, 600);
    assert.equal(at0.get('hello-layerlens')!.size, 1000);
    // RECORD lists every file of the package, its dist-info included (RECORD itself too).
    assert.equal(at0.get('PyYAML')!.size, pyyamlBytes);
    assert.equal(at0.get('busybox')!.deletedLaterBytes, 900, 'busybox deleted in layer 1: its bytes still ship');
  });

  test("an npm package (no file list) owns its directory's files, as npm laid them out; the newer layer's copies hide the older", () => {
    const npm = packageData('npm-tree', 'project', 'node_modules');
    const bytesOf = (dir: string) => new Map(membersOf(dir, '').map((m) => [String(m.name), (m.content as Buffer).length]));
    const v7 = bytesOf(join(npm, 'is-number'));
    const v6 = bytesOf(join(npm, 'is-odd/node_modules/is-number'));
    const sum = (sizes: Map<string, number>) => [...sizes.values()].reduce((a, b) => a + b, 0);
    const at0 = result.present[0].find((p) => p.manager === 'npm' && p.name === 'is-number')!;
    const at1 = result.present[1].find((p) => p.manager === 'npm' && p.name === 'is-number')!;
    assert.equal(at0.size, sum(v7));
    assert.equal(at0.files.length, v7.size);
    assert.equal(at1.size, sum(v6));
    const replaced = [...v7].filter(([name]) => v6.has(name)).reduce((total, [, size]) => total + size, 0);
    assert.ok(replaced > 0, 'is-number 6 rewrites files of 7');
    assert.equal(at0.deletedLaterBytes, replaced, "7's files that 6 overwrote still ship in layer 0");
  });
});

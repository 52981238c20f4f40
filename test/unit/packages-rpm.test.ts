// rpm's SQLite database from real rpm: the test builds two small packages with Debian's rpmbuild (one with an
// epoch, noarch; one x86_64 with files in several directories and a name with spaces) and installs them with
// `rpm --dbpath <root>/var/lib/rpm -i --justdb --nodeps`, which writes a real rpmdb.sqlite (rpm 4.18, WAL mode).
// Oracle: `rpm --dbpath … -qa --qf …` for names, EVR and architecture, and its FILENAMES for file lists.
// Berkeley DB and ndb files cannot be made here (Debian's rpm reads bdb only, has no ndb): those are headers
// written by hand with each format's magic number.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import initSqlJs from 'sql.js';
import { prepareRpmReader, rpmReader } from '../../src/core/packages/rpm';
import { execFileSync } from 'node:child_process';
import { captureFor, run } from './packagesFixtures';
import { buildImageArchive } from '../support/imageBuilder';

const DB = '/var/lib/rpm/rpmdb.sqlite';
let work: string;
let root: string;

const SPECS: Record<string, string> = {
  'hello-layerlens': `Name: hello-layerlens
Version: 1.2.3
Release: 4
Epoch: 2
Summary: A test package for Layerlens
License: MIT
BuildArch: noarch
%description
Test data.
%install
mkdir -p %{buildroot}/usr/share/hello %{buildroot}/etc
echo a > %{buildroot}/usr/share/hello/a.txt
echo bb > %{buildroot}/usr/share/hello/b.txt
echo conf > %{buildroot}/etc/hello.conf
%files
/usr/share/hello
%config /etc/hello.conf
`,
  'tools-layerlens': `%global debug_package %{nil}
Name: tools-layerlens
Version: 0.9
Release: 1.el9
Summary: Another test package
License: MIT
%description
Test data.
%install
mkdir -p %{buildroot}/usr/bin %{buildroot}/usr/lib/tools-layerlens "%{buildroot}/usr/share/doc/tools layerlens"
printf '#!/bin/sh\\necho hi\\n' > %{buildroot}/usr/bin/tool
echo x > %{buildroot}/usr/lib/tools-layerlens/data
echo y > "%{buildroot}/usr/share/doc/tools layerlens/READ ME"
%files
/usr/bin/tool
/usr/lib/tools-layerlens/data
"/usr/share/doc/tools layerlens/READ ME"
`,
};

function rpmQuery(...args: string[]): string {
  return run('rpm', ['--dbpath', join(root, 'var/lib/rpm'), ...args]);
}

function read(files: Map<string, Uint8Array>) {
  const { packages, problems } = rpmReader.read(files);
  return { problems, specs: packages.map((p) => `${p.name} ${p.version} ${p.architecture}`).sort(), packages };
}

function assertOneSentence(problems: string[], pattern: RegExp) {
  assert.equal(problems.length, 1, `one problem expected, got ${JSON.stringify(problems)}`);
  assert.match(problems[0], pattern);
  assert.doesNotMatch(problems[0], /\n/);
}

/** The real database with one more row in its Packages table (SQLite written by sql.js itself). */
async function withExtraRow(bytes: Uint8Array, blob: Uint8Array): Promise<Uint8Array> {
  const SQL = await initSqlJs();
  const copy = new Uint8Array(bytes);
  copy[18] = copy[19] = 1; // sql.js cannot open WAL mode (see rpm.ts)
  const db = new SQL.Database(copy);
  db.run('INSERT INTO Packages (blob) VALUES (?)', [blob]);
  const out = db.export();
  db.close();
  return out;
}

describe('rpm SQLite database', () => {
  let oracle: string[];
  before(async () => {
    await prepareRpmReader();
    work = mkdtempSync(join(tmpdir(), 'layerlens-rpm-'));
    root = join(work, 'root');
    mkdirSync(join(root, 'var/lib/rpm'), { recursive: true });
    for (const [name, spec] of Object.entries(SPECS)) {
      writeFileSync(join(work, `${name}.spec`), spec);
      run('rpmbuild', ['--define', `_topdir ${join(work, 'top')}`, '--quiet', '-bb', join(work, `${name}.spec`)]);
    }
    const rpms = ['noarch', 'x86_64'].flatMap((arch) => {
      const dir = join(work, 'top/RPMS', arch);
      return readdirSync(dir).map((f) => join(dir, f));
    });
    assert.equal(rpms.length, 2, 'rpmbuild made both packages');
    rpmQuery('--initdb');
    rpmQuery('-i', '--justdb', '--nodeps', ...rpms);
    oracle = rpmQuery('-qa', '--qf', '%{NAME} %|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE} %{ARCH}\\n').trim().split('\n').sort();
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  test('layerlens packages, a process of its own, lists them: the command loads the SQLite reader first', () => {
    const bytes = captureFor(rpmReader, root).get(DB)!;
    const built = buildImageArchive({ layers: [[{ name: 'var/lib/rpm/', type: 'dir' }, { name: 'var/lib/rpm/rpmdb.sqlite', content: Buffer.from(bytes) }]] }, 'oci');
    const archive = join(work, 'rpm-image.tar');
    writeFileSync(archive, built.archive);
    const cli = join(__dirname, '../../src/cli.ts');
    const output = execFileSync(process.execPath, ['--import', 'tsx', cli, 'packages', archive, '--json', '--no-cache'], { encoding: 'utf8' });
    const report = JSON.parse(output) as { packages: { manager: string; name: string; version: string }[] };
    assert.deepEqual(
      report.packages.filter((p) => p.manager === 'rpm').map((p) => p.name).sort(),
      ['hello-layerlens', 'tools-layerlens'],
    );
  });

  test('wants the SQLite database and the older formats, in /var/lib/rpm and /usr/lib/sysimage/rpm', () => {
    for (const yes of [DB, '/usr/lib/sysimage/rpm/rpmdb.sqlite', '/var/lib/rpm/Packages', '/var/lib/rpm/Packages.db']) assert.equal(rpmReader.wants(yes), true, yes);
    for (const no of ['/var/lib/rpm/rpmdb.sqlite-wal', '/var/lib/rpm/rpmdb.sqlite-shm', '/var/lib/rpm/Basenames', '/opt/var/lib/rpm/rpmdb.sqlite']) assert.equal(rpmReader.wants(no), false, no);
  });

  test("names, epoch:version-release and architectures as rpm -qa prints them", () => {
    const files = captureFor(rpmReader, root);
    assert.deepEqual([...files.keys()], [DB]);
    const header = files.get(DB)!;
    assert.deepEqual([header[18], header[19]], [2, 2], 'rpm wrote a WAL-mode database, which the reader must open anyway');
    assert.deepEqual(oracle, ['hello-layerlens 2:1.2.3-4 noarch', 'tools-layerlens 0.9-1.el9 x86_64']);
    const { specs, problems, packages } = read(files);
    assert.deepEqual(problems, []);
    assert.deepEqual(specs, oracle);
    assert.ok(packages.every((p) => p.manager === 'rpm' && p.location === DB));
  });

  test("file names from BASENAMES, DIRNAMES and DIRINDEXES are rpm's own FILENAMES", () => {
    const { packages } = read(captureFor(rpmReader, root));
    for (const pkg of packages) {
      const listed = rpmQuery('-q', '--qf', '[%{FILENAMES}\\n]', pkg.name).trim().split('\n').sort();
      assert.deepEqual([...pkg.files].sort(), listed, pkg.name);
    }
    assert.ok(packages.find((p) => p.name === 'tools-layerlens')!.files.includes('/usr/share/doc/tools layerlens/READ ME'));
  });

  test('the same database under /usr/lib/sysimage/rpm (Fedora, openSUSE)', () => {
    const bytes = captureFor(rpmReader, root).get(DB)!;
    assert.deepEqual(read(new Map([['/usr/lib/sysimage/rpm/rpmdb.sqlite', bytes]])).specs, oracle);
  });

  test('a damaged header among good ones: one sentence, the good packages still come out', async () => {
    const bytes = captureFor(rpmReader, root).get(DB)!;
    const garbage = Uint8Array.from({ length: 300 }, (_, i) => (i * 89 + 7) & 0xff);
    const { specs, problems } = read(new Map([[DB, await withExtraRow(bytes, garbage)]]));
    assertOneSentence(problems, /^\/var\/lib\/rpm\/rpmdb\.sqlite: 1 package header damaged or without a name and version skipped\.$/);
    assert.deepEqual(specs, oracle);
  });

  test('a header whose directory would leave the root: one sentence, that file dropped, nothing outside', async () => {
    const bytes = captureFor(rpmReader, root).get(DB)!;
    const SQL = await initSqlJs();
    const copy = new Uint8Array(bytes);
    copy[18] = copy[19] = 1;
    const db = new SQL.Database(copy);
    const [hnum, blob] = db.exec("SELECT hnum, blob FROM Packages")[0].values.find(([, b]) => Buffer.from(b as Uint8Array).includes('hello-layerlens\0'))! as [number, Uint8Array];
    const hostile = Buffer.from(blob);
    const at = hostile.indexOf('/etc/\0');
    assert.ok(at > 0, 'the header has the /etc/ directory');
    hostile.write('../x/', at, 'latin1'); // same length: the header stays well-formed
    db.run('UPDATE Packages SET blob = ? WHERE hnum = ?', [hostile, hnum]);
    const { packages, problems } = read(new Map([[DB, db.export()]]));
    db.close();
    assertOneSentence(problems, /^\/var\/lib\/rpm\/rpmdb\.sqlite: 1 file name leading outside the image root ignored\.$/);
    const hello = packages.find((p) => p.name === 'hello-layerlens')!;
    assert.deepEqual([...hello.files].sort(), ['/usr/share/hello', '/usr/share/hello/a.txt', '/usr/share/hello/b.txt']);
    assert.equal(packages.length, 2);
  });

  test('truncated, garbage, or another SQLite file: one sentence each, nothing else fails', async () => {
    const bytes = captureFor(rpmReader, root).get(DB)!;
    const SQL = await initSqlJs();
    const other = new SQL.Database();
    other.run('CREATE TABLE t (x)');
    const cases: [string, Uint8Array, RegExp][] = [
      ['truncated', bytes.subarray(0, Math.floor(bytes.length / 3)), /^\/var\/lib\/rpm\/rpmdb\.sqlite cannot be read as an rpm SQLite database \(.+\), so its packages are not listed\.$/],
      ['garbage', Uint8Array.from({ length: 8192 }, (_, i) => (i * 131) & 0xff), /cannot be read as an rpm SQLite database \(file is not a database\)/],
      ['no Packages table', other.export(), /cannot be read as an rpm SQLite database \(no such table: Packages\)/],
      ['empty', new Uint8Array(0), /cannot be read as an rpm SQLite database \(no such table: Packages\)/],
    ];
    other.close();
    for (const [label, damaged, pattern] of cases) {
      const { specs, problems } = read(new Map([[DB, damaged], ['/usr/lib/sysimage/rpm/rpmdb.sqlite', bytes]]));
      assertOneSentence(problems, pattern);
      assert.deepEqual(specs, oracle, label);
    }
  });

  test("Berkeley DB's Packages and ndb's Packages.db: exactly one sentence each, unless rpmdb.sqlite is beside them", () => {
    // Berkeley DB hash file: magic 0x00061561 at offset 12; ndb: "RpmP" at offset 0 (rpm's lib/backend/ndb/rpmpkg.c).
    const bdb = Buffer.alloc(4096);
    bdb.writeUInt32LE(0x00061561, 12);
    const ndb = Buffer.alloc(4096);
    ndb.write('RpmP', 0, 'latin1');
    for (const [path, bytes, format] of [['/var/lib/rpm/Packages', bdb, 'Berkeley DB'], ['/var/lib/rpm/Packages.db', ndb, 'ndb']] as const) {
      const alone = read(new Map([[path, bytes]]));
      assert.deepEqual(alone.specs, []);
      assert.deepEqual(alone.problems, [`${path} is an rpm database in the ${format} format (rpm before 4.16), which cannot be read here, so its packages are not listed.`]);
      const migrated = read(new Map([[path, bytes], [DB, captureFor(rpmReader, root).get(DB)!]]));
      assert.deepEqual(migrated.problems, []);
      assert.deepEqual(migrated.specs, oracle);
    }
  });
});

// Python distributions from real data: Debian's python3-* packages (apt-get download, unpacked with dpkg-deb -x:
// egg-info directories and dist-info with RECORD in /usr/lib/python3/dist-packages) and Debian's real wheels of pip
// and setuptools pip-installed under a prefix (site-packages whose RECORDs reach ../../../bin). Oracles: `pip list
// --path <dir> --format json` for names and versions, importlib.metadata's own file list for RECORD paths.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalPythonName, pythonReader } from '../../src/core/packages/python';
import type { InstalledPackage } from '../../src/core/packages/types';
import { captureFor, packageData, run } from './packagesFixtures';

const DIST_PACKAGES = '/usr/lib/python3/dist-packages';
let root: string;
let sitePackages: string; // image path of the pip prefix's site-packages
/** The metadata directories the debs installed, found by name (their versions are whatever Debian serves). */
let SIX: string, CERTIFI: string, CHARDET: string, PYYAML: string;
const versionOf = (metadataDir: string) => metadataDir.replace(/^[^-]+-/, '').replace(/\.(dist|egg)-info$/, '');

interface PipListed {
  name: string;
  version: string;
}

const pipListed = new Map<string, PipListed[]>();

/** pip list takes seconds a call: each directory of a tree is asked once. */
function pipList(imageDir: string, imageRoot = root): PipListed[] {
  const key = join(imageRoot, imageDir);
  if (!pipListed.has(key)) pipListed.set(key, pipListOnce(imageDir, imageRoot));
  return structuredClone(pipListed.get(key)!);
}

function pipListOnce(imageDir: string, imageRoot: string): PipListed[] {
  const listed = JSON.parse(run('python3', ['-m', 'pip', 'list', '--disable-pip-version-check', '--path', join(imageRoot, imageDir), '--format', 'json'])) as PipListed[];
  return listed.sort((a, b) => a.name.localeCompare(b.name));
}

/** importlib.metadata's files of the distribution at `imageLocation`, as image paths. */
function importlibFiles(imageLocation: string): string[] {
  const script = [
    'import importlib.metadata as m, os, sys',
    'd = m.Distribution.at(sys.argv[1])',
    'print("\\n".join(os.path.normpath(str(d.locate_file(f))) for f in (d.files or [])))',
  ].join('\n');
  const out = run('python3', ['-c', script, join(root, imageLocation)]).trim();
  return out === '' ? [] : out.split('\n').map((p) => p.slice(root.length));
}

function inDir(packages: InstalledPackage[], dir: string): PipListed[] {
  return packages
    .filter((p) => p.location.startsWith(dir + '/'))
    .map((p) => ({ name: p.name, version: p.version }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function assertOneSentence(problems: string[], pattern: RegExp) {
  assert.equal(problems.length, 1, `one problem expected, got ${JSON.stringify(problems)}`);
  assert.match(problems[0], pattern);
  assert.doesNotMatch(problems[0], /\n/);
}

/** A fresh copy of the real tree to damage in one test. */
function damagedCopy(): string {
  const copy = mkdtempSync(join(tmpdir(), 'layerlens-python-hostile-'));
  cpSync(root, copy, { recursive: true, verbatimSymlinks: true });
  return copy;
}

describe('Python distributions', () => {
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'layerlens-python-'));
    const debs = packageData('python-debs');
    for (const deb of readdirSync(debs)) run('dpkg-deb', ['-x', join(debs, deb), root]);
    cpSync(packageData('pip-prefix', 'usr'), join(root, 'usr'), { recursive: true, verbatimSymlinks: true });
    const lib = readdirSync(join(root, 'usr/local/lib')).find((d) => d.startsWith('python3'))!;
    sitePackages = `/usr/local/lib/${lib}/site-packages`;
    const metadataDir = (name: string) => readdirSync(join(root, DIST_PACKAGES)).find((f) => f.startsWith(name + '-') && /\.(dist|egg)-info$/.test(f))!;
    [SIX, CERTIFI, CHARDET, PYYAML] = ['six', 'certifi', 'chardet', 'PyYAML'].map(metadataDir);
    assert.ok(SIX.endsWith('.egg-info') && CERTIFI.endsWith('.egg-info') && CHARDET.endsWith('.dist-info') && PYYAML.endsWith('.dist-info'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('wants metadata directly inside a site directory, and nothing else', () => {
    for (const yes of [
      '/usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO',
      '/usr/lib/python3/dist-packages/six-1.16.0.egg-info/installed-files.txt',
      '/usr/lib/python3/dist-packages/six-1.16.0.egg-info',
      '/usr/local/lib/python3.11/site-packages/pip-23.0.1.dist-info/METADATA',
      '/opt/venv/lib/python3.12/site-packages/pip-23.0.1.dist-info/RECORD',
    ]) assert.equal(pythonReader.wants(yes), true, yes);
    for (const no of [
      '/usr/lib/python3/dist-packages/six-1.16.0.egg-info/top_level.txt',
      '/usr/lib/python3/dist-packages/pip-23.0.1.dist-info/WHEEL',
      '/usr/lib/python3/dist-packages/pip-23.0.1.dist-info',
      '/usr/lib/python3/dist-packages/vendor/x-1.dist-info/METADATA',
      '/home/me/x-1.dist-info/METADATA',
      '/usr/lib/python3/dist-packages/six.py',
    ]) assert.equal(pythonReader.wants(no), false, no);
  });

  test("Debian's dist-packages: the same names and versions as pip list", () => {
    const { packages, problems } = pythonReader.read(captureFor(pythonReader, root));
    assert.deepEqual(problems, []);
    const oracle = pipList(DIST_PACKAGES);
    assert.ok(oracle.length >= 4, `pip list saw ${JSON.stringify(oracle)}`);
    assert.deepEqual(inDir(packages, DIST_PACKAGES), oracle);
  });

  test('pip-installed wheels in site-packages: the same names and versions as pip list', () => {
    const { packages } = pythonReader.read(captureFor(pythonReader, root));
    const oracle = pipList(sitePackages);
    assert.deepEqual(oracle.map((p) => p.name), ['pip', 'setuptools']);
    assert.deepEqual(inDir(packages, sitePackages), oracle);
  });

  test("RECORD files are importlib.metadata's files, ../../../bin/pip resolved inside the image", () => {
    const { packages } = pythonReader.read(captureFor(pythonReader, root));
    const pip = packages.find((p) => p.name === 'pip')!;
    assert.ok(pip.files.includes('/usr/local/bin/pip'), 'the console script outside site-packages');
    assert.deepEqual([...pip.files].sort(), [...new Set(importlibFiles(pip.location))].sort());
    const pyyaml = packages.find((p) => p.name === 'PyYAML')!;
    assert.ok(pyyaml.files.length > 5);
    assert.deepEqual([...pyyaml.files].sort(), [...new Set(importlibFiles(pyyaml.location))].sort());
  });

  test('an egg-info directory without a file list: the package, with no files', () => {
    const { packages } = pythonReader.read(captureFor(pythonReader, root));
    const six = packages.find((p) => p.name === 'six')!;
    assert.deepEqual(six, { manager: 'python', name: 'six', version: versionOf(SIX), files: [], location: `${DIST_PACKAGES}/${SIX}` });
  });

  test('the single-file egg-info form and an egg-info with installed-files.txt', () => {
    const copy = damagedCopy();
    try {
      const legacy = '/opt/legacy/lib/python3.11/site-packages';
      mkdirSync(join(copy, legacy, CERTIFI), { recursive: true });
      cpSync(join(copy, DIST_PACKAGES, SIX, 'PKG-INFO'), join(copy, legacy, SIX));
      cpSync(join(copy, DIST_PACKAGES, CERTIFI, 'PKG-INFO'), join(copy, legacy, CERTIFI, 'PKG-INFO'));
      // What setup.py install writes: paths relative to the egg-info directory.
      writeFileSync(join(copy, legacy, CERTIFI, 'installed-files.txt'), '../certifi/__init__.py\n../certifi/core.py\nPKG-INFO\n');
      const { packages, problems } = pythonReader.read(captureFor(pythonReader, copy));
      assert.deepEqual(problems, []);
      const oracle = pipList(legacy, copy);
      assert.deepEqual(oracle.map((p) => p.name), ['certifi', 'six']);
      assert.deepEqual(inDir(packages, legacy), oracle);
      assert.deepEqual(packages.find((p) => p.location === `${legacy}/${CERTIFI}`)!.files, [
        `${legacy}/certifi/__init__.py`, `${legacy}/certifi/core.py`, `${legacy}/${CERTIFI}/PKG-INFO`,
      ]);
      assert.deepEqual(packages.find((p) => p.location === `${legacy}/${SIX}`)!.version, versionOf(SIX));
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  test('PEP 503 names: one distribution per normalised name and directory, the other one sentence', () => {
    assert.equal(canonicalPythonName('PyYAML'), 'pyyaml');
    assert.equal(canonicalPythonName('zope.Interface__x--y'), 'zope-interface-x-y');
    const files = captureFor(pythonReader, root);
    for (const [path, bytes] of [...files]) {
      if (path.includes(`/${PYYAML}/`)) files.set(path.replace(`/${PYYAML}/`, `/${PYYAML.toLowerCase()}/`), bytes);
    }
    const { packages, problems } = pythonReader.read(files);
    assertOneSentence(problems, /1 Python distribution repeating a name already installed in the same directory ignored, as pip does/);
    assert.equal(packages.filter((p) => canonicalPythonName(p.name) === 'pyyaml').length, 1);
    assert.equal(inDir(packages, DIST_PACKAGES).length, pipList(DIST_PACKAGES).length);
  });

  test('a RECORD with .. paths that escape the root: one sentence, nothing outside, the rest kept', () => {
    const files = captureFor(pythonReader, root);
    const record = `${DIST_PACKAGES}/${CHARDET}/RECORD`;
    const depth = DIST_PACKAGES.split('/').length;
    const hostile = `${'../'.repeat(depth + 2)}etc/shadow,,\n"${'../'.repeat(depth + 5)}root/.ssh/authorized_keys",,\n`;
    files.set(record, Buffer.concat([Buffer.from(files.get(record)!), Buffer.from(hostile)]));
    const { packages, problems } = pythonReader.read(files);
    assertOneSentence(problems, /^2 files listed by Python package records would lie outside the image root and were ignored\.$/);
    const chardet = packages.find((p) => p.name === 'chardet')!;
    assert.ok(!chardet.files.some((f) => f === '/etc/shadow' || f.includes('..') || f.includes('authorized_keys')));
    assert.ok(chardet.files.includes(`${DIST_PACKAGES}/chardet/__init__.py`));
    assert.deepEqual(inDir(packages, DIST_PACKAGES), pipList(DIST_PACKAGES));
  });

  test('METADATA of binary garbage, without a version, or missing: one sentence each, the others still listed', () => {
    const base = captureFor(pythonReader, root);
    const expected = pipList(DIST_PACKAGES).filter((p) => p.name !== 'chardet');
    const metadata = `${DIST_PACKAGES}/${CHARDET}/METADATA`;
    const cases: [string, (files: Map<string, Uint8Array>) => void, RegExp][] = [
      ['garbage', (f) => f.set(metadata, Uint8Array.from({ length: 2048 }, (_, i) => (i * 131) & 0xff)), /chardet-[^/]*\.dist-info \(Python package metadata\) holds binary data, not text, so it cannot be read\.$/],
      ['no version', (f) => f.set(metadata, Buffer.from('Metadata-Version: 2.1\nName: chardet\nSummary: x\n')), /^1 Python distribution without a Name or Version in its metadata skipped: .*chardet-[^/]*\.dist-info\.$/],
      ['missing', (f) => f.delete(metadata), /^1 Python metadata directory without METADATA or PKG-INFO skipped: .*chardet-[^/]*\.dist-info\.$/],
      ['truncated', (f) => f.set(metadata, Buffer.from('Metadata-Version: 2.1\nName: char')), /^1 Python distribution without a Name or Version/],
    ];
    for (const [label, damage, pattern] of cases) {
      const files = new Map(base);
      damage(files);
      const { packages, problems } = pythonReader.read(files);
      assertOneSentence(problems, pattern);
      assert.deepEqual(inDir(packages, DIST_PACKAGES), expected, label);
      assert.equal(packages.filter((p) => p.location.startsWith(sitePackages)).length, 2, label);
    }
  });
});

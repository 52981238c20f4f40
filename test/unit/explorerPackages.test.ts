// The explorer's packages, host side: who owns a path at a layer (through a merged-/usr symlink, across an
// upgrade and a purge), the Packages tab's rows (a layer's changes; the packages present, as `layerlens packages`
// lists them), a package's files as a tree filter, the owner in the file details, and the messages' validation.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyzeImage } from '../../src/core/analysis/analysis';
import { ImageModel } from '../../src/core/model/imageModel';
import { readImagePackages } from '../../src/core/packages/imagePackages';
import { packagesReport } from '../../src/core/packages/packagesReport';
import { ExplorerSession } from '../../src/explorer/explorerSession';
import { ownerSentence, PackageOwners } from '../../src/explorer/packageOwners';
import { packageRows } from '../../src/explorer/packageRows';
import { parseFromWebview, type Request, type Response, type TreeQuery } from '../../src/explorer/protocol';
import { buildTar, type TarMember } from '../support/tarBuilder';
import { file, image, indexBlob, layer } from './helpers';

const stanza = (name: string, version: string) => `Package: ${name}\nStatus: install ok installed\nArchitecture: amd64\nVersion: ${version}\n`;
const status = (...stanzas: string[]): TarMember => ({ name: 'var/lib/dpkg/status', content: stanzas.join('\n') });
const list = (name: string, ...paths: string[]): TarMember => ({ name: `var/lib/dpkg/info/${name}.list`, content: ['/.', ...paths].join('\n') + '\n' });
const bytes = (n: number) => Buffer.alloc(n, 0x61);
const whiteout = (path: string): TarMember => ({ name: `${path.slice(0, path.lastIndexOf('/') + 1)}.wh.${path.slice(path.lastIndexOf('/') + 1)}` });

describe('explorer packages', async () => {
  const layers = await Promise.all(
    [
      [
        { name: 'lib', type: 'symlink', linkname: 'usr/lib' },
        { name: 'usr/bin/a', content: bytes(100) },
        { name: 'usr/lib/b.so', content: bytes(50) },
        status(stanza('a', '1.0'), stanza('b', '1.0')),
        list('a', '/usr', '/usr/bin', '/usr/bin/a'),
        list('b', '/lib', '/lib/b.so'), // through the /lib symlink: the layer holds /usr/lib/b.so
      ],
      [
        { name: 'usr/bin/a', content: bytes(120) },
        { name: 'usr/bin/c', content: bytes(10) },
        { name: 'usr/share/doc/c/README', content: bytes(5) },
        { name: 'srv/unowned', content: bytes(7) },
        status(stanza('a', '2.0'), stanza('b', '1.0'), stanza('c', '0.9')),
        list('a', '/usr', '/usr/bin', '/usr/bin/a'),
        list('c', '/usr/bin/c', '/usr/share/doc/c/README'),
      ],
      [whiteout('usr/lib/b.so'), whiteout('var/lib/dpkg/info/b.list'), status(stanza('a', '2.0'), stanza('c', '0.9'))],
    ].map((members) => indexBlob(buildTar(members as TarMember[]))),
  );
  const model = new ImageModel(image(layers));
  const packages = readImagePackages(model.data);
  const owners = new PackageOwners(packages);
  const namesAt = (path: string, at: number) => owners.ownersAt(path, at).map(ownerSentence);

  test('a path is owned by the version present at the layer asked', () => {
    assert.deepEqual(namesAt('/usr/bin/a', 0), ['Owned by dpkg package a 1.0, installed in #0']);
    assert.deepEqual(namesAt('/usr/bin/a', 1), ['Owned by dpkg package a 2.0, installed in #1']);
    assert.deepEqual(namesAt('/usr/bin/a', 2), ['Owned by dpkg package a 2.0, installed in #1']);
    assert.deepEqual(namesAt('/usr/lib/b.so', 1), ['Owned by dpkg package b 1.0, installed in #0'], 'listed as /lib/b.so, found through the symlink');
    assert.deepEqual(namesAt('/usr/lib/b.so', 2), [], 'b is purged in #2');
    assert.deepEqual(namesAt('/srv/unowned', 1), []);
  });

  test('the rows of one layer are its changes; present rows equal layerlens packages at that layer', () => {
    const changes = packageRows(owners, { from: 1, to: 1 }, 'changes');
    assert.deepEqual(
      changes.rows.map((r) => [r.name, r.change, r.from ?? null, r.version, r.changedIn, r.layer, r.size, r.files]),
      [
        ['a', 'upgraded', '1.0', '2.0', 1, 1, 120, 1],
        ['c', 'installed', null, '0.9', 1, 1, 15, 2],
      ],
    );
    assert.equal(changes.present, 3);
    assert.equal(changes.hasDatabase, true);
    const purge = packageRows(owners, { from: 2, to: 2 }, 'changes');
    assert.deepEqual(purge.rows.map((r) => [r.name, r.change, r.version, r.layer]), [['b', 'removed', '1.0', 0]]);
    for (const at of [0, 1, 2]) {
      const present = packageRows(owners, { from: at, to: at }, 'present').rows.map((r) => `${r.manager} ${r.name} ${r.version} #${r.layer} ${r.size} ${r.files}`);
      const cli = packagesReport(packages, at).packages.map((p) => `${p.manager} ${p.name} ${p.version} #${p.layer} ${p.size} ${p.files}`);
      assert.deepEqual(present, cli, `layer ${at}`);
    }
    assert.deepEqual(
      packageRows(owners, { from: 0, to: 2 }, 'changes').rows.map((r) => `${r.changedIn} ${r.change} ${r.name}`),
      ['0 installed a', '0 installed b', '1 upgraded a', '1 installed c', '2 removed b'],
    );
  });

  test('an image without a package database says so', async () => {
    const bare = new ImageModel(image([layer([file('/x', 3, 'h')])]));
    const answer = packageRows(new PackageOwners(readImagePackages(bare.data)), { from: 0, to: 0 }, 'present');
    assert.deepEqual([answer.hasDatabase, answer.rows, answer.problems], [false, [], []]);
  });

  test("a database that cannot be read gives the reader's one sentence, up to the layer asked", async () => {
    const [base, rpmLayer] = await Promise.all([
      indexBlob(buildTar([status(stanza('a', '1.0')), { name: 'usr/bin/a', content: bytes(3) }])),
      indexBlob(buildTar([{ name: 'var/lib/rpm/Packages', content: bytes(4096) }])),
    ]);
    const read = new PackageOwners(readImagePackages(new ImageModel(image([base, rpmLayer])).data));
    assert.deepEqual(packageRows(read, { from: 0, to: 0 }, 'present').problems, []);
    const top = packageRows(read, { from: 1, to: 1 }, 'present');
    assert.equal(top.problems.length, 1, top.problems.join(' | '));
    assert.match(top.problems[0], /^Layer 1: .*Berkeley DB/);
    assert.deepEqual(top.rows.map((r) => r.name), ['a'], 'nothing else is lost');
  });

  describe('in the session', () => {
    const session = new ExplorerSession(model, analyzeImage(model));
    const ask = (request: Request): Response => session.answer(request);
    const query = (from: number, to: number, mode: TreeQuery['mode'] = 'changes'): TreeQuery => ({ mode, sort: 'name', range: { from, to } });
    const owned = (path: string, q: TreeQuery) => {
      const r = ask({ kind: 'details', id: 1, query: q, path });
      assert.ok('details' in r, JSON.stringify(r));
      return r.details.owners;
    };

    test('before the packages are read: no owner, and the tab is told to wait', async () => {
      assert.equal(owned('/usr/bin/a', query(1, 1)), undefined);
      const early = ask({ kind: 'packages', id: 2, range: { from: 1, to: 1 }, view: 'changes' });
      assert.ok('error' in early && early.error === 'The packages are still being read.');
      const later = await session.answerWhenRead({ kind: 'packages', id: 3, range: { from: 1, to: 1 }, view: 'changes' });
      assert.ok('packages' in later);
      assert.deepEqual(later.packages.rows.map((r) => r.name), ['a', 'c']);
    });

    test('the details name the owner of the version shown, a deleted file its owner then, a directory none', async () => {
      await session.loadPackages();
      assert.deepEqual(owned('/usr/bin/a', query(1, 1)), ['Owned by dpkg package a 2.0, installed in #1']);
      assert.deepEqual(owned('/usr/bin/a', query(0, 0)), ['Owned by dpkg package a 1.0, installed in #0']);
      assert.deepEqual(owned('/usr/lib/b.so', query(2, 2)), ['Owned by dpkg package b 1.0, installed in #0'], 'the purged file, from the layer that held it');
      assert.equal(owned('/usr/bin', query(1, 1, 'filesystem')), undefined);
      assert.equal(owned('/srv/unowned', query(1, 1)), undefined);
    });

    test("a package's files as a tree filter, with their directories", async () => {
      await session.loadPackages();
      const answer = session.answer({ kind: 'packages', id: 4, range: { from: 1, to: 1 }, view: 'changes' });
      assert.ok('packages' in answer);
      const c = answer.packages.rows.find((r) => r.name === 'c')!;
      const filter = { text: '', kinds: [], minSize: 0, onlyChanges: false, package: c.id };
      const rows = ask({ kind: 'filter', id: 5, query: query(1, 1), filter });
      assert.ok('rows' in rows);
      assert.deepEqual(rows.rows.map((r) => r.path), ['/usr', '/usr/bin', '/usr/bin/c', '/usr/share', '/usr/share/doc', '/usr/share/doc/c', '/usr/share/doc/c/README']);
      assert.equal(rows.total, 2);
      // Installed in #0, b shows in the whole filesystem at #1, not among #1's changes.
      const present = session.answer({ kind: 'packages', id: 6, range: { from: 1, to: 1 }, view: 'present' });
      assert.ok('packages' in present);
      const bFilter = { ...filter, package: present.packages.rows.find((r) => r.name === 'b')!.id };
      const inChanges = ask({ kind: 'filter', id: 7, query: query(1, 1), filter: bFilter });
      const inFilesystem = ask({ kind: 'filter', id: 8, query: query(1, 1, 'filesystem'), filter: bFilter });
      assert.ok('rows' in inChanges && 'rows' in inFilesystem);
      assert.deepEqual([inChanges.total, inFilesystem.rows.filter((r) => r.type !== 'dir').map((r) => r.path)], [0, ['/usr/lib/b.so']]);
      const unknown = ask({ kind: 'filter', id: 9, query: query(1, 1), filter: { ...filter, package: 9999 } });
      assert.ok('error' in unknown && unknown.error === 'This package is not in the image.');
    });
  });

  test('the packages request and the package filter are validated', () => {
    const range = { from: 0, to: 1 };
    const good = { kind: 'packages', id: 1, range, view: 'present' };
    assert.deepEqual(parseFromWebview(good), good);
    for (const bad of [{ ...good, view: 'all' }, { ...good, range: { from: 2, to: 1 } }, { ...good, range: undefined }, { ...good, id: -1 }]) assert.equal(parseFromWebview(bad), undefined);
    const filter = { text: '', kinds: [], minSize: 0, onlyChanges: false };
    const q = { mode: 'changes', sort: 'name', range };
    assert.ok(parseFromWebview({ kind: 'filter', id: 2, query: q, filter: { ...filter, package: 3 } }));
    assert.equal(parseFromWebview({ kind: 'filter', id: 2, query: q, filter: { ...filter, package: '3' } }), undefined);
    assert.equal(parseFromWebview({ kind: 'filter', id: 2, query: q, filter: { ...filter, package: 1.5 } }), undefined);
  });
});

// The explorer's tree model on an image built in memory: markers, ghosts, rollups, ranges, filters, sorting.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ImageModel } from '../../src/core/model/imageModel';
import { LayerTree } from '../../src/explorer/layerTree';
import { compilePathFilter } from '../../src/explorer/pathFilter';
import type { FilterSpec, TreeRow } from '../../src/explorer/protocol';
import { describeBelow } from '../../src/explorer/rollupText';
import { SecurityMarks } from '../../src/explorer/securityMarks';
import { dir, file, image, layer } from './helpers';

const model = new ImageModel(
  image([
    layer([dir('/a'), file('/a/x', 10, 'hx'), file('/a/y', 20, 'hy'), file('/b', 5, 'hb'), dir('/opq'), file('/opq/old', 3, 'ho'), dir('/keep'), file('/keep/k', 1, 'hk')]),
    layer([file('/a/x', 10, 'hx', { mode: 0o600 }), file('/a/y', 30, 'hy2'), file('/a/z', 4, 'hz'), dir('/c'), file('/c/new', 7, 'hn'), dir('/opq'), file('/opq/new', 2, 'hnew')], {
      whiteouts: ['/b'],
      opaqueDirs: ['/opq'],
    }),
    layer([file('/c', 9, 'hc')], { whiteouts: ['/a/y'] }),
  ]),
);

const names = (rows: TreeRow[]) => rows.map((r) => r.name);
const byName = (rows: TreeRow[], name: string) => rows.find((r) => r.name === name)!;
const noFilter: FilterSpec = { text: '', kinds: [], minSize: 0, onlyChanges: false };

test('a single layer: added, modified, metadata-only and deleted paths, with the layers involved', () => {
  const tree = new LayerTree(model, { from: 1, to: 1 });
  const top = tree.children('/', 'changes', 'name');
  assert.deepEqual(names(top), ['a', 'c', 'opq', 'b'], 'only changed paths and their directories; the ghost /b at its old place');
  assert.equal(byName(top, 'b').change, 'deleted');
  assert.equal(byName(top, 'b').layer, 0, 'a ghost names the layer whose version was deleted');
  assert.equal(byName(top, 'b').changedIn, 1);
  assert.equal(byName(top, 'opq').opaque, true);

  const a = tree.children('/a', 'changes', 'name');
  assert.deepEqual(names(a), ['x', 'y', 'z']);
  assert.equal(byName(a, 'x').change, 'metadata', 'chmod: metadata only, still a full copy');
  assert.equal(byName(a, 'y').change, 'modified');
  assert.equal(byName(a, 'z').change, 'added');
  assert.equal(byName(top, 'a').changedCount, 3);
  assert.equal(byName(top, 'a').changedBytes, 10 + 30 + 4);
  assert.deepEqual(names(tree.children('/opq', 'changes', 'name')), ['new', 'old'], 'the opaque dir hides /opq/old: a ghost');
  assert.equal(byName(tree.children('/opq', 'changes', 'name'), 'old').change, 'deleted');
});

test('whole filesystem mode lists unchanged paths too, with their sizes rolled up', () => {
  const tree = new LayerTree(model, { from: 1, to: 1 });
  const top = tree.children('/', 'filesystem', 'name');
  assert.deepEqual(names(top), ['a', 'c', 'keep', 'opq', 'b']);
  assert.equal(byName(top, 'keep').change, undefined);
  assert.equal(byName(top, 'keep').layer, 0);
  assert.equal(byName(top, 'a').size, 10 + 30 + 4, 'a directory shows the bytes below it');
  assert.equal(byName(top, 'a').hasChildren, true);
});

test('type changes, and a range shows the net change between two merged views', () => {
  const two = new LayerTree(model, { from: 2, to: 2 });
  const c = byName(two.children('/', 'changes', 'name'), 'c');
  assert.equal(c.change, 'type');
  assert.equal(c.previousType, 'dir');
  assert.equal(c.type, 'file');

  const range = new LayerTree(model, { from: 1, to: 2 });
  const top = range.children('/', 'changes', 'name');
  assert.equal(byName(top, 'c').change, 'added', 'over 1..2 /c did not exist below, so it is simply added');
  const a = range.children('/a', 'changes', 'name');
  assert.equal(byName(a, 'y').change, 'deleted');
  assert.equal(byName(a, 'y').changedIn, 2);
  assert.equal(byName(a, 'y').layer, 0, 'the version deleted over the range is the one below it');
});

test('filters: substring, glob on names and paths, kinds, minimum size; ancestors come along in tree order', () => {
  const tree = new LayerTree(model, { from: 1, to: 1 });
  const glob = tree.filter({ ...noFilter, text: '*.nothing' }, 'filesystem', 'name');
  assert.equal(glob.total, 0);
  const sub = tree.filter({ ...noFilter, text: 'NEW' }, 'filesystem', 'name');
  assert.deepEqual(sub.rows.map((r) => r.path), ['/c', '/c/new', '/opq', '/opq/new']);
  assert.deepEqual(sub.rows.map((r) => r.depth), [0, 1, 0, 1]);
  const deleted = tree.filter({ ...noFilter, kinds: ['deleted'] }, 'filesystem', 'name');
  assert.deepEqual(deleted.rows.filter((r) => r.change === 'deleted').map((r) => r.path), ['/b', '/opq/old']);
  const big = tree.filter({ ...noFilter, minSize: 8 }, 'changes', 'name');
  assert.deepEqual(big.rows.filter((r) => r.type === 'file').map((r) => r.path), ['/a/x', '/a/y']);
  const all = tree.filter({ ...noFilter, text: 'k' }, 'filesystem', 'name');
  assert.deepEqual(all.rows.map((r) => r.path), ['/keep', '/keep/k'], 'unchanged paths match in whole-filesystem mode');
  const onlyChanges = tree.filter({ ...noFilter, text: 'k', onlyChanges: true }, 'filesystem', 'name');
  assert.equal(onlyChanges.total, 0);
});

test('glob semantics', () => {
  assert.equal(compilePathFilter('*.py')('/usr/lib/a.py'), true);
  assert.equal(compilePathFilter('*.py')('/usr/lib/a.pyc'), false);
  assert.equal(compilePathFilter('/usr/*/a.py')('/usr/lib/a.py'), true);
  assert.equal(compilePathFilter('/usr/*/a.py')('/usr/lib/x/a.py'), false);
  assert.equal(compilePathFilter('/usr/**/a.py')('/usr/lib/x/a.py'), true);
  assert.equal(compilePathFilter('/usr/**/a.py')('/usr/a.py'), true);
  assert.equal(compilePathFilter('lib/*.so')('/usr/lib/x.so'), true, 'a relative glob with a slash matches at any depth');
  assert.equal(compilePathFilter('[!a]*')('/x/bcd'), true);
  assert.equal(compilePathFilter('[!a]*')('/x/abc'), false);
  assert.equal(compilePathFilter('a(b)+c')('/a(b)+c'), true, 'regex characters in a substring are literal');
  assert.equal(compilePathFilter('?(.)')('/x(.)'), true, 'regex characters in a glob are literal');
});

test('sort by size puts the biggest first, directories by the bytes below them; reveal expands only the chain', () => {
  const tree = new LayerTree(model, { from: 1, to: 1 });
  const top = tree.children('/', 'filesystem', 'size');
  assert.deepEqual(names(top), ['a', 'c', 'b', 'opq', 'keep']);
  const revealed = tree.reveal('/opq/new', 'filesystem', 'name');
  assert.deepEqual(revealed.map((r) => r.path), ['/a', '/c', '/keep', '/opq', '/opq/new', '/opq/old', '/b']);
});

test('a range outside the image is refused', () => {
  assert.throws(() => new LayerTree(model, { from: 0, to: 3 }), RangeError);
  assert.throws(() => new LayerTree(model, { from: 2, to: 1 }), RangeError);
});

test('"changes in this layer": deleted bytes are counted apart from added ones, never in a folder\'s size', () => {
  const two = new LayerTree(model, { from: 2, to: 2 });
  const a = byName(two.children('/', 'changes', 'name'), 'a');
  assert.equal(a.size, 0, 'layer 2 adds nothing under /a: its size is not the 30 bytes it deletes');
  assert.deepEqual([a.changedCount, a.changedBytes, a.deletedCount, a.deletedBytes], [0, 0, 1, 30]);
  assert.equal(describeBelow(a), '−1 deleted (30 B hidden, still shipped)');

  const one = new LayerTree(model, { from: 1, to: 1 });
  const opq = byName(one.children('/', 'changes', 'name'), 'opq');
  assert.equal(opq.size, 2, 'the opaque directory ships /opq/new only');
  assert.deepEqual([opq.deletedCount, opq.deletedBytes], [1, 3], '/opq/old is hidden');
  assert.equal(describeBelow(opq), '+1 changed · 2 B · −1 deleted (3 B hidden, still shipped)');
});

test('a deleted directory: its row shows the bytes it hid, its files are the deletions below it', () => {
  const gone = new ImageModel(
    image([layer([dir('/usr'), dir('/usr/share'), file('/usr/share/a', 100, 'ha'), file('/usr/share/b', 50, 'hb'), file('/usr/keep', 6, 'hk')]), layer([file('/new', 6, 'hn')], { whiteouts: ['/usr/share'] })]),
  );
  const tree = new LayerTree(gone, { from: 1, to: 1 });
  const usr = byName(tree.children('/', 'changes', 'name'), 'usr');
  assert.equal(usr.size, 0, 'a 6-byte layer does not make /usr 150 B');
  assert.equal(describeBelow(usr), '−2 deleted (150 B hidden, still shipped)');
  const share = byName(tree.children('/usr', 'changes', 'name'), 'share');
  assert.equal(share.change, 'deleted');
  assert.equal(share.size, 150);
  assert.deepEqual([share.changedCount, share.deletedCount], [0, 2]);
  const root = tree.dirSummary('/usr', 'changes');
  assert.deepEqual(root && [root.size, root.below?.deletedBytes], [0, 150]);
  assert.equal(tree.dirSummary('/usr', 'filesystem')?.size, 6, 'in the whole filesystem, /usr holds 6 bytes');
});

test('security marks: a secret stays marked on its version in the layer that deletes it; a setuid program', () => {
  const risky = new ImageModel(
    image([
      layer([dir('/root'), dir('/root/.ssh'), file('/root/.ssh/id_rsa', 40, 'hk'), dir('/bin'), file('/bin/tool', 9, 'ht', { mode: 0o4755 }), file('/bin/plain', 9, 'hp')]),
      layer([], { whiteouts: ['/root/.ssh'] }),
    ]),
  );
  const security = new SecurityMarks(risky);
  assert.deepEqual(security.ofLayer(0).map((s) => [s.kind, s.paths]), [['secret', 1], ['setuid', 1]]);
  assert.deepEqual(security.ofLayer(1), []);
  const zero = new LayerTree(risky, { from: 0, to: 0 }, security);
  const bin = zero.children('/bin', 'changes', 'name');
  assert.deepEqual(byName(bin, 'tool').security?.map((m) => m.kind), ['setuid']);
  assert.equal(byName(bin, 'plain').security, undefined);
  assert.equal(byName(zero.children('/', 'changes', 'name'), 'bin').securityBelow, 1);
  const one = new LayerTree(risky, { from: 1, to: 1 }, security);
  const ssh = one.children('/root/.ssh', 'changes', 'name');
  const key = byName(ssh, 'id_rsa');
  assert.equal(key.change, 'deleted');
  assert.deepEqual(key.security?.map((m) => [m.kind, m.layer]), [['secret', 0]], 'deleted here, still shipped in layer 0');
  assert.match(key.security![0].title, /private key/);
  assert.equal(byName(one.children('/', 'changes', 'name'), 'root').securityBelow, 1);
});

// The explorer's tree model on an image built in memory: markers, ghosts, rollups, ranges, filters, sorting.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ImageModel } from '../../src/core/imageModel';
import { LayerTree } from '../../src/explorer/layerTree';
import { compilePathFilter } from '../../src/explorer/pathFilter';
import type { FilterSpec, TreeRow } from '../../src/explorer/protocol';
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

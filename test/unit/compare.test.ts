// compareImages over small hand-built models: every expectation follows from the semantics applied by hand.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ImageModel } from '../../src/core/model/imageModel';
import { compareImages } from '../../src/core/compare';
import type { LayerEntry } from '../../src/core/model/types';
import { dir, file, image, layer } from './helpers';

const link = (path: string, target: string, extra: Partial<LayerEntry> = {}): LayerEntry => ({ path, type: 'symlink', size: 0, mode: 0o777, uid: 0, gid: 0, linkTarget: target, ...extra });
const hardlink = (path: string, target: string): LayerEntry => ({ path, type: 'hardlink', size: 0, mode: 0o644, uid: 0, gid: 0, linkTarget: target });

// A shared base layer, then one layer on A and two on B.
const base = layer([
  dir('/app'),
  file('/app/config.txt', 8, 'c1'),
  file('/app/same.txt', 4, 's'),
  file('/app/run.sh', 10, 'r', { mode: 0o755 }),
  file('/app/file2dir', 3, 'f'),
  dir('/app/dir2file'),
  file('/app/dir2file/inside', 2, 'i'),
  link('/app/link2file', 'same.txt'),
  file('/app/file2link', 5, 'fl'),
  link('/app/link', 'same.txt'),
  file('/app/target', 6, 't'),
  file('/app/copy', 6, 't'),
  hardlink('/app/hard', '/app/target'),
  dir('/gone'),
  file('/gone/x', 1, 'x'),
  dir('/var'),
  dir('/var/log'),
  file('/var/log/build.log', 50, 'log1'),
  dir('/keep', { mode: 0o755 }),
]);
const onlyA = layer([file('/app/only-a.txt', 7, 'oa')]);
const b1 = layer(
  [
    file('/app/config.txt', 20, 'c2'),
    file('/app/run.sh', 10, 'r', { mode: 0o700 }),
    dir('/app/file2dir'),
    file('/app/file2dir/new', 9, 'n'),
    file('/app/dir2file', 4, 'd'),
    file('/app/link2file', 4, 's'),
    link('/app/file2link', 'same.txt'),
    link('/app/link', 'config.txt'),
    hardlink('/app/copy', '/app/target'),
    file('/app/other', 6, 'o'),
    file('/var/log/build.log', 70, 'log2'),
    file('/var/log/new.log', 5, 'l'),
    dir('/keep', { mode: 0o755 }), // re-listed, same attributes: no change
    dir('/big'),
    dir('/big/lib'),
    file('/big/lib/huge', 1000, 'h'),
  ],
  { whiteouts: ['/app/dir2file', '/app/file2dir', '/app/link2file', '/app/file2link', '/app/copy', '/gone'] },
);
// The hardlink now points at a file with other bytes; /keep changes owner.
const b2 = layer([file('/app/other2', 6, 'o2'), hardlink('/app/hard', '/app/other2'), dir('/keep', { uid: 1000 })], { whiteouts: ['/app/hard'] });

const history = (steps: [string, boolean][]) => ({ history: steps.map(([created_by, empty]) => ({ created_by, empty_layer: empty || undefined })) });
const A = new ImageModel({
  ...image([base, onlyA], { ...history([['COPY base /', false], ['ENV X=1', true], ['RUN make a', false], ['CMD ["a"]', true]]), config: { Env: ['X=1'], Cmd: ['a'], Hostname: '' } }),
  id: 'sha256:aaa',
  repoTags: ['app:a'],
});
const B = new ImageModel({
  ...image([base, b1, b2], {
    ...history([['COPY base /', false], ['ENV X=2', true], ['RUN make b', false], ['RUN link', false], ['CMD ["a"]', true]]),
    config: { Env: ['X=2'], Cmd: ['a'], Labels: { v: 'b' } },
  }),
  id: 'sha256:bbb',
  repoTags: ['app:b'],
});

const brief = (r: ReturnType<typeof compareImages>) => r.changes.map((c) => `${c.change} ${c.kind ?? '-'} ${c.path}`);

describe('compareImages: changes', () => {
  const r = compareImages(A, B);

  test('each differing path once, sorted, with change and kind', () => {
    assert.deepEqual(brief(r), [
      'modified content /app/config.txt',
      'modified type /app/dir2file',
      'removed - /app/dir2file/inside',
      'modified type /app/file2dir',
      'added - /app/file2dir/new',
      'modified type /app/file2link',
      'modified content /app/hard',
      'modified content /app/link',
      'modified type /app/link2file',
      'removed - /app/only-a.txt',
      'added - /app/other',
      'added - /app/other2',
      'modified metadata /app/run.sh',
      'added - /big',
      'added - /big/lib',
      'added - /big/lib/huge',
      'removed - /gone',
      'removed - /gone/x',
      'modified metadata /keep',
      'modified content /var/log/build.log',
      'added - /var/log/new.log',
    ]);
  });

  test('a file that became a hardlink to the same bytes is no change; /app and /var re-listed as they were neither', () => {
    const paths = new Set(r.changes.map((c) => c.path));
    for (const p of ['/app/copy', '/app', '/var', '/var/log', '/app/same.txt', '/app/target']) assert.ok(!paths.has(p), p);
  });

  test('each side: attributes, and the layer and step that made the version shown', () => {
    const config = r.changes.find((c) => c.path === '/app/config.txt')!;
    assert.deepEqual(config.a, { type: 'file', size: 8, mode: 0o644, uid: 0, gid: 0, linkTarget: null, hash: 'c1', layer: 0, step: 0 });
    assert.deepEqual(config.b, { type: 'file', size: 20, mode: 0o644, uid: 0, gid: 0, linkTarget: null, hash: 'c2', layer: 1, step: 2 });
    const hard = r.changes.find((c) => c.path === '/app/hard')!;
    // A hardlink shows its target's bytes; its layer is the link's own.
    assert.deepEqual(hard.a, { type: 'hardlink', size: 6, mode: 0o644, uid: 0, gid: 0, linkTarget: '/app/target', hash: 't', layer: 0, step: 0 });
    assert.deepEqual(hard.b, { type: 'hardlink', size: 6, mode: 0o644, uid: 0, gid: 0, linkTarget: '/app/other2', hash: 'o2', layer: 2, step: 3 });
    const added = r.changes.find((c) => c.path === '/big/lib/huge')!;
    assert.equal(added.a, null);
    assert.equal(added.b!.layer, 1);
    const removed = r.changes.find((c) => c.path === '/app/only-a.txt')!;
    assert.equal(removed.b, null);
    assert.deepEqual([removed.a!.layer, removed.a!.step], [1, 2]);
    const keep = r.changes.find((c) => c.path === '/keep')!;
    assert.deepEqual([keep.a!.uid, keep.b!.uid, keep.b!.layer], [0, 1000, 2]);
    const symlink = r.changes.find((c) => c.path === '/app/link')!;
    assert.deepEqual([symlink.a!.linkTarget, symlink.b!.linkTarget], ['same.txt', 'config.txt']);
  });

  test('the reverse comparison swaps added and removed and keeps every kind', () => {
    const back = compareImages(B, A);
    const swapped = brief(r).map((line) => line.replace(/^added/, 'x').replace(/^removed/, 'added').replace(/^x/, 'removed'));
    assert.deepEqual(brief(back), swapped);
  });

  test('an image compared with itself has no changes, every step the same, every layer shared', () => {
    const self = compareImages(B, B);
    assert.deepEqual(self.changes, []);
    assert.deepEqual(self.config, []);
    assert.deepEqual(self.directories, []);
    assert.equal(self.sharedLayers, 3);
    assert.equal(self.sizeDelta, 0);
    assert.ok(self.steps.every((s) => s.status === 'same'));
  });

  test('an image without layers against one with them: everything added', () => {
    const empty = new ImageModel(image([]));
    const r2 = compareImages(empty, A);
    assert.equal(r2.changes.length, A.mergedViewAt().length);
    assert.ok(r2.changes.every((c) => c.change === 'added'));
    assert.equal(r2.sharedLayers, 0);
  });
});

describe('compareImages: --ignore', () => {
  test('a rooted glob drops what is below; the directory itself is still compared', () => {
    const r = compareImages(A, B, { ignore: ['/var/log/**'] });
    assert.ok(!r.changes.some((c) => c.path.startsWith('/var/log/')));
    assert.equal(r.changes.length, 19);
  });

  test('an ignored directory takes its subtree along, on either side', () => {
    const r = compareImages(A, B, { ignore: ['/big', '/app/file2dir'] });
    assert.ok(!r.changes.some((c) => c.path === '/big' || c.path.startsWith('/big/') || c.path.startsWith('/app/file2dir')));
    assert.ok(r.changes.some((c) => c.path === '/app/dir2file'));
  });

  test('a glob without a slash matches names anywhere, case-sensitively', () => {
    assert.ok(!compareImages(A, B, { ignore: ['*.log'] }).changes.some((c) => c.path.endsWith('.log')));
    assert.equal(compareImages(A, B, { ignore: ['*.LOG'] }).changes.length, 21);
    const r = compareImages(A, B, { ignore: ['log/*.log'] });
    assert.ok(!r.changes.some((c) => c.path.endsWith('.log')));
  });

  test('ignored paths do not count in the directories either', () => {
    const r = compareImages(A, B, { ignore: ['/big/**'] });
    assert.ok(!r.directories.some((d) => d.path.startsWith('/big')));
  });
});

describe('compareImages: summary', () => {
  const r = compareImages(A, B);

  test('images, shared layers and size delta', () => {
    assert.deepEqual(r.a, { id: 'sha256:aaa', tags: ['app:a'], size: 8 + 4 + 10 + 3 + 2 + 5 + 6 + 6 + 1 + 50 + 7, layerCount: 2 });
    assert.equal(r.b.layerCount, 3);
    const sizeB = r.a.size - 7 + (20 + 10 + 9 + 4 + 4 + 6 + 70 + 5 + 1000) + (6 + 0);
    assert.equal(r.b.size, sizeB);
    assert.equal(r.sharedLayers, 1);
    assert.equal(r.sizeDelta, sizeB - r.a.size);
    assert.equal(r.ci, null);
  });

  test('steps: the shared step is the same, an ENV and a RUN changed, one RUN only in B, the CMD the same', () => {
    assert.deepEqual(
      r.steps.map((s) => [s.status, s.a?.index ?? null, s.b?.index ?? null]),
      [['same', 0, 0], ['changed', 1, 1], ['changed', 2, 2], ['onlyB', null, 3], ['same', 3, 4]],
    );
    const run = r.steps[2];
    assert.deepEqual([run.a!.layer, run.a!.size, run.b!.layer, run.b!.size], [1, 7, 2 - 1, 1128]);
    assert.equal(r.steps[1].a!.layer, null);
    assert.equal(r.steps[3].b!.diffId, B.data.layers[2].diffId);
  });

  test('directories: the deepest one holding a growth, then shrinks', () => {
    assert.deepEqual(r.directories.slice(0, 3), [
      { path: '/big/lib', bytesA: 0, bytesB: 1000, delta: 1000 },
      { path: '/var/log', bytesA: 50, bytesB: 75, delta: 25 },
      { path: '/app', bytesA: 8 + 4 + 10 + 3 + 2 + 5 + 6 + 6 + 7, bytesB: 20 + 4 + 10 + 9 + 4 + 4 + 6 + 6 + 6, delta: 69 - 51 },
    ]);
    // "/big" and "/var" hold exactly the growth of one child, so they are left out for it; "/" is the size delta.
    for (const p of ['/big', '/var', '/']) assert.ok(!r.directories.some((d) => d.path === p), p);
    assert.deepEqual(r.directories.find((d) => d.path === '/gone'), { path: '/gone', bytesA: 1, bytesB: 0, delta: -1 });
    assert.ok(compareImages(A, B, { directoryLimit: 1 }).directories.length <= 2);
  });

  test('config: every field that differs; an empty field equals an absent one', () => {
    assert.deepEqual(r.config, [
      { field: 'Env', a: ['X=1'], b: ['X=2'] },
      { field: 'Labels', a: null, b: { v: 'b' } },
    ]);
  });
});

describe('compareImages: the growth gate', () => {
  test('bytes: over the limit fails, at it passes', () => {
    const delta = compareImages(A, B).sizeDelta;
    assert.equal(compareImages(A, B, { maxGrowth: { bytes: delta - 1 } }).ci!.pass, false);
    const gate = compareImages(A, B, { maxGrowth: { bytes: delta } }).ci!;
    assert.equal(gate.pass, true);
    assert.deepEqual(gate.limit, { bytes: delta, ratio: null });
    assert.equal(gate.growth, delta);
    assert.equal(gate.biggestGrowths[0].path, '/big/lib');
    assert.ok(gate.biggestGrowths.every((d) => d.delta > 0));
  });

  test('a ratio of A: over fails, under passes; a shrink always passes', () => {
    const r = compareImages(A, B);
    const ratio = r.sizeDelta / r.a.size;
    assert.equal(compareImages(A, B, { maxGrowth: { ratio: ratio * 0.99 } }).ci!.pass, false);
    const gate = compareImages(A, B, { maxGrowth: { ratio: ratio * 1.01 } }).ci!;
    assert.equal(gate.pass, true);
    assert.equal(gate.growthRatio, ratio);
    assert.equal(compareImages(B, A, { maxGrowth: { ratio: 0 } }).ci!.pass, true);
  });

  test('an empty A that grows fails any ratio', () => {
    assert.equal(compareImages(new ImageModel(image([])), A, { maxGrowth: { ratio: 100 } }).ci!.pass, false);
  });
});

describe('compareImages: a hardlink keeps the bytes of its own layer', () => {
  test('replacing the link target in a later layer does not change what the link shows', () => {
    // As the containerd store's differ writes `rm hard && ln other hard`: the untouched link stays in the lower layer.
    const lower = layer([dir('/l'), file('/l/hard', 7, 'target'), hardlink('/l/target', '/l/hard')]);
    const upper = layer([file('/l/hard', 6, 'other')]);
    const a = new ImageModel(image([layer([dir('/l'), file('/l/hard', 7, 'target'), file('/l/target', 7, 'target')])]));
    const b = new ImageModel(image([lower, upper]));
    const r = compareImages(a, b);
    assert.deepEqual(brief(r), ['modified content /l/hard']);
    const back = compareImages(b, a);
    assert.deepEqual(brief(back), ['modified content /l/hard']);
  });
});

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ImageModel, type PathChange } from '../../src/core/model/imageModel';
import { dir, file, image, layer } from './helpers';

// A four-layer image; every expectation below follows from the OCI stacking rules applied by hand.
//   L0  /bin/sh(100,sh) /etc/conf(10,c1) /data/a(5,a) /data/b(6,b)
//   L1  /etc/conf → (12,c2), + /etc/conf2(3,x), whiteout /data/a
//   L2  /data opaque, + /data/c(7,c), /bin/sh chmod 700 (same bytes)
//   L3  whiteout /etc/conf2, /data/a re-added (4,a2)
const L0 = layer([dir('/bin'), file('/bin/sh', 100, 'sh', { mode: 0o755 }), dir('/etc'), file('/etc/conf', 10, 'c1'), dir('/data'), file('/data/a', 5, 'a'), file('/data/b', 6, 'b')]);
const L1 = layer([dir('/etc'), file('/etc/conf', 12, 'c2'), file('/etc/conf2', 3, 'x')], { whiteouts: ['/data/a'] });
const L2 = layer([dir('/data'), file('/data/c', 7, 'c'), dir('/bin'), file('/bin/sh', 100, 'sh', { mode: 0o700 })], { opaqueDirs: ['/data'] });
const L3 = layer([file('/data/a', 4, 'a2')], { whiteouts: ['/etc/conf2'] });
const model = new ImageModel(image([L0, L1, L2, L3]));

const paths = (entries: { path: string }[]) => entries.map((e) => e.path);
const brief = (changes: PathChange[]) => changes.map((c) => [c.path, c.change, c.kind ?? c.cause ?? '', c.layer]);

describe('ImageModel.mergedViewAt', () => {
  test('layer 0', () => {
    assert.deepEqual(paths(model.mergedViewAt(0)), ['/bin', '/bin/sh', '/data', '/data/a', '/data/b', '/etc', '/etc/conf']);
  });

  test('layer 1: a content change and a whiteout', () => {
    const view = model.mergedViewAt(1);
    assert.deepEqual(paths(view), ['/bin', '/bin/sh', '/data', '/data/b', '/etc', '/etc/conf', '/etc/conf2']);
    const conf = view.find((e) => e.path === '/etc/conf')!;
    assert.deepEqual([conf.size, conf.hash, conf.addedIn, conf.layer, conf.modifiedIn, conf.contentChanged], [12, 'c2', 0, 1, [1], true]);
  });

  test('layer 2: opaque directory and a chmod', () => {
    const view = model.mergedViewAt(2);
    assert.deepEqual(paths(view), ['/bin', '/bin/sh', '/data', '/data/c', '/etc', '/etc/conf', '/etc/conf2']);
    const sh = view.find((e) => e.path === '/bin/sh')!;
    assert.deepEqual([sh.mode, sh.addedIn, sh.layer, sh.modifiedIn, sh.contentChanged], [0o700, 0, 2, [2], false]);
    // Re-listed with unchanged attributes, /data still comes from layer 0.
    assert.equal(view.find((e) => e.path === '/data')!.layer, 0);
  });

  test('layer 3 (the default): re-added file and whiteout', () => {
    const view = model.mergedViewAt();
    assert.deepEqual(view, model.mergedViewAt(3));
    assert.deepEqual(paths(view), ['/bin', '/bin/sh', '/data', '/data/a', '/data/c', '/etc', '/etc/conf']);
    const a = view.find((e) => e.path === '/data/a')!;
    assert.deepEqual([a.size, a.hash, a.addedIn, a.layer, a.modifiedIn], [4, 'a2', 3, 3, []]);
  });

  test('a layer that does not exist is a RangeError', () => {
    assert.throws(() => model.mergedViewAt(4), RangeError);
    assert.throws(() => model.mergedViewAt(-1), RangeError);
    assert.throws(() => model.mergedViewAt(1.5), RangeError);
  });
});

describe('ImageModel.pathHistory', () => {
  test('whited out, then re-added', () => {
    const history = model.pathHistory('/data/a');
    assert.deepEqual(history.map((e) => [e.layer, e.change, e.cause ?? e.kind ?? '', e.entry.hash]), [
      [0, 'added', '', 'a'],
      [1, 'deleted', 'whiteout', 'a'],
      [3, 'added', '', 'a2'],
    ]);
  });

  test('hidden by an opaque parent', () => {
    assert.deepEqual(model.pathHistory('/data/b').map((e) => [e.layer, e.change, e.cause]), [
      [0, 'added', undefined],
      [2, 'deleted', 'opaque'],
    ]);
  });

  test('content and metadata modifications', () => {
    assert.deepEqual(model.pathHistory('/etc/conf').map((e) => [e.layer, e.change, e.kind]), [
      [0, 'added', undefined],
      [1, 'modified', 'content'],
    ]);
    assert.deepEqual(model.pathHistory('/bin/sh').map((e) => [e.layer, e.change, e.kind]), [
      [0, 'added', undefined],
      [2, 'modified', 'metadata'],
    ]);
  });

  test('a path never present has no history', () => {
    assert.deepEqual(model.pathHistory('/nope'), []);
  });
});

describe('ImageModel.layerChanges', () => {
  test('layer 0: everything is added', () => {
    const changes = model.layerChanges(0);
    assert.ok(changes.every((c) => c.change === 'added' && c.layer === 0));
    assert.deepEqual(paths(changes), paths(model.mergedViewAt(0)));
  });

  test('layer 1', () => {
    assert.deepEqual(brief(model.layerChanges(1)), [
      ['/data/a', 'deleted', 'whiteout', 1],
      ['/etc/conf', 'modified', 'content', 1],
      ['/etc/conf2', 'added', '', 1],
    ]);
  });

  test('layer 2', () => {
    assert.deepEqual(brief(model.layerChanges(2)), [
      ['/bin/sh', 'modified', 'metadata', 2],
      ['/data/b', 'deleted', 'opaque', 2],
      ['/data/c', 'added', '', 2],
    ]);
  });

  test('a type change records the type before', () => {
    const m = new ImageModel(image([layer([file('/p', 1, 'p')]), layer([dir('/p'), file('/p/q', 1, 'q')])]));
    const [p, q] = m.layerChanges(1);
    assert.deepEqual([p.path, p.change, p.kind, p.type, p.previousType], ['/p', 'modified', 'type', 'dir', 'file']);
    assert.deepEqual([q.path, q.change], ['/p/q', 'added']);
  });
});

describe('ImageModel.diff', () => {
  test('diff(0, 3): net changes, with the layer that made each', () => {
    const changes = model.diff(0, 3);
    assert.deepEqual(brief(changes), [
      ['/bin/sh', 'modified', 'metadata', 2],
      ['/data/a', 'modified', 'content', 3],
      ['/data/b', 'deleted', '', 2],
      ['/data/c', 'added', '', 2],
      ['/etc/conf', 'modified', 'content', 1],
    ]);
    // /etc/conf2 came and went between the two views: no net change. Re-listed dirs are no change either.
    assert.equal(changes.find((c) => c.path === '/etc/conf2'), undefined);
    assert.equal(changes.find((c) => c.path === '/data'), undefined);
    assert.equal(changes.find((c) => c.path === '/data/a')!.size, 4);
  });

  test('diff(k, k) is empty and diff(k-1, k) agrees with the merged views', () => {
    for (let k = 0; k <= 3; k++) assert.deepEqual(model.diff(k, k), []);
    for (let k = 0; k <= 3; k++) {
      const before = new Set(paths(k === 0 ? [] : model.mergedViewAt(k - 1)));
      const after = new Set(paths(model.mergedViewAt(k)));
      const changes = model.diff(k - 1, k);
      assert.deepEqual(paths(changes.filter((c) => c.change === 'added')), [...after].filter((p) => !before.has(p)), `added at ${k}`);
      assert.deepEqual(paths(changes.filter((c) => c.change === 'deleted')), [...before].filter((p) => !after.has(p)), `deleted at ${k}`);
    }
  });

  test('diff(-1, top) adds the whole final filesystem', () => {
    const changes = model.diff(-1, 3);
    const view = model.mergedViewAt(3);
    assert.deepEqual(paths(changes), paths(view));
    assert.ok(changes.every((c) => c.change === 'added'));
    assert.deepEqual(changes.map((c) => c.layer), view.map((e) => e.layer));
  });

  test('reversed: diff(3, 0) undoes diff(0, 3), describing the view at 0', () => {
    const changes = model.diff(3, 0);
    assert.deepEqual(changes.map((c) => [c.path, c.change]), [
      ['/bin/sh', 'modified'],
      ['/data/a', 'modified'],
      ['/data/b', 'added'],
      ['/data/c', 'deleted'],
      ['/etc/conf', 'modified'],
    ]);
    // Sizes are those of the "to" side, as in a forward diff: /data/a was 5 bytes at layer 0, /etc/conf 10.
    assert.equal(changes.find((c) => c.path === '/data/a')!.size, 5);
    assert.equal(changes.find((c) => c.path === '/etc/conf')!.size, 10);
    assert.equal(changes.find((c) => c.path === '/data/b')!.size, 6);
    assert.equal(changes.find((c) => c.path === '/data/c')!.size, 7);
  });

  test('reversed type change: the type is the one at "to", previousType the one at "from"', () => {
    const m = new ImageModel(image([layer([file('/p', 1, 'p')]), layer([dir('/p')])]));
    const [forward] = m.diff(0, 1);
    assert.deepEqual([forward.kind, forward.type, forward.previousType], ['type', 'dir', 'file']);
    const [backward] = m.diff(1, 0);
    assert.deepEqual([backward.kind, backward.type, backward.previousType, backward.size], ['type', 'file', 'dir', 1]);
  });

  test('diff(top, -1) deletes the whole final filesystem', () => {
    const changes = model.diff(3, -1);
    assert.deepEqual(paths(changes), paths(model.mergedViewAt(3)));
    assert.ok(changes.every((c) => c.change === 'deleted'));
  });

  test('layers out of range are refused', () => {
    assert.throws(() => model.diff(0, 4), RangeError);
    assert.throws(() => model.diff(-2, 1), RangeError);
  });
});

describe('ImageModel.steps', () => {
  test('maps history onto layers', () => {
    const m = new ImageModel(
      image([L0, L1], {
        history: [{ created_by: '/bin/sh -c #(nop) ADD file:1 in / ' }, { created_by: 'ENV A=1', empty_layer: true }, { created_by: 'RUN /bin/sh -c make # buildkit' }],
      }),
    );
    assert.deepEqual(m.steps.map((s) => [s.instruction, s.layerIndex]), [
      ['ADD file:1 in /', 0],
      ['ENV A=1', undefined],
      ['RUN make', 1],
    ]);
    assert.equal(m.layerCount, 2);
    assert.equal(m.topLayer, 1);
  });
});

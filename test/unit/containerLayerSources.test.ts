import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { containerChangeTree, containerFileType, copyUpTotals, describeChange, describeTotals, imageLayerSources, judgeChangedFile } from '../../src/core/model/containerLayer';
import { ImageModel } from '../../src/core/model/imageModel';
import { dir, file, image, layer } from './helpers';

// An image whose top view is worked out by hand from the stacking rules:
//   L0  /bin/sh(100)  /etc/conf(10)  /data/a(5)
//   L1  /etc/conf → 12 bytes                         (content change)
//   L2  /bin/sh chmod 700, same bytes                (metadata only: layer 2 holds the visible copy)
//   L3  whiteout /data/a, then /data/a re-added (4)  (a new incarnation, held by layer 3)
const L0 = layer([dir('/bin'), file('/bin/sh', 100, 'sh', { mode: 0o755 }), dir('/etc'), file('/etc/conf', 10, 'c1'), dir('/data'), file('/data/a', 5, 'a')]);
const L1 = layer([dir('/etc'), file('/etc/conf', 12, 'c2')]);
const L2 = layer([dir('/bin'), file('/bin/sh', 100, 'sh', { mode: 0o700 })]);
const L3 = layer([file('/data/a', 4, 'a2')], { whiteouts: ['/data/a'] });
const history = [
  { created_by: '/bin/sh -c #(nop) ADD file:abc in / ' },
  { created_by: '/bin/sh -c #(nop)  ENV A=1', empty_layer: true },
  { created_by: '/bin/sh -c echo c2 > /etc/conf' },
  { created_by: '/bin/sh -c chmod 700 /bin/sh' },
  { created_by: '/bin/sh -c rm /data/a &&\n    echo a2 > /data/a' },
];
const model = new ImageModel(image([L0, L1, L2, L3], { history }));

// What `docker diff` would say after: `chmod 755 /bin/sh; echo x >> /etc/conf; rm /data/a; touch /new`.
const CHANGES = [
  { Path: '/bin', Kind: 0 },
  { Path: '/bin/sh', Kind: 0 },
  { Path: '/data', Kind: 0 },
  { Path: '/data/a', Kind: 2 },
  { Path: '/etc', Kind: 0 },
  { Path: '/etc/conf', Kind: 0 },
  { Path: '/new', Kind: 1 },
  { Path: '/not-in-image', Kind: 0 },
];

describe('where a container\'s changed paths came from', () => {
  const sources = imageLayerSources(CHANGES, model.mergedViewAt(), model.steps);

  test('each changed or deleted path maps to the layer holding the version visible at the top of the image', () => {
    const layers = Object.fromEntries([...sources].map(([path, s]) => [path, s.layer]));
    // A chmod'ed file comes from the chmod's layer (it shipped the bytes again); a re-added one from its new layer.
    assert.deepEqual(layers, { '/bin': 0, '/bin/sh': 2, '/data': 0, '/data/a': 3, '/etc': 0, '/etc/conf': 1 });
  });

  test('added paths and paths the image does not have get no source', () => {
    assert.equal(sources.has('/new'), false);
    assert.equal(sources.has('/not-in-image'), false);
  });

  test('a source carries its layer\'s readable instruction, skipping metadata-only steps, its size and content hash', () => {
    assert.deepEqual(sources.get('/bin/sh'), { layer: 2, instruction: 'RUN chmod 700 /bin/sh', type: 'file', size: 100, hash: 'sh' });
    assert.equal(sources.get('/etc/conf')?.instruction, 'RUN echo c2 > /etc/conf');
  });

  test('only the same size and bytes show a copy-up; other bytes replace the image\'s version', () => {
    const sh = sources.get('/bin/sh')!;
    assert.deepEqual(judgeChangedFile(sh, { type: 'file', size: 100, hash: 'sh' }), { kind: 'copied-up', size: 100 });
    // `docker cp` of another file, or a rewrite: a new version, whatever the way it was written.
    assert.deepEqual(judgeChangedFile(sh, { type: 'file', size: 8, hash: 'x' }), { kind: 'replaced', imageSize: 100, containerSize: 8 });
    assert.deepEqual(judgeChangedFile(sh, { type: 'file', size: 100, hash: 'other' }), { kind: 'replaced', imageSize: 100, containerSize: 100 });
    assert.deepEqual(judgeChangedFile(sh, { type: 'file', size: 100 }), { kind: 'same-size', size: 100 }, 'not read: not claimed either way');
    assert.deepEqual(judgeChangedFile(sh, { type: 'symlink', size: 4, linkTarget: '/x' }), { kind: 'retyped', containerType: 'symlink' });
    assert.equal(judgeChangedFile(sources.get('/bin')!, { type: 'dir', size: 4096 }), undefined, 'directories are not judged');
  });

  test('descriptions put the size first, say copy-up only when the bytes show one, and whiteout for a deletion', () => {
    const sh = sources.get('/bin/sh')!;
    const conf = sources.get('/etc/conf')!;
    assert.equal(describeChange('changed', sh, { type: 'file', size: 100 }, { kind: 'copied-up', size: 100 }), '100 B · copied up from #2 RUN chmod 700 /bin/sh');
    assert.equal(
      describeChange('changed', conf, { type: 'file', size: 13 }, { kind: 'replaced', imageSize: 12, containerSize: 13 }),
      "13 B · replaces #1's version (12 B) · RUN echo c2 > /etc/conf",
    );
    assert.equal(describeChange('deleted', sources.get('/data/a')!, undefined, undefined), 'whiteout over #3 RUN rm /data/a && echo a2 > /data/a');
    assert.equal(describeChange('added', undefined, { type: 'file', size: 1500 }, undefined), '1.5 kB');
    assert.equal(describeChange('added', undefined, { type: 'symlink', size: 4, linkTarget: '/etc' }, undefined), '→ /etc');
  });

  test('totals roll up per directory and for the whole layer: copy-ups with their bytes, replacements apart', () => {
    const verdicts = new Map([
      ['/bin/sh', { kind: 'copied-up', size: 100 } as const],
      ['/etc/conf', { kind: 'replaced', imageSize: 12, containerSize: 13 } as const],
    ]);
    const totals = copyUpTotals(containerChangeTree(CHANGES), verdicts);
    assert.deepEqual(totals.get('/'), { files: 1, bytes: 100, replaced: 1 });
    assert.deepEqual(totals.get('/bin'), { files: 1, bytes: 100, replaced: 0 });
    assert.deepEqual(totals.get('/data'), { files: 0, bytes: 0, replaced: 0 });
    assert.equal(totals.has('/bin/sh'), false, 'files get no rollup of their own');
    assert.equal(describeTotals(totals.get('/')), '1 copied up · 100 B duplicated · 1 replaced');
    assert.equal(describeTotals(totals.get('/data')), '');
  });

  test('the engine\'s Go file modes tell files, directories and links apart', () => {
    assert.equal(containerFileType(0o644), 'file');
    assert.equal(containerFileType(2 ** 31 + 0o755), 'dir');
    assert.equal(containerFileType(2 ** 27 + 0o777), 'symlink');
    assert.equal(containerFileType(2 ** 26 + 2 ** 21 + 0o600), 'other');
  });

  test('without a top view nothing is attributed', () => {
    assert.equal(imageLayerSources(CHANGES, [], model.steps).size, 0);
  });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { containerChangeTree, copyUpTotals, describeSource, imageLayerSources } from '../../src/core/containerLayer';
import { ImageModel } from '../../src/core/imageModel';
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

  test('a source carries its layer\'s readable instruction, skipping metadata-only steps, and the copied bytes', () => {
    assert.deepEqual(sources.get('/bin/sh'), { layer: 2, instruction: 'RUN chmod 700 /bin/sh', type: 'file', size: 100 });
    assert.equal(sources.get('/etc/conf')?.instruction, 'RUN echo c2 > /etc/conf');
  });

  test('descriptions say copy-up for a change and whiteout for a deletion, on one line', () => {
    assert.equal(describeSource('changed', sources.get('/bin/sh')!), 'copied up from #2 RUN chmod 700 /bin/sh');
    assert.equal(describeSource('deleted', sources.get('/data/a')!), 'whiteout over #3 RUN rm /data/a && echo a2 > /data/a');
    assert.equal(describeSource('changed', { layer: 1, type: 'file', size: 1 }), 'copied up from #1');
  });

  test('copy-up totals roll up per directory and for the whole layer, counting changed files only', () => {
    const totals = copyUpTotals(containerChangeTree(CHANGES), sources);
    // /bin/sh (100) and /etc/conf (12); the deleted /data/a and the directories copy no file contents up.
    assert.deepEqual(totals.get('/'), { files: 2, bytes: 112 });
    assert.deepEqual(totals.get('/bin'), { files: 1, bytes: 100 });
    assert.deepEqual(totals.get('/data'), { files: 0, bytes: 0 });
    assert.equal(totals.has('/bin/sh'), false, 'files get no rollup of their own');
  });

  test('without a top view nothing is attributed', () => {
    assert.equal(imageLayerSources(CHANGES, [], model.steps).size, 0);
  });
});

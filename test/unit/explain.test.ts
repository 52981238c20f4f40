// "Explain This Layer" without the findings: the step, the cost, the relation to the stack, metadata-only steps,
// commits and imports, a container's read-write layer, and the pieces they are made of.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeImage } from '../../src/core/analysis/analysis';
import { explainContainerLayer } from '../../src/core/explain/explainContainer';
import { explainLayer, explainLayers, explainStep } from '../../src/core/explain/explainLayer';
import type { LayerExplanation, StepExplanation } from '../../src/core/explain/explanation';
import { imagesSharingLayer } from '../../src/core/explain/sharedWith';
import { splitShellCommands } from '../../src/core/explain/shellCommands';
import { topDirectories } from '../../src/core/explain/topDirectories';
import { ImageModel } from '../../src/core/model/imageModel';
import type { HistoryEntry, LayerIndex } from '../../src/core/model/types';
import { assertOneSentence, dir, file, image, layer } from './helpers';

function modelOf(layers: LayerIndex[], history?: HistoryEntry[]): ImageModel {
  return new ImageModel({ ...image(layers, history ? { history } : {}), repoTags: ['app:1'] });
}

describe('explainLayer: the cost', () => {
  //   L0  /bin/sh 1000, /etc/conf 100
  //   L1  /app/a 400, /app/b 100; /etc/conf chmod 600 (same bytes); deletes nothing
  //   L2  deletes /app/b, overwrites /app/a with 300 bytes
  const L0 = layer([dir('/bin'), file('/bin/sh', 1000, 'SH'), dir('/etc'), file('/etc/conf', 100, 'C')]);
  const L1 = layer([dir('/app'), file('/app/a', 400, 'A'), file('/app/b', 100, 'B'), dir('/etc'), file('/etc/conf', 100, 'C', { mode: 0o600 })]);
  const L2 = layer([dir('/app'), file('/app/a', 300, 'A2')], { whiteouts: ['/app/b'] });
  const model = modelOf([L0, L1, L2]);
  const analysis = analyzeImage(model);

  test('size, share of the image and counts are the analysis numbers', () => {
    const e = explainLayer(model, analysis, 1);
    assert.deepEqual({ ...e.cost, topDirectories: undefined }, {
      size: 600,
      imageSize: 1100 + 600 + 300,
      shareOfImage: 600 / 2000,
      added: 3,
      modified: 1,
      metadataOnly: 1,
      deleted: 0,
      topDirectories: undefined,
    });
    for (const layerIndex of [0, 1, 2]) {
      const { cost } = explainLayer(model, analysis, layerIndex);
      const stats = analysis.layers[layerIndex];
      assert.deepEqual([cost.size, cost.added, cost.modified, cost.metadataOnly, cost.deleted], [stats.size, stats.added, stats.modified, stats.metadataOnly, stats.deleted]);
    }
  });

  test('the stack: copied up and deleted from lower layers (those bytes still ship there), undone by later ones', () => {
    const middle = explainLayer(model, analysis, 1).stack;
    assert.deepEqual(middle.copiedUp, { paths: 1, bytes: 100, sameContentBytes: 100, fromLayers: [{ layer: 0, paths: 1, bytes: 100 }] });
    assert.deepEqual(middle.deleted, { paths: 0, bytesStillShipped: 0, fromLayers: [] });
    assert.deepEqual(middle.undoneLater, { paths: 2, bytes: 500, byLayers: [{ layer: 2, paths: 2, bytes: 500 }] });
    assert.equal(middle.undoneLater.bytes, analysis.layers[1].wastedBytes);

    const top = explainLayer(model, analysis, 2).stack;
    assert.deepEqual(top.copiedUp, { paths: 1, bytes: 400, sameContentBytes: 0, fromLayers: [{ layer: 1, paths: 1, bytes: 400 }] });
    assert.deepEqual(top.deleted, { paths: 1, bytesStillShipped: 100, fromLayers: [{ layer: 1, paths: 1, bytes: 100 }] });
    assert.deepEqual(top.undoneLater, { paths: 0, bytes: 0, byLayers: [] });
  });

  test('a deleted directory counts every path below it, with the layers holding their bytes', () => {
    const lower = layer([dir('/d'), file('/d/x', 30, 'X'), dir('/d/sub'), file('/d/sub/y', 20, 'Y')]);
    const more = layer([dir('/d'), file('/d/z', 5, 'Z')]);
    const m = modelOf([lower, more, layer([], { whiteouts: ['/d'] })]);
    const { deleted } = explainLayer(m, analyzeImage(m), 2).stack;
    assert.deepEqual(deleted, { paths: 5, bytesStillShipped: 55, fromLayers: [{ layer: 0, paths: 4, bytes: 50 }, { layer: 1, paths: 1, bytes: 5 }] });
  });

  test('identity, shared images and the linked Dockerfile line are passed through', () => {
    const e = explainLayer(model, analysis, 0, { sharedWith: ['base:1', 'other:2'], dockerfile: { file: '/src/Dockerfile', line: 3 } });
    assert.deepEqual([e.kind, e.layer, e.layerCount, e.diffId, e.image], ['layer', 0, 3, L0.diffId, { id: model.data.id, tags: ['app:1'], name: 'app:1' }]);
    assert.deepEqual(e.sharedWith, ['base:1', 'other:2']);
    assert.deepEqual(e.step?.dockerfile, { file: '/src/Dockerfile', line: 3 });
  });

  test('the image is named as the caller referred to it; by ID, by its first tag', () => {
    assert.equal(explainLayer(model, analysis, 0, { imageReference: 'mirror/app:1' }).image.name, 'mirror/app:1');
    assert.equal(explainStep(model, analysis, 0, { imageReference: model.data.id }).image.name, 'app:1');
  });

  test('explainLayers (one pass) gives what explainLayer gives for each layer', () => {
    const all = explainLayers(model, analysis, (l) => ({ sharedWith: [`image-${l}`] }));
    assert.deepEqual(all, [0, 1, 2].map((l) => explainLayer(model, analysis, l, { sharedWith: [`image-${l}`] })));
  });

  test('the explanation is plain JSON', () => {
    const e = explainLayer(model, analysis, 1);
    assert.deepEqual(JSON.parse(JSON.stringify(e)), e);
  });

  test('a layer that does not exist is a one-sentence RangeError', () => {
    assert.throws(() => explainLayer(model, analysis, 3), (error: Error) => {
      assertOneSentence(error.message);
      return error instanceof RangeError && error.message === 'There is no layer 3; this image has layers 0 to 2.';
    });
    assert.throws(() => explainLayer(model, analysis, -1), RangeError);
  });
});

describe('topDirectories', () => {
  test('two levels deep, and further down while one subdirectory holds 80 % of the bytes', () => {
    const files = [
      // /usr/lib: 120 MB, spread (its biggest subdirectory holds 67 %): stays /usr/lib.
      { path: '/usr/lib/x86_64-linux-gnu/libLLVM.so', size: 80e6 },
      { path: '/usr/lib/python3/dist-packages/x.so', size: 40e6 },
      // /var/lib: 43 MB, 95 % of it in apt/lists: named /var/lib/apt/lists.
      { path: '/var/lib/apt/lists/deb_Packages', size: 30e6 },
      { path: '/var/lib/apt/lists/deb_Translation', size: 11e6 },
      { path: '/var/lib/dpkg/status', size: 2e6 },
      // Files right in a directory stay there; a file at the root is "/".
      { path: '/app/server', size: 3e6 },
      { path: '/big.bin', size: 1e6 },
      { path: '/empty', size: 0 },
    ];
    assert.deepEqual(topDirectories(files), [
      { path: '/usr/lib', bytes: 120e6, files: 2 },
      { path: '/var/lib/apt/lists', bytes: 41e6, files: 2 },
      { path: '/app', bytes: 3e6, files: 1 },
      { path: '/', bytes: 1e6, files: 1 },
    ]);
    assert.equal(topDirectories(files, 2).length, 2);
    assert.deepEqual(topDirectories([]), []);
  });
});

describe('splitShellCommands', () => {
  test('splits at top-level && and ;, joins continued lines and squeezes blanks', () => {
    assert.deepEqual(splitShellCommands('apt-get update \\\n && apt-get install -y  curl;rm -rf /var/lib/apt/lists/*'), [
      'apt-get update',
      'apt-get install -y curl',
      'rm -rf /var/lib/apt/lists/*',
    ]);
  });

  test('never cuts inside quotes, escapes, $(…), (…) or {…}; keeps || with its command', () => {
    assert.deepEqual(splitShellCommands(`echo 'a && b;  c' && echo "x; \\"y && z\\"" && find . -exec rm {} \\; && v=$(a && b) && (cd x; make) || true`), [
      `echo 'a && b;  c'`,
      `echo "x; \\"y && z\\""`,
      'find . -exec rm {} \\;',
      'v=$(a && b)',
      '(cd x; make) || true',
    ]);
    assert.deepEqual(splitShellCommands(''), []);
    assert.deepEqual(splitShellCommands(' ; && '), []);
  });
});

describe('explainLayer: the step and how the layer was made', () => {
  const three = [layer([file('/a', 1, 'A')]), layer([file('/b', 2, 'B')]), layer([file('/c', 3, 'C')])];

  test('a legacy RUN: its commands, builder and date', () => {
    const m = modelOf(three, [
      { created_by: '/bin/sh -c #(nop) COPY file:abc in /a ', created: '2024-01-01T00:00:00Z' },
      { created_by: '/bin/sh -c apt-get update  && apt-get install -y x', created: '2024-01-02T00:00:00Z' },
      { created_by: 'RUN /bin/sh -c make # buildkit', comment: 'buildkit.dockerfile.v0' },
    ]);
    const e = explainLayer(m, analyzeImage(m), 1);
    assert.equal(e.origin, 'dockerfile');
    assert.deepEqual(e.step, {
      index: 1,
      instruction: 'RUN apt-get update  && apt-get install -y x',
      keyword: 'RUN',
      commands: ['apt-get update', 'apt-get install -y x'],
      createdBy: '/bin/sh -c apt-get update  && apt-get install -y x',
      builder: 'legacy',
      created: '2024-01-02T00:00:00Z',
      comment: null,
      dockerfile: null,
    });
    const copy = explainLayer(m, analyzeImage(m), 0).step!;
    assert.deepEqual([copy.keyword, copy.commands], ['COPY', ['COPY file:abc in /a']]);
    const buildkit = explainLayer(m, analyzeImage(m), 2);
    assert.deepEqual([buildkit.origin, buildkit.step!.builder, buildkit.step!.commands], ['dockerfile', 'buildkit', ['make']]);
  });

  test('docker commit: a comment and the container\'s command, no Dockerfile instruction', () => {
    const m = modelOf(three, [
      { created_by: '/bin/sh -c #(nop) COPY file:abc in /a ' },
      { created_by: '/bin/sh -c echo b' },
      { created_by: 'sh -c echo added > /c && rm /b', comment: 'layerlens commit fixture' },
    ]);
    const e = explainLayer(m, analyzeImage(m), 2);
    assert.equal(e.origin, 'commit');
    assert.deepEqual([e.step!.keyword, e.step!.commands, e.step!.comment], [null, ['echo added > /c', 'rm /b'], 'layerlens commit fixture']);
  });

  test('docker import (only a comment), and a layer the history does not cover', () => {
    const imported = modelOf([three[0]], [{ comment: 'Imported from -' }]);
    assert.equal(explainLayer(imported, analyzeImage(imported), 0).origin, 'import');
    const bare = modelOf(three, []);
    const e = explainLayer(bare, analyzeImage(bare), 1);
    assert.equal(e.origin, 'unknown');
    assert.equal(e.step!.keyword, null);
  });
});

describe('explainStep: steps without a layer', () => {
  const m = modelOf([layer([file('/a', 1, 'A')])], [
    { created_by: '/bin/sh -c #(nop) COPY file:abc in /a ' },
    { created_by: '/bin/sh -c #(nop)  ENV A=1', empty_layer: true },
    { created_by: 'LABEL x=y', comment: 'buildkit.dockerfile.v0', empty_layer: true },
    { created_by: 'ARG VERSION=1', comment: 'buildkit.dockerfile.v0', empty_layer: true },
    { created_by: 'RUN /bin/sh -c true # buildkit', comment: 'buildkit.dockerfile.v0', empty_layer: true },
    { created_by: '/bin/sh -c #(nop)  CMD ["/bin/sh"]', empty_layer: true },
  ]);
  const analysis = analyzeImage(m);
  const stepOf = (i: number) => explainStep(m, analysis, i) as StepExplanation;

  test('which config field each sets, and that it adds no bytes', () => {
    assert.deepEqual([1, 2, 5].map((i) => [stepOf(i).kind, stepOf(i).effect, stepOf(i).configField, stepOf(i).bytes]), [
      ['step', 'config', 'Env', 0],
      ['step', 'config', 'Labels', 0],
      ['step', 'config', 'Cmd', 0],
    ]);
    assert.deepEqual([stepOf(3).effect, stepOf(3).configField], ['build-only', null]);
    assert.deepEqual([stepOf(4).effect, stepOf(4).configField], ['no-change', null]);
  });

  test('a step with a layer is explained as its layer; a step that does not exist is a RangeError', () => {
    assert.equal((explainStep(m, analysis, 0) as LayerExplanation).kind, 'layer');
    assert.throws(() => explainStep(m, analysis, 6), (error: Error) => {
      assertOneSentence(error.message);
      return error instanceof RangeError && error.message === 'There is no step 6; this image has steps 0 to 5.';
    });
  });
});

describe('explainContainerLayer', () => {
  //   L0  /etc/conf 100, /etc/hosts 10, /data/a 30
  //   L1  /etc/conf 120 (the visible version), /data/b 20
  const L0 = layer([dir('/etc'), file('/etc/conf', 100, 'C'), file('/etc/hosts', 10, 'H'), dir('/data'), file('/data/a', 30, 'A')]);
  const L1 = layer([dir('/etc'), file('/etc/conf', 120, 'C2'), dir('/data'), file('/data/b', 20, 'B')]);
  const model = modelOf([L0, L1]);
  const changes = [
    { Path: '/etc', Kind: 0 },
    { Path: '/etc/conf', Kind: 0 },
    { Path: '/etc/hosts', Kind: 0 },
    { Path: '/data', Kind: 2 },
    { Path: '/run/app.pid', Kind: 1 },
  ];

  test('changed image files were copied up whole from the layer holding the visible version', () => {
    const e = explainContainerLayer(changes, model);
    assert.deepEqual(e.counts, { added: 1, changed: 3, deleted: 1 });
    assert.deepEqual(e.copiedUp, {
      paths: 2,
      bytes: 130,
      fromLayers: [{ layer: 0, paths: 1, bytes: 10 }, { layer: 1, paths: 1, bytes: 120 }],
      evidence: [{ path: '/etc/conf', bytes: 120, layer: 1 }, { path: '/etc/hosts', bytes: 10, layer: 0 }],
    });
  });

  test('a deleted image directory hides everything below it, whichever layer holds it', () => {
    const e = explainContainerLayer(changes, model);
    assert.deepEqual(e.deletedFromImage, {
      paths: 1,
      bytes: 50,
      fromLayers: [{ layer: 0, paths: 1, bytes: 30 }, { layer: 1, paths: 1, bytes: 20 }],
      // L1 re-lists /data unchanged: the visible directory entry is still layer 0's.
      evidence: [{ path: '/data', bytes: 50, layer: 0 }],
    });
  });

  test('without the image: only the counts', () => {
    const e = explainContainerLayer(changes);
    assert.equal(e.image, null);
    assert.deepEqual([e.counts, e.copiedUp.paths, e.deletedFromImage.paths], [{ added: 1, changed: 3, deleted: 1 }, 0, 0]);
  });
});

describe('imagesSharingLayer', () => {
  test('other images holding the diffID, by first tag or short ID, sorted', () => {
    const image = (id: string, repoTags: string[], layers: string[]) => ({ id, repoTags, repoDigests: [], created: 0, size: 0, layers });
    const images = [
      image('sha256:self', ['app:1'], ['L0', 'L1']),
      image('sha256:b', ['zeta:1', 'alpha:2'], ['L0']),
      image('sha256:0123456789abcdef', ['<none>:<none>'], ['L0', 'L9']),
      image('sha256:c', ['other:1'], ['L1']),
      image('sha256:d', ['uninspected:1'], undefined as unknown as string[]),
    ];
    assert.deepEqual(imagesSharingLayer(images, 'L0', 'sha256:self'), ['0123456789ab', 'zeta:1']);
    assert.deepEqual(imagesSharingLayer(images, 'L7', 'sha256:self'), []);
  });
});

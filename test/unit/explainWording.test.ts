// The explanations count right: one thing in the singular, several in the plural, in every sentence that
// names a number of paths, files or layers (finding titles and fixes, the stack, a container's layer).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeImage } from '../../src/core/analysis/analysis';
import { explainContainerLayer } from '../../src/core/explain/explainContainer';
import { explainLayer } from '../../src/core/explain/explainLayer';
import { explanationToText } from '../../src/core/explain/plainText';
import { ImageModel } from '../../src/core/model/imageModel';
import { byCount, plural } from '../../src/core/explain/wording';
import { dir, file, image, layer } from './helpers';

const BASE = layer([dir('/bin'), file('/bin/sh', 1000, 'SH', { mode: 0o755 }), dir('/tmp', { mode: 0o1777 }), dir('/etc'), file('/etc/a', 10, 'A'), file('/etc/b', 20, 'B')]);

function textOf(layers: ReturnType<typeof layer>[], at: number): string {
  const model = new ImageModel(image(layers));
  return explanationToText(explainLayer(model, analyzeImage(model), at));
}

describe('explain wording: singular and plural', () => {
  test('the helpers', () => {
    assert.deepEqual([plural(1, 'image file'), plural(2, 'image file'), plural(1234, 'path')], ['1 image file', '2 image files', '1,234 paths']);
    assert.deepEqual([byCount(1, 'it', 'them'), byCount(0, 'it', 'them'), byCount(3, 'it', 'them')], ['it', 'them', 'them']);
  });

  test('one file undone by one later layer, one temporary file, one rewrite: all singular', () => {
    const one = layer([file('/tmp/x.log', 5, 'X'), file('/etc/a', 10, 'A', { mode: 0o600 })]);
    const later = layer([], { whiteouts: ['/tmp/x.log'] });
    const text = textOf([BASE, one, later], 1);
    assert.match(text, /A later layer deletes or overwrites 1 file of this layer \(layer 2: 5 B\): its 5 B ship for nothing\./);
    assert.match(text, /It rewrites 1 path of a lower layer \(layer 0: 10 B\): the old version, 10 B, still ships there, hidden\./);
    assert.match(text, /10 B of its copy has the very same content as below/);
    assert.match(text, /A temporary file is left in \/tmp or \/var\/tmp in this layer\./);
    assert.match(text, /Fix: Delete it in the RUN that creates it/);
    assert.match(text, /A later layer deletes or overwrites a file that this layer adds, so its bytes ship for nothing\./);
    assert.match(text, /This layer copies a file from a lower layer only to change its owner or mode/);
    assert.doesNotMatch(text, /\b1 (files|paths|layers)\b|\bcopied them\b/);
  });

  test('two files undone by two later layers, two temporary files, two rewrites: all plural', () => {
    const two = layer([file('/tmp/x.log', 5, 'X'), file('/tmp/y.log', 6, 'Y'), file('/etc/a', 10, 'A', { mode: 0o600 }), file('/etc/b', 20, 'B', { mode: 0o600 })]);
    const text = textOf([BASE, two, layer([], { whiteouts: ['/tmp/x.log'] }), layer([], { whiteouts: ['/tmp/y.log'] })], 1);
    assert.match(text, /Later layers delete or overwrite 2 files of this layer \(layer 2: 5 B, layer 3: 6 B\): their 11 B ship for nothing\./);
    assert.match(text, /It rewrites 2 paths of a lower layer \(layer 0: 30 B\): the old versions, 30 B, still ship there, hidden\./);
    assert.match(text, /Temporary files are left in \/tmp or \/var\/tmp in this layer\./);
    assert.match(text, /Fix: Delete them in the RUN that creates them/);
    assert.match(text, /Later layers delete or overwrite files that this layer adds, so their bytes ship for nothing\./);
    assert.match(text, /This layer copies files from lower layers only to change their owner or mode/);
  });

  test('a container that changed one image file, or two', () => {
    const model = new ImageModel(image([BASE]));
    const one = explanationToText(explainContainerLayer([{ Path: '/etc/a', Kind: 0 }, { Path: '/etc/b', Kind: 2 }], model));
    assert.match(one, /It changed 1 image file: it is now written whole in this layer \(overlayfs copies a file up whole on its first write\), over the image's version of 10 B \(layer 0: 10 B\)\./);
    assert.match(one, /It deletes 1 image path; its 20 B remain in the image's layer \(layer 0: 20 B\)\./);
    const two = explanationToText(explainContainerLayer([{ Path: '/etc/a', Kind: 0 }, { Path: '/etc/b', Kind: 0 }], model));
    assert.match(two, /It changed 2 image files: each is now written whole in this layer \(overlayfs copies a file up whole on its first write\), over the image's versions of 30 B \(layer 0: 30 B\)\./);
  });
});

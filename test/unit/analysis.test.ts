// Efficiency and waste by dive's definitions (wagoodman/dive filetree/efficiency.go, image/analysis.go), computed by hand.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeImage } from '../../src/core/analysis/analysis';
import { ImageModel } from '../../src/core/model/imageModel';
import { dir, file, image, layer } from './helpers';

describe('analyzeImage: a three-layer image', () => {
  //   L0 (base)  /app/a 100, /app/b 50, /app/d/x 30, /app/d/y 20, /etc/m 40
  //   L1         /app/a → 120 (new bytes), /etc/m chmod 600 (same bytes), + /new 10; /app and /etc re-listed unchanged
  //   L2         whiteout /app/b (a file), whiteout /app/d (a directory), + /new2 5
  const L0 = layer([
    dir('/app'), file('/app/a', 100, 'A'), file('/app/b', 50, 'B'), dir('/app/d'), file('/app/d/x', 30, 'X'), file('/app/d/y', 20, 'Y'),
    dir('/etc'), file('/etc/m', 40, 'M'),
  ]);
  const L1 = layer([dir('/app'), file('/app/a', 120, 'A2'), dir('/etc'), file('/etc/m', 40, 'M', { mode: 0o600 }), file('/new', 10, 'N')]);
  const L2 = layer([dir('/app'), file('/new2', 5, 'N2')], { whiteouts: ['/app/b', '/app/d'] });
  const analysis = analyzeImage(new ImageModel(image([L0, L1, L2])));

  // dive visits the leaves of each layer's own tree (a directory with entries or whiteouts below it is no leaf):
  //   path       per layer        cumulative  minimum  layers
  //   /app/a     100, 120         220         100      2
  //   /app/b     50, 0 (whiteout) 50          0        2
  //   /etc/m     40, 40           80          40       2
  //   /app/d/x   30               30          30       1
  //   /app/d/y   20               20          20       1
  //   /app/d     50 (whiteout of a dir counts what it hid: 30+20)  50  50  1
  //   /new       10               10          10       1
  //   /new2      5                5           5        1
  const cumulative = 220 + 50 + 80 + 30 + 20 + 50 + 10 + 5; // 465
  const minimum = 100 + 0 + 40 + 30 + 20 + 50 + 10 + 5; // 255

  test('efficiency = Σ minimum ÷ Σ cumulative', () => {
    assert.equal(analysis.efficiency, minimum / cumulative);
    assert.equal(analysis.efficiency, 255 / 465);
  });

  test('wastedBytes = Σ cumulative of the paths in two or more layers', () => {
    assert.equal(analysis.wastedBytes, 220 + 50 + 80);
    assert.deepEqual(analysis.inefficientPaths, [
      { path: '/app/a', count: 2, cumulativeSize: 220 },
      { path: '/etc/m', count: 2, cumulativeSize: 80 },
      { path: '/app/b', count: 2, cumulativeSize: 50 },
    ]);
  });

  test('layer sizes and userWastedPercent (÷ all layers but the first)', () => {
    assert.deepEqual(analysis.layers.map((l) => l.size), [240, 170, 5]);
    assert.equal(analysis.totalSize, 415);
    assert.equal(analysis.userWastedPercent, 350 / (170 + 5));
  });

  test('per-layer added / modified / metadata-only / deleted', () => {
    const counts = analysis.layers.map((l) => ({ entries: l.entries, added: l.added, modified: l.modified, metadataOnly: l.metadataOnly, deleted: l.deleted }));
    assert.deepEqual(counts, [
      { entries: 8, added: 8, modified: 0, metadataOnly: 0, deleted: 0 },
      // /app/a content, /etc/m chmod; re-listed directories with the same attributes are not modifications.
      { entries: 5, added: 1, modified: 2, metadataOnly: 1, deleted: 0 },
      // /app/b, and /app/d with both of its files: every path of a deleted subtree counts.
      { entries: 2, added: 1, modified: 0, metadataOnly: 0, deleted: 4 },
    ]);
  });

  test('wasted files: each wasted version, why, and the layer that ships its bytes', () => {
    assert.deepEqual(analysis.wastedFiles, [
      { path: '/app/a', layer: 0, size: 100, reason: 'overwritten', by: 1 },
      { path: '/app/b', layer: 0, size: 50, reason: 'deleted', by: 2 },
      { path: '/etc/m', layer: 0, size: 40, reason: 'metadata-only', by: 1 },
      { path: '/app/d/x', layer: 0, size: 30, reason: 'deleted', by: 2 },
      { path: '/app/d/y', layer: 0, size: 20, reason: 'deleted', by: 2 },
    ]);
    // Everything layer 0 shipped is gone from the final filesystem; layers 1 and 2 waste nothing.
    assert.deepEqual(analysis.layers.map((l) => l.wastedBytes), [240, 0, 0]);
  });
});

describe('analyzeImage: edge cases', () => {
  test('one layer: efficiency 1, no waste, userWastedPercent 0 (no user layers)', () => {
    const a = analyzeImage(new ImageModel(image([layer([dir('/d'), file('/d/f', 10, 'F'), file('/g', 0, 'E')])])));
    assert.equal(a.efficiency, 1);
    assert.equal(a.wastedBytes, 0);
    assert.equal(a.userWastedPercent, 0);
    assert.deepEqual(a.wastedFiles, []);
    assert.equal(a.totalSize, 10);
  });

  test('an image of empty files only has efficiency 1 (nothing counted)', () => {
    const a = analyzeImage(new ImageModel(image([layer([file('/e', 0, 'E')]), layer([file('/e', 0, 'E', { mode: 0o600 })])])));
    assert.equal(a.efficiency, 1);
    assert.equal(a.wastedBytes, 0);
    assert.deepEqual(a.wastedFiles, [], 'an empty file wastes nothing');
  });

  test('a whiteout of something absent counts 0 and is harmless', () => {
    const a = analyzeImage(new ImageModel(image([layer([file('/f', 10, 'F')]), layer([], { whiteouts: ['/ghost'] })])));
    assert.equal(a.efficiency, 1);
    assert.equal(a.wastedBytes, 0);
    assert.equal(a.layers[1].deleted, 0);
  });

  test('opaque directories: dive ignores the marker, the waste list does not', () => {
    // L0 /o/f 10; L1 makes /o opaque and adds /o/g 3. dive's tally: /o/f (10) and /o/g (3) once each → efficiency 1.
    const a = analyzeImage(new ImageModel(image([layer([dir('/o'), file('/o/f', 10, 'F')]), layer([dir('/o'), file('/o/g', 3, 'G')], { opaqueDirs: ['/o'] })])));
    assert.equal(a.efficiency, 1);
    assert.equal(a.wastedBytes, 0);
    assert.deepEqual(a.wastedFiles, [{ path: '/o/f', layer: 0, size: 10, reason: 'deleted', by: 1 }]);
    assert.equal(a.layers[1].deleted, 1);
  });

  test('a file overwritten twice: both older versions are wasted, each in its own layer', () => {
    const a = analyzeImage(new ImageModel(image([layer([file('/f', 10, 'v1')]), layer([file('/f', 20, 'v2')]), layer([file('/f', 30, 'v3')])])));
    // dive: /f in three layers, cumulative 60, minimum 10 → efficiency 10/60, wasted 60, user size 50.
    assert.equal(a.efficiency, 10 / 60);
    assert.equal(a.wastedBytes, 60);
    assert.equal(a.userWastedPercent, 60 / 50);
    assert.deepEqual(a.wastedFiles, [
      { path: '/f', layer: 1, size: 20, reason: 'overwritten', by: 2 },
      { path: '/f', layer: 0, size: 10, reason: 'overwritten', by: 1 },
    ]);
    assert.deepEqual(a.layers.map((l) => l.wastedBytes), [10, 20, 0]);
  });

  test('warnings of layers and of the stack are collected with their layer', () => {
    const withWarning = { ...layer([{ path: '/h', type: 'hardlink' as const, size: 0, mode: 0o644, uid: 0, gid: 0, linkTarget: '/missing' }]), warnings: ['odd name'] };
    const a = analyzeImage(new ImageModel(image([layer([file('/f', 1, 'F')]), withWarning])));
    assert.equal(a.warnings.length, 2);
    assert.equal(a.warnings[0], 'Layer 1: odd name');
    assert.match(a.warnings[1], /hardlink \/h points to \/missing/);
  });
});

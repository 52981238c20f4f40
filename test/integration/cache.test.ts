// The layer index cache: a second open of an image needs no export; a damaged or outdated entry is
// ignored and rebuilt, never trusted; nothing half-written is left behind.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { IndexCache } from '../../src/core/index/indexCache';
import { analyzeImage } from '../../src/core/analysis/analysis';
import { loadImagePackages } from '../../src/core/packages/imagePackages';
import { layerPackageCounts } from '../../src/core/packages/packagesReport';
import { loadAnalysis, loadImage } from '../../src/docker/imageLoader';
import { connect, fixtureName, testEngines } from './support/engines';

for (const info of testEngines().filter((e) => e.saveFormat !== 'podman')) {
  describe(`index cache on ${info.name}`, () => {
    const engine = connect(info);
    const ref = fixtureName(info, 'layerlens-test/whiteouts:buildkit');

    test('a warm open reads no export and gives the same model; damaged entries are rebuilt', async () => {
      const directory = mkdtempSync(join(tmpdir(), 'layerlens-cache-'));
      const cache = new IndexCache(directory);
      const cold = await loadImage(ref, { engine: () => engine, cache });
      assert.equal(cold.source, 'engine');
      const layerFiles = readdirSync(join(directory, 'layers'));
      assert.equal(layerFiles.length, new Set(cold.model.data.layers.map((l) => l.diffId)).size);

      const warm = await loadImage(ref, { engine: () => engine, cache });
      assert.equal(warm.source, 'cache');
      assert.deepEqual(warm.model.mergedViewAt(), cold.model.mergedViewAt());
      assert.deepEqual(warm.model.steps, cold.model.steps);

      // A corrupt entry and an entry of an older format are both ignored, then rewritten.
      const [first, second] = layerFiles.map((f) => join(directory, 'layers', f));
      writeFileSync(first, '{"format":2,"diffId":"sha256:truncated');
      const old = JSON.parse(readFileSync(second, 'utf8'));
      writeFileSync(second, JSON.stringify({ ...old, format: 1 }));
      const rebuilt = await loadImage(ref, { engine: () => engine, cache });
      assert.equal(rebuilt.source, 'engine');
      assert.deepEqual(rebuilt.model.mergedViewAt(), cold.model.mergedViewAt());
      assert.equal((await loadImage(ref, { engine: () => engine, cache })).source, 'cache');

      // --no-cache neither reads nor writes.
      assert.equal((await loadImage(ref, { engine: () => engine, cache, noCache: true })).source, 'engine');
      const leftovers = [...readdirSync(join(directory, 'layers')), ...readdirSync(join(directory, 'images'))].filter((f) => f.endsWith('.tmp'));
      assert.deepEqual(leftovers, []);
    });

    test('a warm analysis is read whole from the cache and equals a fresh one; a damaged one is recomputed', async () => {
      const directory = mkdtempSync(join(tmpdir(), 'layerlens-cache-'));
      const cache = new IndexCache(directory);
      // loadAnalysis is analyzeImage plus each layer's package counts.
      const { model } = await loadImage(ref, { engine: () => engine, noCache: true });
      const fresh = { ...analyzeImage(model), packages: layerPackageCounts(await loadImagePackages(model.data)) };
      const first = await loadAnalysis(ref, { engine: () => engine, cache });
      assert.equal(first.source, 'engine');
      const warm = await loadAnalysis(ref, { engine: () => engine, cache });
      assert.equal(warm.source, 'cache');
      assert.deepEqual(warm.analysis, fresh);
      assert.deepEqual(warm.overview.steps, first.overview.steps);
      const [file] = readdirSync(join(directory, 'analyses')).map((f) => join(directory, 'analyses', f));
      writeFileSync(file, JSON.stringify({ format: 2, id: warm.overview.data.id, analysis: { layers: 'nonsense' } }));
      const recomputed = await loadAnalysis(ref, { engine: () => engine, cache });
      assert.equal(recomputed.source, 'cache', 'the layer indexes are still cached');
      assert.deepEqual(recomputed.analysis, fresh);
    });
  });
}

// The engine's merged view, layer by layer, equals what the daemon itself exports — on every engine and
// builder: Engine 20.10 (legacy save), Engine 26 (OCI save), Engine 26 with the containerd store
// (gzip blobs, manifest-digest IDs) and Podman.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadImage } from '../../src/docker/imageLoader';
import type { ImageModel } from '../../src/core/model/imageModel';
import type { DockerEngine } from '../../src/docker/engine';
import { connect, fixtureName, testEngines } from './support/engines';
import { comparableFromEngine, comparableFromOracle, compareFilesystems, exportedFilesystem } from './support/oracle';

const FIXTURES = ['basics', 'whiteouts', 'names'].flatMap((f) => [`layerlens-test/${f}:legacy`, `layerlens-test/${f}:buildkit`]);
const DERIVED = ['layerlens-test/commit:latest', 'layerlens-test/import:latest'];

async function assertMatchesExport(engine: DockerEngine, model: ImageModel, layer: number, imageId: string): Promise<void> {
  const oracle = comparableFromOracle(await exportedFilesystem(engine, imageId));
  const ours = comparableFromEngine(model.mergedViewAt(layer));
  const problems = compareFilesystems(ours, oracle);
  assert.deepEqual(problems, [], `layer ${layer} of ${model.data.repoTags[0] ?? imageId} differs from docker export:\n${problems.slice(0, 30).join('\n')}`);
  assert.ok(ours.size > 0, 'the merged view is not empty');
}

for (const info of testEngines()) {
  describe(`engine ${info.name} (${info.saveFormat}, ${info.version})`, () => {
    const engine = connect(info);
    const images = info.saveFormat === 'podman' ? FIXTURES : [...FIXTURES, ...DERIVED];

    for (const name of images) {
      test(`${name}: merged view at the top equals docker export`, async () => {
        const ref = fixtureName(info, name);
        const loaded = await loadImage(ref, { engine: () => engine, noCache: true });
        assert.equal(loaded.source, 'engine');
        const model = loaded.model;
        assert.equal(model.data.config.rootfs?.diff_ids?.length, model.layerCount);
        if (info.saveFormat === 'containerd') {
          assert.equal(loaded.inspect!.Id, model.data.manifestDigest, 'the containerd store names images by manifest digest');
        } else {
          assert.equal(loaded.inspect!.Id, model.data.configDigest, 'the classic store names images by config digest');
        }
        await assertMatchesExport(engine, model, model.topLayer, loaded.inspect!.Id);
      });
    }

    // The legacy builder keeps every step as an image: each is the oracle for one layer of the stack.
    if (info.saveFormat !== 'podman') {
      for (const name of FIXTURES.filter((f) => f.endsWith(':legacy'))) {
        test(`${name}: merged view at every layer equals the export of that step's image`, async () => {
          const ref = fixtureName(info, name);
          const { model } = await loadImage(ref, { engine: () => engine, noCache: true });
          const history = (await engine.imageHistory(ref)) as { Id: string }[];
          const byLayerCount = new Map<number, string>();
          for (const step of history) {
            if (!step.Id || step.Id === '<missing>') continue;
            const inspect = await engine.inspectImage(step.Id);
            const layers = inspect.RootFS.Layers ?? [];
            assert.deepEqual(layers, model.data.config.rootfs!.diff_ids!.slice(0, layers.length), 'intermediate images stack the same layers');
            if (layers.length > 0 && !byLayerCount.has(layers.length)) byLayerCount.set(layers.length, step.Id);
          }
          assert.ok(byLayerCount.size >= model.layerCount - 1, `found intermediate images for ${byLayerCount.size} of ${model.layerCount} layers`);
          for (const [count, id] of [...byLayerCount].sort((a, b) => a[0] - b[0])) await assertMatchesExport(engine, model, count - 1, id);
        });
      }
    }
  });
}

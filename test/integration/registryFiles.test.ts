// Files of a registry image, read without pulling: each file of each layer comes from that layer's blob in the
// registry (downloaded only as far as the file), hashes to what its layer's index recorded, and equals the bytes
// of the same file read from a `docker save` of the image the registry was pushed from. A manifest the registry
// no longer has ends in one sentence.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { contentHashOf } from '../../src/core/index/contentHash';
import { LayerlensError } from '../../src/core/errors';
import { ImageFileService, type ImageSource } from '../../src/docker/imageFileService';
import { loadImage } from '../../src/docker/imageLoader';
import { parseRegistryReference } from '../../src/registry/reference';
import { assertOneSentence } from '../unit/helpers';
import { connect, testEngines } from './support/engines';
import { saveImageToFile } from './support/saveImage';
import { testRegistries } from './support/registries';

const registries = testRegistries();
const engines = new Map(testEngines().map((e) => [e.name, e]));
const scratch = mkdtempSync(join(tmpdir(), 'layerlens-registry-files-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** schema2 + gzip from Engine 20.10, OCI from the containerd store, and zstd layers. */
const chosen = registries.images.filter((i) => /^(d20|d26c)\/basics:legacy$/.test(i.repository) || (i.repository.startsWith('zstd/') && i.repository.includes('basics')));

describe('files of a registry image come from its layer blobs', () => {
  test('the test registry holds the images this test reads', () => {
    assert.ok(chosen.length >= 2, `basics images pushed from d20 and d26c in test/.registry.json, found ${chosen.map((i) => i.repository).join(', ')}`);
  });
  for (const image of chosen) {
    test(`${image.repository}: every file of every layer, by its index's hash and by a docker save of ${image.source}`, async () => {
      const ref = `registry://${registries.plain}/${image.repository}`;
      const { model } = await loadImage(ref, { noCache: true });
      assert.ok(model.data.manifestDigest, 'a registry read knows its manifest digest');
      const remote: ImageSource = { model, origin: { kind: 'registry', ref: parseRegistryReference(ref), manifestDigest: model.data.manifestDigest! } };
      const engine = engines.get(image.engine)!;
      const archive = join(scratch, `${image.repository.replace(/[/:]/g, '-')}.tar`);
      await saveImageToFile(connect(engine), image.source, archive);
      const saved = await loadImage(archive, {});
      const local: ImageSource = { model: saved.model, origin: { kind: 'archive', path: archive } };
      const fromRegistry = new ImageFileService({ useIntermediateImages: false });
      const fromArchive = new ImageFileService({ useIntermediateImages: false });
      let files = 0;
      try {
        model.data.layers.forEach((layer, index) => assert.equal(layer.diffId, saved.model.data.layers[index]?.diffId, `layer ${index} is the same layer`));
        for (const [index, layer] of model.data.layers.entries()) {
          for (const entry of layer.entries.filter((e) => e.type === 'file' && e.hash)) {
            const slowReads: string[] = [];
            const bytes = Buffer.from(await fromRegistry.readFile(remote, index, entry.path, { onSlowRead: (description) => void slowReads.push(description) }));
            assert.equal(contentHashOf(bytes), entry.hash, `${entry.path} at layer ${index} hashes to its entry's hash`);
            assert.ok(slowReads.length === 0 || /download of its layer from the registry/.test(slowReads[0]), slowReads[0]);
            const want = Buffer.from(await fromArchive.readFile(local, index, entry.path));
            assert.ok(bytes.equals(want), `${entry.path} at layer ${index}: the registry's bytes equal the saved image's`);
            files++;
          }
        }
      } finally {
        await Promise.all([fromRegistry.dispose(), fromArchive.dispose()]);
      }
      assert.ok(files > 3, `read ${files} files`);
      assert.ok(fromRegistry.served.archive > 0, 'some files came from a layer blob download');
    });
  }

  test('a manifest the registry does not have: one sentence, no stack trace', async () => {
    const image = chosen[0];
    const ref = `registry://${registries.plain}/${image.repository}`;
    const { model } = await loadImage(ref, { noCache: true });
    const missing = 'sha256:' + '0'.repeat(64);
    const source: ImageSource = { model, origin: { kind: 'registry', ref: parseRegistryReference(ref), manifestDigest: missing } };
    const service = new ImageFileService({ useIntermediateImages: false });
    const entry = model.data.layers[0].entries.find((e) => e.type === 'file' && e.hash)!;
    try {
      await assert.rejects(service.readFile(source, 0, entry.path), (error: unknown) => {
        assert.ok(error instanceof LayerlensError, String(error));
        assertOneSentence(error.message);
        return true;
      });
    } finally {
      await service.dispose();
    }
  });
});

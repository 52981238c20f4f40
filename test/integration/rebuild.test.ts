// The rebuild loop on every engine: a fixture image, then a rebuild of it with a new top layer (a RUN that
// writes a fresh nonce, so the build cache never hits). Read with the base cached, the rebuild costs only its
// new layer, equals a cold read at every layer, and matches `docker export`; on the containerd store the
// export is abandoned before its end. A planted wrong member → diffID fact changes nothing.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { IndexCache } from '../../src/core/index/indexCache';
import type { ImageModel } from '../../src/core/model/imageModel';
import type { DockerEngine } from '../../src/docker/engine';
import { loadImage } from '../../src/docker/imageLoader';
import { buildTar } from '../support/tarBuilder';
import { connect, fixtureName, testEngines } from './support/engines';
import { comparableFromEngine, comparableFromOracle, compareFilesystems, exportedFilesystem } from './support/oracle';

const BASE = 'layerlens-test/basics:legacy';

/** Builds `FROM base` + one RUN with a fresh nonce (classic builder, no network); returns the new image's tag. */
async function buildRebuild(engine: DockerEngine, base: string): Promise<string> {
  const nonce = randomBytes(8).toString('hex');
  const tag = `layerlens-test/rebuild:${nonce}`;
  const dockerfile = `FROM ${base}\nUSER 0\nRUN echo ${nonce} > /rebuild-nonce\n`;
  const context = Readable.from([buildTar([{ name: 'Dockerfile', content: dockerfile }])]);
  const stream = await engine.docker.buildImage(context as unknown as NodeJS.ReadableStream, { t: tag, networkmode: 'none', version: '1' } as object);
  const output = await new Promise<{ error?: string; errorDetail?: { message?: string } }[]>((resolve, reject) =>
    engine.docker.modem.followProgress(stream, (error: Error | null, result: unknown[]) => (error ? reject(error) : resolve(result as never))),
  );
  const failure = output.find((line) => line.error || line.errorDetail);
  assert.equal(failure, undefined, `the rebuild failed: ${JSON.stringify(failure)}`);
  return tag;
}

function assertSameModel(got: ImageModel, want: ImageModel): void {
  assert.deepEqual(got.data.layers, want.data.layers, 'layer for layer');
  assert.deepEqual(got.data.config, want.data.config);
  assert.equal(got.data.configDigest, want.data.configDigest);
  assert.equal(got.data.manifestDigest, want.data.manifestDigest);
  assert.deepEqual(got.steps, want.steps);
  for (let layer = 0; layer < want.layerCount; layer++) assert.deepEqual(got.mergedViewAt(layer), want.mergedViewAt(layer), `merged view at layer ${layer}`);
}

for (const info of testEngines()) {
  describe(`rebuild on ${info.name} (${info.saveFormat})`, () => {
    const engine = connect(info);
    const base = fixtureName(info, BASE);
    const directory = mkdtempSync(join(tmpdir(), 'layerlens-rebuild-'));
    const tags: string[] = [];
    after(async () => {
      for (const tag of tags) await engine.docker.getImage(tag).remove({ force: true }).catch(() => undefined);
      rmSync(directory, { recursive: true, force: true });
    });

    test('with the base cached, a rebuild reads only its new layer and equals a cold read; wrong facts change nothing', async () => {
      const cache = new IndexCache(directory);
      const baseLoaded = await loadImage(base, { engine: () => engine, cache });
      assert.equal(baseLoaded.source, 'engine');
      const tag = await buildRebuild(engine, base);
      tags.push(tag);

      const cold = (await loadImage(tag, { engine: () => engine, noCache: true })).model;
      assert.equal(cold.layerCount, baseLoaded.model.layerCount + 1);
      const rebuilt = await loadImage(tag, { engine: () => engine, cache });
      assert.equal(rebuilt.source, 'engine');
      const read = rebuilt.read!;
      assert.ok(read, 'the read reports what it skipped');
      assertSameModel(rebuilt.model, cold);
      // Legacy save names a layer by a v1 ID that, for the image's top layer, depends on the config: the base's
      // top layer has a new name in the rebuild, so it is read again if it passes before the read stops. Every
      // other engine parses only the new layer.
      assert.ok(read.indexedMembers >= 1 && read.indexedMembers <= (info.saveFormat === 'legacy' ? 2 : 1), `parsed ${read.indexedMembers} layer members`);
      assert.equal(read.indexedMembers + read.skippedMembers <= cold.layerCount, true);
      assert.equal(read.retriedWithoutFacts, false);
      if (info.saveFormat === 'containerd') assert.equal(read.abandoned, true, 'the containerd store export was abandoned before its end');

      const oracle = comparableFromOracle(await exportedFilesystem(engine, rebuilt.inspect!.Id));
      const problems = compareFilesystems(comparableFromEngine(rebuilt.model.mergedViewAt()), oracle);
      assert.deepEqual(problems, [], problems.slice(0, 20).join('\n'));

      // Plant wrong facts: the new layer's member (where its name is not its diffID) and the config blob both
      // "hold" the base layer. Forget the rebuild's own index so it has to be read again.
      const baseDiffId = baseLoaded.model.data.layers[0].diffId;
      const planted = read.learnedFacts.map(([member]) => member);
      if (info.saveFormat === 'oci' || info.saveFormat === 'containerd') planted.push(`blobs/sha256/${cold.data.configDigest!.slice(7)}`);
      if (info.saveFormat === 'podman') assert.deepEqual(planted, [], 'Podman names every layer file by its diffID: no fact is needed, none can mislead');
      else assert.ok(planted.length > 0);
      for (const member of planted) await cache.writeMemberFact(member, baseDiffId);
      const newDiffId = cold.data.layers.at(-1)!.diffId;
      rmSync(join(directory, 'layers', newDiffId.replace(':', '-') + '.json'));
      rmSync(join(directory, 'images', rebuilt.inspect!.Id.replace(':', '-') + '.json'));

      const again = await loadImage(tag, { engine: () => engine, cache });
      assert.equal(again.source, 'engine');
      assertSameModel(again.model, cold);
      assert.equal(again.read!.retriedWithoutFacts, planted.length > 0, 'a wrong fact is caught and the export read again without facts');
      // The new layer's member is read whatever the order; a base member may not pass before the read stops.
      for (const [member, diffId] of read.learnedFacts.filter(([, d]) => d === newDiffId)) {
        assert.equal(await cache.readMemberFact(member), diffId, `the fact about ${member} is right again`);
      }
    });
  });
}

// File contents of any layer, on every engine: served bytes hash to the layer index's hash, files the top
// shows come from a temporary container and older versions from the export, symlinks stay inside the image,
// every hostile name round-trips through a layerlens: URI, and no temporary container outlives a dispose,
// a cancel or a missing image.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { URI } from 'vscode-uri';
import { readImageFromPath } from '../../src/core/archive/archiveReader';
import { contentHashOf } from '../../src/core/index/contentHash';
import { ImageModel } from '../../src/core/model/imageModel';
import { CancelledError, LayerlensError } from '../../src/core/errors';
import { PathResolutionError } from '../../src/core/model/imagePaths';
import { TEMPORARY_CONTAINER_LABEL, type DockerEngine } from '../../src/docker/engine';
import { ImageFileService, type ImageSource } from '../../src/docker/imageFileService';
import { loadImage } from '../../src/docker/imageLoader';
import { formatLayerUri, parseLayerUri } from '../../src/fs/layerUri';
import { buildTar } from '../support/tarBuilder';
import { assertOneSentence } from '../unit/helpers';
import { connect, fixtureName, oneEngine, testEngines } from './support/engines';
import { saveImageToFile } from './support/saveImage';

function layerOfStep(model: ImageModel, needle: string): number {
  const step = model.steps.find((s) => s.instruction.includes(needle));
  assert.ok(step?.layerIndex !== undefined, `a step with a layer containing ${JSON.stringify(needle)}`);
  return step.layerIndex;
}

/** Layerlens' temporary containers on the engine, by name (`docker ps -a --filter label=layerlens.temporary=true`). */
async function temporaryContainers(engine: DockerEngine): Promise<string[]> {
  const list = await engine.docker.listContainers({ all: true, filters: { label: [`${TEMPORARY_CONTAINER_LABEL}=true`] } });
  return list.map((c) => c.Names[0].replace(/^\//, ''));
}

/** Reads `path` at `layer` and checks the bytes against the hash its layer's index recorded. */
async function readChecked(service: ImageFileService, source: ImageSource, layer: number, path: string): Promise<Buffer> {
  const location = service.filesOf(source.model).locate(layer, path);
  const bytes = Buffer.from(await service.readFile(source, layer, path));
  assert.equal(contentHashOf(bytes), location.hash, `${JSON.stringify(path)} at layer ${layer} hashes to its entry's hash`);
  assert.equal(bytes.length, location.size);
  return bytes;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected a rejection');
}

/** An image made with `docker import` from a tar built here, with hostile symlinks that aim at the host; returns its ID. */
async function importHostileImage(engine: DockerEngine): Promise<string> {
  const tar = buildTar([
    { name: 'etc/', type: 'dir' },
    { name: 'etc/passwd', content: 'the image\'s own passwd\n' },
    { name: 'app/', type: 'dir' },
    { name: 'app/deep/', type: 'dir' },
    { name: 'app/evil-abs', type: 'symlink', linkname: '/../../etc/passwd' },
    { name: 'app/deep/evil-rel', type: 'symlink', linkname: '../../../../../../etc/passwd' },
    { name: 'app/evil-host', type: 'symlink', linkname: '/etc/hostname' },
    { name: 'app/evil-proc', type: 'symlink', linkname: '/proc/self/root/etc/shadow' },
    { name: 'app/loop-a', type: 'symlink', linkname: 'loop-b' },
    { name: 'app/loop-b', type: 'symlink', linkname: '/app/loop-a' },
  ]);
  // Untagged: Podman's compatible API ignores the tag of an import; the ID comes in the progress stream.
  const progress = await engine.docker.importImage(Readable.from([tar]) as unknown as string);
  let text = '';
  for await (const chunk of progress as AsyncIterable<Buffer>) text += chunk.toString();
  const ids = text.match(/sha256:[0-9a-f]{64}/g);
  assert.ok(ids, `the import reported an image ID: ${text}`);
  return ids[ids.length - 1];
}

for (const info of testEngines()) {
  describe(`file contents on ${info.name}`, () => {
    const engine = connect(info);
    const service = new ImageFileService({ containerIdleMs: 30_000 });
    const load = async (name: string): Promise<ImageSource> => ({
      model: (await loadImage(fixtureName(info, name), { engine: () => engine, noCache: true })).model,
      origin: { kind: 'engine', engine },
    });

    after(() => service.dispose());

    test('basics: every file the top shows comes from a temporary container and hashes to its entry; dispose removes the container', async () => {
      const own = new ImageFileService();
      const source = await load('layerlens-test/basics:legacy');
      const top = source.model.mergedViewAt();
      const readable = top.filter((e) => e.type === 'file' || e.type === 'hardlink');
      assert.ok(readable.length > 10);
      for (const entry of readable) await readChecked(own, source, source.model.topLayer, entry.path);
      assert.equal(own.served.archive, 0, 'no export needed');
      assert.ok(own.served.container >= readable.length - own.served.cache, 'read through the container');

      const before = own.served.container;
      await readChecked(own, source, source.model.topLayer, '/app/hello.txt');
      assert.equal(own.served.container, before, 'a repeated open is served from memory');

      const names = own.containers.containerNames;
      assert.equal(names.length, 1, 'one container per image');
      assert.ok((await temporaryContainers(engine)).includes(names[0]), 'it exists while files are being opened');
      assert.ok(!(await engine.listContainers()).some((c) => c.Names.includes('/' + names[0])), 'the Containers view does not list it');
      await own.dispose();
      assert.ok(!(await temporaryContainers(engine)).includes(names[0]), 'dispose removed it');
    });

    test('basics: symlinks and hardlinks resolve inside the image; a metadata-only copy reads the same bytes', async () => {
      const source = await load('layerlens-test/basics:legacy');
      const topLayer = source.model.topLayer;
      for (const path of ['/app/lib/abs-symlink', '/app/data/rel-symlink', '/app/dir-symlink/target.txt', '/app/lib/hardlink.txt']) {
        assert.equal((await readChecked(service, source, topLayer, path)).toString(), 'target\n', path);
      }
      assert.equal((await readChecked(service, source, topLayer, '/app/hello-hardlink.txt')).toString(), 'hello\n');
      const error = await rejection(service.readFile(source, topLayer, '/app/lib/dangling-symlink'));
      assert.ok(error instanceof PathResolutionError && error.reason === 'missing');
      assert.match(error.message, /leads to \/nonexistent\/nowhere/);
      const added = layerOfStep(source.model, 'yes layerlens-big-file');
      const big = await readChecked(service, source, added, '/app/big.bin');
      assert.equal(big.length, 2097152);
      assert.ok(big.subarray(0, 19).equals(Buffer.from('layerlens-big-file\n')));
    });

    for (const builder of ['legacy', 'buildkit']) {
      test(`whiteouts:${builder}: overwritten and deleted versions come from the export, each hashing to its entry`, async () => {
        const own = new ImageFileService({ useIntermediateImages: false });
        try {
          const source = await load(`layerlens-test/whiteouts:${builder}`);
          const created = layerOfStep(source.model, 'first life');
          const older: [string, string][] = [
            ['/readd.txt', 'first life\n'],
            ['/opq/a', 'a\n'],
            ['/opq/sub/b', 'b\n'],
            ['/partial/p1', 'p1\n'],
            ['/file2dir', 'I am a file\n'],
            ['/gone/deep/z', 'z\n'],
            ['/single.txt', 'single\n'],
          ];
          for (const [path, content] of older) {
            assert.equal(own.filesOf(source.model).topPathFor(own.filesOf(source.model).locate(created, path)), undefined, `${path} is an older version`);
            assert.equal((await readChecked(own, source, created, path)).toString(), content, path);
          }
          assert.equal(own.served.archive, 1, 'one export, stopped early, brought every small older version');
          assert.equal(own.served.cache, older.length - 1);
          const top = source.model.topLayer;
          assert.equal((await readChecked(own, source, top, '/readd.txt')).toString(), 'second life\n');
          assert.equal((await readChecked(own, source, top, '/dir2file')).toString(), 'now a file\n');
          assert.equal(own.served.container, 2, 'the top versions come from a container');
          // Deleted, but the top holds the same bytes elsewhere (/opq/new is "x" too): content addressing reads those.
          const inner = own.filesOf(source.model).locate(created, '/dir2file/inner');
          assert.equal(own.filesOf(source.model).topPathFor(inner), '/opq/new');
          assert.equal((await readChecked(own, source, created, '/dir2file/inner')).toString(), 'x\n');
          assert.equal(own.served.container, 3);
        } finally {
          await own.dispose();
        }
      });

      test(`names:${builder}: every hostile name round-trips through a layerlens: URI and reads its bytes`, async () => {
        const source = await load(`layerlens-test/names:${builder}`);
        const model = source.model;
        const paths = model
          .mergedViewAt()
          .filter((e) => (e.type === 'file' || e.type === 'hardlink' || e.type === 'symlink') && /^\/(names|long)\//.test(e.path))
          .map((e) => e.path);
        assert.ok(paths.includes('/names/latin1-\udce9.txt'), 'the fixture has a name that is not UTF-8');
        assert.ok(paths.some((p) => p.length > 200), 'and a long one');
        const throughUri = async (layer: number, path: string) => {
          const text = URI.from(formatLayerUri({ imageId: model.data.id, layer, path })).toString();
          const ref = parseLayerUri(URI.parse(text));
          assert.deepEqual(ref, { imageId: model.data.id.replace('sha256:', ''), layer, path });
          await readChecked(service, source, ref.layer!, ref.path);
        };
        for (const path of paths) await throughUri(model.topLayer, path);
        // Whited-out odd names (a newline, spaces, Unicode), at the layer before their whiteout.
        const removed = layerOfStep(model, "rm 'with space.txt'");
        for (const path of ['/names/with space.txt', '/names/new\nline.txt', '/names/ünïcødé-文件.txt']) await throughUri(removed - 1, path);
      });
    }

    test('whiteouts:legacy: older versions come from the image of the build step that shows them, when the engine kept it', async () => {
      const own = new ImageFileService();
      try {
        const source = await load('layerlens-test/whiteouts:legacy');
        const created = layerOfStep(source.model, 'first life');
        // The legacy builder keeps an image per step where it built; Podman only has the images loaded into it.
        const kept = info.saveFormat !== 'podman';
        const older: [number, string, string][] = [
          [created, '/readd.txt', 'first life\n'],
          [created, '/gone/deep/z', 'z\n'],
          [layerOfStep(source.model, 'rm -rf /opq'), '/single.txt', 'single\n'],
        ];
        for (const [layer, path, content] of older) assert.equal((await readChecked(own, source, layer, path)).toString(), content, path);
        if (kept) {
          assert.equal(own.served.archive, 0, 'no export');
          assert.equal(own.served.container, older.length);
          assert.ok(own.containers.containerNames.length >= 1);
        } else {
          assert.equal(own.served.archive, 1, 'no step images here: one export');
        }
      } finally {
        await own.dispose();
      }
    });

    describe('an imported image with hostile symlinks', () => {
      let id = '';
      let source: ImageSource;
      before(async () => {
        id = await importHostileImage(engine);
        source = { model: (await loadImage(id, { engine: () => engine, noCache: true })).model, origin: { kind: 'engine', engine } };
      });
      after(() => engine.docker.getImage(id).remove({ force: true }).catch(() => undefined));

      test('symlinks aimed at the host\'s /etc read the image\'s own files, or nothing', async () => {
        for (const path of ['/app/evil-abs', '/app/deep/evil-rel', '/../../../etc/passwd']) {
          assert.equal((await readChecked(service, source, 0, path)).toString(), 'the image\'s own passwd\n', path);
        }
        for (const path of ['/app/evil-host', '/app/evil-proc']) {
          const error = await rejection(service.readFile(source, 0, path));
          assert.ok(error instanceof PathResolutionError && error.reason === 'missing', `${path}: ${String(error)}`);
          assertOneSentence(error.message);
        }
        const loop = await rejection(service.readFile(source, 0, '/app/loop-a'));
        assert.ok(loop instanceof PathResolutionError && loop.reason === 'loop');
        assertOneSentence(loop.message);
      });

      test('a missing image: one sentence, and no container left behind', async () => {
        const own = new ImageFileService();
        await engine.docker.getImage(id).remove({ force: true });
        const error = await rejection(own.readFile(source, 0, '/etc/passwd'));
        assert.ok(error instanceof LayerlensError && error.kind === 'not-found', String(error));
        assert.match(error.message, /There is no image/);
        assertOneSentence(error.message);
        assert.deepEqual(own.containers.containerNames, []);
        await own.dispose();
      });
    });

    test('a cancelled open leaves no container behind, on the container path and on the export path', async () => {
      const own = new ImageFileService({ useIntermediateImages: false });
      const source = await load('layerlens-test/whiteouts:legacy');
      const before = new Set(await temporaryContainers(engine));
      const abort = new AbortController();
      const opening = own.readFile(source, source.model.topLayer, '/bin/busybox', { signal: abort.signal });
      abort.abort();
      assert.ok((await rejection(opening)) instanceof CancelledError);
      assert.deepEqual((await temporaryContainers(engine)).filter((n) => !before.has(n)), [], 'nothing new on the engine');

      const slow = new AbortController();
      const created = layerOfStep(source.model, 'first life');
      let slowRead = '';
      const exporting = own.readFile(source, created, '/readd.txt', {
        signal: slow.signal,
        onSlowRead: (description) => {
          slowRead = description;
          slow.abort();
        },
      });
      assert.ok((await rejection(exporting)) instanceof CancelledError);
      assert.match(slowRead, /needs an export of the image/);
      assert.equal(own.served.archive, 0);
      assert.deepEqual((await temporaryContainers(engine)).filter((n) => !before.has(n)), []);
      await own.dispose();
    });
  });
}

describe('file contents of an image archive on disk', () => {
  const info = oneEngine();
  const engine = connect(info);
  const dir = mkdtempSync(join(tmpdir(), 'layerlens-file-content-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test(`a saved archive (${info.name}) serves top files and older versions from the file, and says so when the file is gone`, async () => {
    const file = join(dir, 'whiteouts.tar');
    await saveImageToFile(engine, fixtureName(info, 'layerlens-test/whiteouts:buildkit'), file);
    const model = new ImageModel(await readImageFromPath(file));
    const source: ImageSource = { model, origin: { kind: 'archive', path: file } };
    const own = new ImageFileService();
    try {
      const created = layerOfStep(model, 'first life');
      let slow = '';
      const old = await own.readFile(source, created, '/readd.txt', { onSlowRead: (description) => void (slow = description) });
      assert.equal(Buffer.from(old).toString(), 'first life\n');
      assert.match(slow, /a pass over the archive/);
      assert.equal((await readChecked(own, source, model.topLayer, '/readd.txt')).toString(), 'second life\n');
      assert.equal(own.served.container, 0, 'no engine involved');
      assert.equal(own.served.archive, 2);
      rmSync(file);
      const error = await rejection(own.readFile(source, model.topLayer, '/partial/p3'));
      assert.ok(error instanceof LayerlensError && error.kind === 'not-found');
      assertOneSentence(error.message);
    } finally {
      await own.dispose();
    }
  });
});

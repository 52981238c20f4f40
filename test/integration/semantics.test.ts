// What the engine must say about the fixtures, on every engine: history of paths, metadata-only copies,
// whiteouts and re-adds, type changes, odd names, commit and import images. Layer numbers are found through
// the build steps (they differ between builders), so these also check the history ↔ layer mapping.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyzeImage } from '../../src/core/analysis/analysis';
import type { ImageModel } from '../../src/core/model/imageModel';
import { loadImage } from '../../src/docker/imageLoader';
import { connect, fixtureName, testEngines } from './support/engines';

function layerOfStep(model: ImageModel, needle: string): number {
  const step = model.steps.find((s) => s.instruction.includes(needle));
  assert.ok(step, `a step containing ${JSON.stringify(needle)}`);
  assert.notEqual(step.layerIndex, undefined, `step ${JSON.stringify(step.instruction)} has a layer`);
  return step.layerIndex!;
}

for (const info of testEngines()) {
  describe(`fixture facts on ${info.name}`, () => {
    const engine = connect(info);
    const load = async (name: string) => (await loadImage(fixtureName(info, name), { engine: () => engine, noCache: true })).model;

    for (const builder of ['legacy', 'buildkit']) {
      test(`basics:${builder}: a chmod copies the whole file again (metadata-only), and it is counted as waste`, async () => {
        const model = await load(`layerlens-test/basics:${builder}`);
        const added = layerOfStep(model, 'yes layerlens-big-file');
        const chmod = layerOfStep(model, 'chmod 600 /app/big.bin');
        const history = model.pathHistory('/app/big.bin');
        assert.deepEqual(
          history.map((e) => [e.layer, e.change, e.kind]),
          [
            [added, 'added', undefined],
            [chmod, 'modified', 'metadata'],
          ],
        );
        const top = model.mergedViewAt().find((e) => e.path === '/app/big.bin')!;
        assert.equal(top.mode, 0o600);
        assert.equal(top.contentChanged, false);
        assert.deepEqual(top.modifiedIn, [chmod]);
        const analysis = analyzeImage(model);
        const wasted = analysis.wastedFiles.find((w) => w.path === '/app/big.bin');
        assert.deepEqual(wasted, { path: '/app/big.bin', layer: added, size: 2097152, reason: 'metadata-only', by: chmod });
        assert.ok(analysis.layers[chmod].size >= 2097152, 'the chmod layer ships the 2 MiB again');
        assert.equal(analysis.layers[chmod].metadataOnly, 1);
        // Special files and modes survive the trip.
        const byPath = new Map(model.mergedViewAt().map((e) => [e.path, e]));
        assert.equal(byPath.get('/app/setuid-file')!.mode, 0o4755);
        assert.equal(byPath.get('/app/setgid-dir')!.mode, 0o2775);
        assert.equal(byPath.get('/app/sticky-dir')!.mode, 0o1777);
        assert.equal(byPath.get('/app/fifo')!.type, 'fifo');
        assert.equal(byPath.get('/app/lib/dangling-symlink')!.linkTarget, '/nonexistent/nowhere');
        assert.equal(byPath.get('/home/user/file.txt')!.uid, 1000);
        const hardlinks = [...byPath.values()].filter((e) => e.type === 'hardlink');
        assert.ok(hardlinks.length >= 1 && hardlinks.every((h) => h.linkTarget!.startsWith('/app/')), 'hardlinks point at absolute paths');
        // Metadata-only steps are steps without a layer.
        assert.ok(model.steps.some((s) => s.instruction.startsWith('ENV LAYERLENS_FIXTURE=basics') && s.layerIndex === undefined));
        assert.ok(model.steps.some((s) => s.instruction === 'USER 1000:1000' && s.layerIndex === undefined));
      });

      test(`whiteouts:${builder}: whiteout then re-add, opaque dir, type changes`, async () => {
        const model = await load(`layerlens-test/whiteouts:${builder}`);
        const created = layerOfStep(model, 'first life');
        const removed = layerOfStep(model, 'rm /readd.txt');
        const readded = layerOfStep(model, 'second life');
        assert.deepEqual(
          model.pathHistory('/readd.txt').map((e) => [e.layer, e.change]),
          [
            [created, 'added'],
            [removed, 'deleted'],
            [readded, 'added'],
          ],
        );
        const top = new Map(model.mergedViewAt().map((e) => [e.path, e]));
        assert.equal(top.get('/readd.txt')!.addedIn, readded);
        assert.equal(top.get('/dir2file')!.type, 'file');
        assert.equal(top.get('/file2dir')!.type, 'dir');
        assert.equal(top.has('/dir2file/inner'), false);
        assert.equal(top.has('/gone'), false);
        assert.deepEqual([...top.keys()].filter((p) => p.startsWith('/opq/')), ['/opq/new']);
        assert.equal(top.has('/scratchpad/ephemeral.txt'), false);
        const change = model.layerChanges(removed).find((c) => c.path === '/dir2file');
        assert.deepEqual([change?.change, change?.kind, change?.previousType], ['modified', 'type', 'dir']);
        const diff = model.diff(created, model.topLayer);
        assert.ok(diff.some((c) => c.path === '/gone/deep/z' && c.change === 'deleted' && c.layer === removed));
        assert.ok(diff.some((c) => c.path === '/opq/new' && c.change === 'added'));
        assert.ok(!diff.some((c) => c.path === '/readd.txt' && c.change === 'deleted'), 'a re-added path is not deleted in the net diff');
      });

      test(`names:${builder}: hostile, long and non-UTF-8 names keep their exact bytes`, async () => {
        const model = await load(`layerlens-test/names:${builder}`);
        const paths = new Set(model.mergedViewAt().map((e) => e.path));
        assert.ok(paths.has('/names/<script>alert(1)</script>'));
        assert.ok(paths.has('/names/tab\there.txt'));
        assert.ok(paths.has('/names/latin1-\udce9.txt'), 'an invalid UTF-8 byte is kept as a surrogate escape');
        assert.ok(![...paths].some((p) => p.includes('\ufffd')), 'no name was mangled into U+FFFD');
        assert.ok(paths.has('/names/emoji-🐳.txt'));
        assert.ok(!paths.has('/names/with space.txt') && !paths.has('/names/new\nline.txt'), 'whited-out odd names are gone');
        const removed = layerOfStep(model, "rm 'with space.txt'");
        assert.ok(model.layerChanges(removed).some((c) => c.path === '/names/new\nline.txt' && c.change === 'deleted'));
        const long = [...paths].filter((p) => p.length > 180);
        assert.ok(long.length >= 2, 'paths over 180 characters survive');
      });
    }

    if (info.saveFormat !== 'podman') {
      test('commit: the committed layer carries the container whiteouts; import: one layer, no build history', async () => {
        const commit = await load('layerlens-test/commit:latest');
        const top = commit.topLayer;
        const deleted = commit.layerChanges(top).filter((c) => c.change === 'deleted').map((c) => c.path);
        assert.ok(deleted.length >= 3, `the commit layer deletes files (${deleted.join(', ')})`);
        assert.ok(commit.data.layers[top].whiteouts.length >= 1);
        const imported = await load('layerlens-test/import:latest');
        assert.equal(imported.layerCount, 1);
        assert.equal(imported.steps.filter((s) => s.layerIndex !== undefined).length, 1);
        assert.ok(imported.mergedViewAt(0).some((e) => e.path === '/app/big.bin'));
      });
    }
  });
}

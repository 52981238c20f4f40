// The compare mode's pure parts: the tree over a comparison (rows, roll-ups, filters, details), the message guard,
// the order of Compare with…'s quick pick, and the memory of previous builds. Expectations follow by hand from
// the small images below.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compareImages } from '../../src/core/compare';
import { ImageModel } from '../../src/core/model/imageModel';
import { parseFromCompareWebview } from '../../src/explorer/compareProtocol';
import { CompareTree } from '../../src/explorer/compareTree';
import { sinceBuildBytes, sinceBuildText } from '../../src/dockerfile/sinceBuildText';
import { comparePicks, remoteComparePicks, repositoryOf } from '../../src/views/comparePicks';
import { describeRemoteImage } from '../../src/views/remoteImageList';
import { emptyMemory, parseMemory, previousBuildOf, rememberListing, tagsOfListing } from '../../src/views/previousBuildMemory';
import { dir, file, image, layer } from './helpers';

const history = (steps: [string, boolean][]) => ({ history: steps.map(([created_by, empty]) => ({ created_by, empty_layer: empty || undefined })) });
const base = layer([dir('/app'), file('/app/config.txt', 8, 'c1'), file('/app/run.sh', 10, 'r', { mode: 0o755 }), dir('/app/lib'), file('/app/lib/a.so', 100, 'a'), file('/old', 5, 'o')]);
const A = new ImageModel({ ...image([base], history([['COPY base /', false]])), id: 'sha256:aaa', repoTags: ['app:1'] });
const B = new ImageModel({
  ...image([base, layer([file('/app/config.txt', 20, 'c2'), file('/app/run.sh', 10, 'r', { mode: 0o700 }), file('/app/lib/b.so', 300, 'b'), dir('/app/lib/sub'), file('/app/lib/sub/c.txt', 1, 'c')], { whiteouts: ['/old'] })], history([['COPY base /', false], ['ENV X=1', true], ['RUN build', false]])),
  id: 'sha256:bbb',
  repoTags: ['app:2'],
});
const tree = new CompareTree(compareImages(A, B));

describe('CompareTree', () => {
  test('the root lists the changed paths and the directories that lead to them, with their markers', () => {
    const rows = tree.children('/', 0, 'name');
    assert.deepEqual(rows.map((r) => [r.path, r.change ?? '-', r.difference ?? '-']), [['/app', '-', '-'], ['/old', 'deleted', 'removed']]);
    const old = rows[1];
    assert.equal(old.sizeA, 5);
    assert.equal(old.sizeB, null);
    assert.equal(old.stepA, 0);
    assert.equal(old.stepB, null);
  });

  test('a directory rolls up both sides of the changes below it', () => {
    const app = tree.children('/', 0, 'name')[0];
    // Below /app: config.txt (8 → 20), run.sh (10 → 10, mode only), lib/b.so (+300), lib/sub (dir), lib/sub/c.txt (+1).
    assert.equal(app.sizeA, 18);
    assert.equal(app.sizeB, 331);
    assert.equal(app.changedCount, 5);
    assert.equal(app.deletedCount, 0);
    assert.equal(app.hasChildren, true);
  });

  test('children carry each side: sizes, the step that made each version, and kinds', () => {
    const rows = tree.children('/app', 1, 'name');
    assert.deepEqual(
      rows.map((r) => [r.path, r.difference ?? '-', r.change ?? '-', r.sizeA, r.sizeB, r.stepA, r.stepB, r.depth]),
      [
        ['/app/config.txt', 'content', 'modified', 8, 20, 0, 2, 1],
        ['/app/lib', '-', '-', 0, 301, null, null, 1],
        ['/app/run.sh', 'metadata', 'metadata', 10, 10, 0, 2, 1],
      ],
    );
  });

  test('sorting by size puts the biggest change first', () => {
    assert.deepEqual(tree.children('/app', 1, 'size').map((r) => r.path), ['/app/lib', '/app/config.txt', '/app/run.sh']);
  });

  test('a filter keeps the matches and their directories, in tree order', () => {
    const { rows, total, truncated } = tree.filter({ text: '*.so', kinds: [], minSize: 0 }, 'name');
    assert.deepEqual(rows.map((r) => r.path), ['/app', '/app/lib', '/app/lib/b.so']);
    assert.equal(total, 1);
    assert.equal(truncated, false);
    assert.deepEqual(tree.filter({ text: '', kinds: ['metadata'], minSize: 0 }, 'name').rows.map((r) => r.path), ['/app', '/app/run.sh']);
    assert.deepEqual(tree.filter({ text: '', kinds: [], minSize: 15 }, 'name').rows.map((r) => r.path), ['/app', '/app/config.txt', '/app/lib', '/app/lib/b.so']);
    assert.deepEqual(tree.filter({ text: 'nothing-here', kinds: [], minSize: 0 }, 'name').rows, []);
  });

  test('details: both sides, and whether Open Changes can show them', () => {
    const config = tree.details('/app/config.txt')!;
    assert.equal(config.difference, 'content');
    assert.equal(config.a?.size, 8);
    assert.equal(config.b?.size, 20);
    assert.equal(config.b?.step, 2);
    assert.equal(config.openChanges.enabled, true);
    const added = tree.details('/app/lib/sub')!;
    assert.equal(added.difference, 'added');
    assert.equal(added.a, undefined);
    assert.equal(added.openChanges.enabled, false);
    assert.match(added.openChanges.title, /^Only the second image has \/app\/lib\/sub, and it has no content to show\.$/);
    assert.equal(tree.details('/app/lib')!.openChanges.enabled, false);
    assert.equal(tree.details('/app/same'), undefined);
  });
});

describe('compare protocol guard', () => {
  test('well-formed messages pass; malformed ones do not', () => {
    assert.ok(parseFromCompareWebview({ kind: 'children', id: 1, query: { sort: 'name' }, dir: '/', depth: 0 }));
    assert.ok(parseFromCompareWebview({ kind: 'filter', id: 2, query: { sort: 'size' }, filter: { text: 'x', kinds: ['added', 'type'], minSize: 0 } }));
    assert.ok(parseFromCompareWebview({ kind: 'openSide', path: '/a', side: 'b' }));
    assert.equal(parseFromCompareWebview({ kind: 'children', id: 1, query: { sort: 'evil' }, dir: '/', depth: 0 }), undefined);
    assert.equal(parseFromCompareWebview({ kind: 'filter', id: 2, query: { sort: 'name' }, filter: { text: 'x', kinds: ['deleted'], minSize: 0 } }), undefined);
    assert.equal(parseFromCompareWebview({ kind: 'openChanges', path: 'relative' }), undefined);
    assert.equal(parseFromCompareWebview({ kind: 'openSide', path: '/a', side: 'c' }), undefined);
    assert.equal(parseFromCompareWebview({ kind: 'details', id: -1, path: '/a' }), undefined);
    assert.equal(parseFromCompareWebview('ready'), undefined);
  });
});

describe('Compare with…: the quick pick', () => {
  const day = 86_400;
  const images = [
    { id: 'sha256:cur', repoTags: ['app:2', 'app:latest'], created: 10 * day, size: 1 },
    { id: 'sha256:one', repoTags: ['app:1'], created: 5 * day, size: 1 },
    { id: 'sha256:old', repoTags: [], created: 8 * day, size: 1 },
    { id: 'sha256:older', repoTags: ['<none>:<none>'], created: 2 * day, size: 1 },
    { id: 'sha256:new-untagged', repoTags: [], created: 9 * day, size: 1 },
    { id: 'sha256:zzz', repoTags: ['other:1'], created: 1 * day, size: 1 },
  ];
  test('the same repository first, then previous builds (remembered, then untagged newest first), then the rest', () => {
    const groups = comparePicks({ id: 'sha256:cur', tags: ['app:2'] }, images, ['sha256:old'], 11 * day * 1000);
    assert.deepEqual(
      groups.map((g) => [g.title, g.picks.map((p) => p.ref)]),
      [
        ['Same repository', ['sha256:one']],
        ['Previous builds', ['sha256:old', 'sha256:new-untagged', 'sha256:older']],
        ['Other images', ['sha256:zzz']],
      ],
    );
    assert.match(groups[1].picks[0].description, /^previous build · /);
  });
  test('the image itself is never offered, and a port is not a tag', () => {
    const groups = comparePicks({ id: 'sha256:one', tags: ['app:1'] }, images, [], 0);
    assert.ok(groups.every((g) => g.picks.every((p) => p.ref !== 'sha256:one')));
    assert.equal(repositoryOf('registry:5000/app:1.2'), 'registry:5000/app');
    assert.equal(repositoryOf('registry:5000/app'), 'registry:5000/app');
  });
  test('the images of the Remote group come as their own group, by digest reference, without the subject', () => {
    const remote = (label: string, digit: string, multiPlatform?: boolean) => ({
      ref: `registry://127.0.0.1:5101/${label.split(':')[0]}@sha256:${digit.repeat(64)}`,
      label: `127.0.0.1:5101/${label}`,
      platform: 'linux/arm64',
      compressedSize: 2048,
      layerCount: 1,
      openedAt: 0,
      multiPlatform,
    });
    const remotes = [remote('app:3', 'a'), remote('base:1', 'b', true)];
    assert.deepEqual(remoteComparePicks(remotes[0].ref, remotes), [
      { title: 'Remote images', picks: [{ label: '127.0.0.1:5101/base:1 (linux/arm64)', description: describeRemoteImage(remotes[1]), ref: remotes[1].ref, name: '127.0.0.1:5101/base:1' }] },
    ]);
    assert.equal(remoteComparePicks('sha256:cur', remotes)[0].picks.length, 2);
    assert.deepEqual(remoteComparePicks(remotes[0].ref, [remotes[0]]), []);
  });
});

describe('previous builds', () => {
  test('a tag that moves remembers the image before, most recent first, never the current one', () => {
    let memory = rememberListing(emptyMemory(), { 'app:1': 'sha256:v1', 'db:1': 'sha256:d' });
    assert.equal(previousBuildOf(memory, 'app:1'), undefined);
    memory = rememberListing(memory, { 'app:1': 'sha256:v2', 'db:1': 'sha256:d' });
    assert.equal(previousBuildOf(memory, 'app:1'), 'sha256:v1');
    memory = rememberListing(memory, { 'app:1': 'sha256:v3' });
    assert.deepEqual(memory.previous['app:1'], ['sha256:v2', 'sha256:v1']);
    // Back to an earlier image: that one is current, so the previous build is the one it replaced.
    memory = rememberListing(memory, { 'app:1': 'sha256:v1' });
    assert.equal(previousBuildOf(memory, 'app:1'), 'sha256:v3');
    assert.equal(previousBuildOf(memory, 'db:1'), undefined);
  });
  test('the listing and the stored state are read defensively', () => {
    assert.deepEqual(tagsOfListing([{ Id: 'sha256:a', RepoTags: ['x:1', '<none>:<none>'] }, { Id: 'sha256:b', RepoTags: null }]), { 'x:1': 'sha256:a' });
    assert.deepEqual(parseMemory(undefined), emptyMemory());
    assert.deepEqual(parseMemory({ tags: { a: 'sha256:1', b: 7 }, previous: { a: ['sha256:0', 3] } }), { tags: { a: 'sha256:1' }, previous: { a: ['sha256:0'] } });
  });
});

describe('since the previous build', () => {
  // A (previous) → B (linked): step 0 the same layer, ENV added (no layer), step 2 a new RUN.
  const steps = compareImages(A, B).steps;
  test('a step with the same layer, a changed one and a new one', () => {
    assert.equal(sinceBuildText(steps, 0), 'same layer as the previous build');
    assert.equal(sinceBuildText(steps, 1), undefined, 'ENV makes no layer');
    // B's RUN layer: config.txt 20 + run.sh 10 + b.so 300 + c.txt 1 bytes, and no RUN in A.
    assert.equal(sinceBuildText(steps, 2), '+331 B since the previous build (a new step)');
    assert.equal(sinceBuildBytes(steps, 2), 331);
    assert.equal(sinceBuildBytes(steps, 0), 0);
  });
  test('a matched step whose layer shrank reads negative', () => {
    const shrunk = [{ status: 'changed' as const, a: { index: 3, instruction: 'RUN x', layer: 1, diffId: 'd1', size: 5_000 }, b: { index: 4, instruction: 'RUN x', layer: 1, diffId: 'd2', size: 2_000 } }];
    assert.equal(sinceBuildText(shrunk, 4), '−3.0 kB since the previous build');
    assert.equal(sinceBuildText(shrunk, 3), undefined, 'the index is the linked image’s');
  });
});

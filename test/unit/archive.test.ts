import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readImageFromPath, readImageTar } from '../../src/core/archive/archiveReader';
import { LayerlensError } from '../../src/core/errors';
import { buildImageArchive, type Layout, type TestImage } from '../support/imageBuilder';
import { buildTar, sha256, zstdStored, type TarMember } from '../support/tarBuilder';
import { chunked, rejectsWith } from './helpers';

const LAYOUTS: Layout[] = ['legacy', 'oci', 'oci-index-only', 'podman'];

const testImage: TestImage = {
  layers: [
    [{ name: 'bin/', type: 'dir' }, { name: 'bin/sh', content: 'shell', mode: 0o755 }, { name: 'etc/', type: 'dir' }, { name: 'etc/conf', content: 'one' }],
    [{ name: 'etc/', type: 'dir' }, { name: 'etc/conf', content: 'two' }, { name: 'etc/.wh.gone' }],
    [{ name: 'app/', type: 'dir' }, { name: 'app/main', content: 'main' }],
  ],
  history: [{ created_by: '/bin/sh -c #(nop) ADD file:x in / ' }, { created_by: 'ENV A=1', empty_layer: true }, { created_by: 'RUN /bin/sh -c echo # buildkit' }, { created_by: 'COPY main /app/ # buildkit' }],
  tags: ['example/app:1.0'],
};

/** Rebuilds an archive from some of its members (to drop or replace one). */
function rearchive(files: Map<string, Buffer>, change: (name: string, content: Buffer) => Buffer | undefined): Buffer {
  const members: TarMember[] = [];
  for (const [name, content] of files) {
    const kept = change(name, content);
    if (kept) members.push({ name, content: kept });
  }
  return buildTar(members);
}

const read = (archive: Buffer, options: Parameters<typeof readImageTar>[1] = {}) => readImageTar(chunked(archive, 100_000), options);

describe('readImageTar: layouts', () => {
  for (const layout of LAYOUTS) {
    for (const metadataFirst of [true, false]) {
      test(`${layout}, metadata ${metadataFirst ? 'first' : 'last'}`, async () => {
        const built = buildImageArchive(testImage, layout, { metadataFirst });
        const data = await read(built.archive);
        assert.deepEqual(data.layers.map((l) => l.diffId), built.diffIds, 'layers in diff_ids order');
        assert.deepEqual(data.layers.map((l) => l.entries.map((e) => e.path)), [['/bin', '/bin/sh', '/etc', '/etc/conf'], ['/etc', '/etc/conf'], ['/app', '/app/main']]);
        assert.deepEqual(data.layers[1].whiteouts, ['/etc/gone']);
        assert.deepEqual(data.repoTags, ['example/app:1.0']);
        assert.equal(data.configDigest, built.configDigest);
        assert.equal(data.id, built.configDigest);
        assert.deepEqual(data.config.rootfs?.diff_ids, built.diffIds);
        assert.equal(data.config.history?.length, 4);
        if (layout === 'oci' || layout === 'oci-index-only') assert.match(data.manifestDigest ?? '', /^sha256:[0-9a-f]{64}$/);
      });
    }
  }

  test('an untagged legacy image has no tags', async () => {
    const data = await read(buildImageArchive({ layers: testImage.layers }, 'legacy').archive);
    assert.deepEqual(data.repoTags, []);
  });

  test('legacy save of a repeated layer: the second copy is a symlink to the first', async () => {
    // moby image/tarexport/save.go (Engine < 25) writes `<id>/layer.tar` as a relative symlink when the diffID was saved already.
    const content = buildTar([{ name: 'f', content: 'data' }]);
    const empty = buildTar([]); // what a RUN that changes nothing commits
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256(content), sha256(empty), sha256(empty)] } }));
    const archive = buildTar([
      { name: 'id1/layer.tar', content },
      { name: 'id2/layer.tar', content: empty },
      { name: 'id3/layer.tar', type: 'symlink', linkname: '../id2/layer.tar' },
      { name: 'cfg.json', content: config },
      { name: 'manifest.json', content: JSON.stringify([{ Config: 'cfg.json', RepoTags: ['x:1'], Layers: ['id1/layer.tar', 'id2/layer.tar', 'id3/layer.tar'] }]) },
    ]);
    const data = await read(archive);
    assert.deepEqual(data.layers.map((l) => l.diffId), [sha256(content), sha256(empty), sha256(empty)]);
    // A link to a member that is not there is still a missing layer.
    const broken = buildTar([
      { name: 'id1/layer.tar', content },
      { name: 'id2/layer.tar', type: 'symlink', linkname: '../nowhere/layer.tar' },
      { name: 'cfg.json', content: Buffer.from(JSON.stringify({ rootfs: { diff_ids: [sha256(content), sha256(content)] } })) },
      { name: 'manifest.json', content: JSON.stringify([{ Config: 'cfg.json', Layers: ['id1/layer.tar', 'id2/layer.tar'] }]) },
    ]);
    await rejectsWith(read(broken), 'corrupt', /lacks layer id2\/layer\.tar/);
  });

  for (const compression of ['gzip', 'zstd'] as const) {
    test(`${compression} layer blobs (oci and oci-index-only)`, async () => {
      for (const layout of ['oci', 'oci-index-only'] as const) {
        const built = buildImageArchive({ ...testImage, compression }, layout);
        const data = await read(built.archive);
        assert.deepEqual(data.layers.map((l) => l.diffId), built.diffIds, layout);
        assert.equal(data.layers[2].entries[1].size, 4);
      }
    });
  }

  for (const [name, wrap] of [
    ['gzip', gzipSync],
    ['zstd', zstdStored],
  ] as const) {
    test(`a whole archive compressed with ${name}`, async () => {
      const built = buildImageArchive(testImage, 'oci');
      const data = await read(wrap(built.archive));
      assert.deepEqual(data.layers.map((l) => l.diffId), built.diffIds);
    });
  }
});

describe('readImageTar: platforms', () => {
  test('the multi-platform index picks linux/amd64, not the absent arm64 nor the attestation', async () => {
    const built = buildImageArchive(testImage, 'oci-index-only');
    for (const platform of [undefined, { os: 'linux', architecture: 'amd64' }]) {
      const data = await read(built.archive, { platform });
      assert.deepEqual(data.layers.map((l) => l.diffId), built.diffIds);
      assert.deepEqual(data.repoTags, ['example/app:1.0']); // from the index's io.containerd.image.name
    }
  });

  test('the platform option chooses among the platforms the archive holds; attestations are skipped', async () => {
    // Two single-platform OCI images merged into one index, with a BuildKit attestation listed first.
    const amd = buildImageArchive({ layers: [[{ name: 'amd64', content: 'x86' }]] }, 'oci');
    const arm = buildImageArchive({ layers: [[{ name: 'arm64', content: 'arm' }]] }, 'oci');
    const manifestOf = (b: typeof amd) => JSON.parse(b.files.get('index.json')!.toString()).manifests[0] as { digest: string };
    const attestation = Buffer.from(JSON.stringify({ schemaVersion: 2, config: { digest: amd.configDigest }, layers: [] }));
    const index = {
      schemaVersion: 2,
      manifests: [
        // Even with a matching platform, an attestation manifest is never the image.
        { digest: sha256(attestation), platform: { os: 'linux', architecture: 'amd64' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } },
        { ...manifestOf(amd), platform: { os: 'linux', architecture: 'amd64' } },
        { ...manifestOf(arm), platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
      ],
    };
    const files = new Map<string, Buffer>([...amd.files, ...arm.files]);
    files.delete('manifest.json');
    files.set('index.json', Buffer.from(JSON.stringify(index)));
    files.set('blobs/sha256/' + sha256(attestation).slice(7), attestation);
    const archive = rearchive(files, (_n, c) => c);

    const onArm = await read(archive, { platform: { os: 'linux', architecture: 'arm64' } });
    assert.deepEqual(onArm.layers.map((l) => l.diffId), arm.diffIds);
    const onArmV8 = await read(archive, { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } });
    assert.deepEqual(onArmV8.layers.map((l) => l.diffId), arm.diffIds);
    const onAmd = await read(archive, { platform: { os: 'linux', architecture: 'amd64' } });
    assert.deepEqual(onAmd.layers.map((l) => l.diffId), amd.diffIds);
    assert.deepEqual(onAmd.layers[0].entries.map((e) => e.path), ['/amd64']);
  });
});

describe('readImageTar: errors', () => {
  const built = buildImageArchive(testImage, 'legacy');
  const layerName = [...built.files.keys()].find((n) => n.endsWith('/layer.tar'))!;

  test('empty input', async () => {
    await rejectsWith(readImageTar(chunked(Buffer.alloc(0))), 'bad-input', /^The archive is empty/);
  });

  test('random bytes are not a tar', async () => {
    const junk = randomBytes(10_000);
    junk[0] = 0x41;
    await rejectsWith(read(junk), 'bad-input', /^The archive is not a tar archive/);
  });

  test('a zip file', async () => {
    const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), randomBytes(600)]);
    await rejectsWith(read(zip, { label: 'archive ./image.zip' }), 'bad-input', /^Archive \.\/image\.zip is a zip file/);
  });

  test('an archive missing a layer', async () => {
    const archive = rearchive(built.files, (name, c) => (name === layerName ? undefined : c));
    await rejectsWith(read(archive), 'corrupt', /lacks layer .*layer\.tar/);
  });

  test('a layer whose content does not match its diffID', async () => {
    const archive = rearchive(built.files, (name, c) => (name === layerName ? buildTar([{ name: 'evil', content: 'not the layer' }]) : c));
    await rejectsWith(read(archive), 'corrupt', /does not match its digest sha256:/);
  });

  test('an archive without manifest.json or index.json', async () => {
    const archive = rearchive(built.files, (name, c) => (name === 'manifest.json' ? undefined : c));
    await rejectsWith(read(archive), 'bad-input', /neither manifest\.json nor index\.json/);
  });

  test('a truncated archive, cut in a layer or in the metadata', async () => {
    for (const metadataFirst of [true, false]) {
      const { archive } = buildImageArchive({ layers: [[{ name: 'big', content: randomBytes(50_000) }], [{ name: 'b', content: 'b' }]] }, 'oci', { metadataFirst });
      for (const cut of [0.3, 0.6, 0.95]) {
        const error = await rejectsWith(read(archive.subarray(0, Math.floor(archive.length * cut))), 'corrupt', /truncated|incomplete/);
        assert.ok(error instanceof LayerlensError);
      }
    }
  });

  test('a truncated gzip archive', async () => {
    const gz = gzipSync(built.archive);
    await rejectsWith(read(gz.subarray(0, gz.length - 100)), 'corrupt', /truncated/);
  });

  test('an AbortSignal already aborted rejects as cancelled', async () => {
    await rejectsWith(read(built.archive, { signal: AbortSignal.abort() }), 'cancelled', /Cancelled/);
  });

  test('aborting while reading stops with "cancelled"', async () => {
    const big = buildImageArchive({ layers: [[{ name: 'big', content: randomBytes(5 * 1024 * 1024) }]] }, 'oci');
    const controller = new AbortController();
    await rejectsWith(
      readImageTar(chunked(big.archive, 1024 * 1024), { signal: controller.signal, onProgress: () => controller.abort() }),
      'cancelled',
      /Cancelled/,
    );
  });
});

describe('readImageTar: progress', () => {
  test('reports increasing byte counts ending at the archive size', async () => {
    const built = buildImageArchive({ layers: [[{ name: 'big', content: randomBytes(10 * 1024 * 1024) }]] }, 'oci');
    const reports: [number, number][] = [];
    await readImageTar(chunked(built.archive, 1024 * 1024), { expectedBytes: built.archive.length, onProgress: (done, expected) => reports.push([done, expected]) });
    assert.ok(reports.length >= 3, `only ${reports.length} reports`);
    for (let i = 1; i < reports.length; i++) assert.ok(reports[i][0] > reports[i - 1][0], `not increasing: ${JSON.stringify(reports)}`);
    assert.deepEqual(reports.at(-1), [built.archive.length, built.archive.length]);
    assert.ok(reports.every(([, expected]) => expected === built.archive.length));
  });
});

describe('readImageFromPath', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'layerlens-archive-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  function writeLayout(dir: string, files: Map<string, Buffer>): void {
    for (const [name, content] of files) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), content);
    }
  }

  test('an OCI layout directory', async () => {
    const built = buildImageArchive({ ...testImage, compression: 'gzip' }, 'oci-index-only');
    const dir = join(root, 'layout');
    writeLayout(dir, built.files);
    const reports: number[] = [];
    const data = await readImageFromPath(dir, { onProgress: (done) => reports.push(done) });
    assert.deepEqual(data.layers.map((l) => l.diffId), built.diffIds);
    assert.equal(data.configDigest, built.configDigest);
    const total = [...built.files].filter(([n]) => n === 'index.json' || n.startsWith('blobs/')).reduce((s, [, c]) => s + c.length, 0);
    assert.equal(reports.at(-1), total);
  });

  test('an archive file', async () => {
    const built = buildImageArchive(testImage, 'podman');
    const path = join(root, 'image.tar');
    writeFileSync(path, built.archive);
    const data = await readImageFromPath(path);
    assert.deepEqual(data.layers.map((l) => l.diffId), built.diffIds);
  });

  test('a directory that is no OCI layout', async () => {
    const dir = join(root, 'plain');
    mkdirSync(dir);
    writeFileSync(join(dir, 'readme.txt'), 'hello');
    await rejectsWith(readImageFromPath(dir), 'bad-input', /not an OCI image layout/);
  });

  test('a missing path is "not-found"', async () => {
    await rejectsWith(readImageFromPath(join(root, 'nope.tar')), 'not-found', /There is no file or directory .*nope\.tar/);
  });

  test('an already aborted signal on a directory is "cancelled"', async () => {
    const dir = join(root, 'layout2');
    writeLayout(dir, buildImageArchive(testImage, 'oci').files);
    await rejectsWith(readImageFromPath(dir, { signal: AbortSignal.abort() }), 'cancelled', /Cancelled/);
  });
});

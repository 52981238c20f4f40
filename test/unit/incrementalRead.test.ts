// A rebuild read with its lower layers cached: members holding cached layers are drained unread, the read
// stops once the new layer and the config have passed, and the model equals a cold read's — in every member
// order and layout; a planted wrong member → diffID fact is caught and changes nothing.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readImageTar, readImageTarReporting } from '../../src/core/archive/archiveReader';
import { readImageIncrementally } from '../../src/core/archive/incrementalRead';
import { worthHashingReadLayers, type KnownLayers } from '../../src/core/archive/knownLayers';
import type { ImageData, LayerIndex } from '../../src/core/model/types';
import { buildImageArchive, type BuiltImage, type Layout, type TestImage } from '../support/imageBuilder';
import { buildTar, type LayerCompression, type TarMember } from '../support/tarBuilder';
import { chunked, rejectsWith } from './helpers';

const baseLayers: TarMember[][] = [
  [{ name: 'bin/', type: 'dir' }, { name: 'bin/sh', content: 'shell', mode: 0o755 }, { name: 'etc/', type: 'dir' }, { name: 'etc/conf', content: 'one' }],
  [{ name: 'etc/', type: 'dir' }, { name: 'etc/conf', content: 'two' }, { name: 'etc/.wh.gone' }],
  [{ name: 'app/', type: 'dir' }, { name: 'app/main', content: 'main'.repeat(5000) }],
];
const newLayer: TarMember[] = [{ name: 'app/', type: 'dir' }, { name: 'app/rebuilt', content: 'a new top layer' }];

const VARIANTS: { layout: Layout; compression: LayerCompression; name: string }[] = [
  { layout: 'legacy', compression: 'none', name: 'legacy (<id>/layer.tar, by recorded facts)' },
  { layout: 'oci', compression: 'none', name: 'OCI, uncompressed blobs (named by diffID)' },
  { layout: 'oci', compression: 'gzip', name: 'OCI, gzip blobs (containerd store, by recorded facts)' },
  { layout: 'podman', compression: 'none', name: 'Podman (<diffID>.tar)' },
];

type Order = 'metadata first' | 'metadata last' | 'digest order' | 'new layer first';
const ORDERS: Order[] = ['metadata first', 'metadata last', 'digest order', 'new layer first'];

function build(layout: Layout, compression: LayerCompression, layers: TarMember[][]): BuiltImage {
  const image: TestImage = { layers, compression, tags: ['example/app:1'] };
  return buildImageArchive(image, layout, { metadataFirst: true });
}

/** The archive's members in the given order (built.files is metadata first, then layers base first). */
function archiveIn(built: BuiltImage, order: Order, newLayerMember?: string): Buffer {
  let members = [...built.files];
  if (order === 'metadata last') members = [...members.filter(([n]) => isLayer(built, n)), ...members.filter(([n]) => !isLayer(built, n))];
  if (order === 'digest order') members.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (order === 'new layer first') members = [...members.filter(([n]) => !isLayer(built, n)), ...members.filter(([n]) => n === newLayerMember), ...members.filter(([n]) => isLayer(built, n) && n !== newLayerMember)];
  return buildTar(members.map(([name, content]) => ({ name, content })));
}

function isLayer(built: BuiltImage, name: string): boolean {
  return name.endsWith('layer.tar') || /^[a-f0-9]{64}\.tar$/.test(name) || (name.startsWith('blobs/') && !looksLikeJson(built.files.get(name)!));
}

function looksLikeJson(content: Buffer): boolean {
  return content[0] === 0x7b || content[0] === 0x5b;
}

/** The member that holds the new (top) layer of the rebuild. */
function newLayerMemberOf(base: BuiltImage, rebuilt: BuiltImage): string {
  const baseNames = new Set(base.files.keys());
  const candidates = [...rebuilt.files.keys()].filter((n) => isLayer(rebuilt, n) && !baseNames.has(n));
  assert.equal(candidates.length, 1, 'exactly one new layer member');
  return candidates[0];
}

const READ = { verifyDiffIds: false } as const;

async function readBase(base: BuiltImage, facts: Map<string, string>): Promise<ImageData> {
  const known: KnownLayers = { diffIds: base.diffIds, cached: new Map(), lookupFact: async (m) => facts.get(m) };
  const { data, report } = await readImageTarReporting(chunked(base.archive, 4096), { ...READ, known });
  for (const [member, diffId] of report.learnedFacts) facts.set(member, diffId);
  return data;
}

function knownFor(rebuilt: BuiltImage, cold: ImageData, cachedFrom: ImageData, facts: Map<string, string>): KnownLayers {
  const cached = new Map<string, LayerIndex>(cachedFrom.layers.map((l) => [l.diffId, l]));
  return { diffIds: rebuilt.diffIds, cached, lookupFact: async (m) => facts.get(m), imageId: cold.manifestDigest ?? cold.configDigest };
}

for (const { layout, compression, name } of VARIANTS) {
  describe(`incremental read: ${name}`, () => {
    const base = build(layout, compression, baseLayers);
    const rebuilt = build(layout, compression, [...baseLayers, newLayer]);
    const newMember = newLayerMemberOf(base, rebuilt);

    for (const order of ORDERS) {
      test(`${order}: cached layers are skipped unread, the model equals a cold read's`, async () => {
        const archive = archiveIn(rebuilt, order, newMember);
        const cold = await readImageTar(chunked(archive, 4096), READ);
        const facts = new Map<string, string>();
        const baseData = await readBase(base, facts);
        const known = knownFor(rebuilt, cold, baseData, facts);
        const { data, report } = await readImageTarReporting(chunked(archive, 4096), { ...READ, known });
        assert.deepEqual(data.layers, cold.layers, 'layer for layer');
        assert.deepEqual(data.config, cold.config);
        assert.equal(data.configDigest, cold.configDigest);
        assert.equal(data.manifestDigest, cold.manifestDigest);
        assert.equal(report.indexedMembers, 1, 'only the new layer was parsed');
        assert.ok(report.bytesRead <= archive.length);
        assert.deepEqual(report.learnedFacts.map(([m]) => m), layout === 'legacy' || compression === 'gzip' ? [newMember] : [], 'a fact is learned for the new member when its name is not its diffID');
        if (order === 'new layer first') {
          assert.equal(report.abandoned, true, 'stopped once the new layer had passed');
          assert.equal(report.skippedMembers, 0, 'the cached layers never reached the reader');
        }
        if (order === 'metadata first' || order === 'metadata last') {
          // Every base layer passes before the new one (or before the config): each was drained unread.
          assert.equal(report.skippedMembers, baseLayers.length);
        }
      });
    }

    test('the cache holds every layer but not the image: only the metadata is read', async () => {
      const archive = archiveIn(rebuilt, 'metadata first');
      const cold = await readImageTar(chunked(archive, 4096), READ);
      const known = knownFor(rebuilt, cold, cold, new Map());
      const { data, report } = await readImageTarReporting(chunked(archive, 4096), { ...READ, known });
      assert.deepEqual(data.layers, cold.layers);
      assert.equal(report.indexedMembers, 0);
      assert.equal(report.abandoned, true);
    });
  });
}

describe('incremental read: only a small base is cached', () => {
  for (const { layout, compression, name } of VARIANTS) {
    test(`${name}: the layers read are not hashed; the model and the facts learned equal a hashed read's`, async () => {
      const base = build(layout, compression, baseLayers);
      const rebuilt = build(layout, compression, [...baseLayers, newLayer]);
      const archive = archiveIn(rebuilt, 'metadata last', newLayerMemberOf(base, rebuilt));
      const cold = await readImageTar(chunked(archive, 4096), READ);
      const facts = new Map<string, string>();
      const baseData = await readBase(base, facts);
      const hashed = knownFor(rebuilt, cold, baseData, facts);
      const cachedBytes = baseData.layers.reduce((sum, l) => sum + l.tarBytes, 0);
      // The engine says the image is far bigger than what is cached: hashing would not pay.
      const small = { ...hashed, imageBytes: cachedBytes * 100 };
      assert.equal(worthHashingReadLayers(hashed), true, 'no size known: hash, as before');
      assert.equal(worthHashingReadLayers(small), false);
      assert.equal(worthHashingReadLayers({ ...hashed, imageBytes: cachedBytes * 2 }), true, 'half the image cached: hash');
      const withHash = await readImageTarReporting(chunked(archive, 4096), { ...READ, known: hashed });
      const without = await readImageTarReporting(chunked(archive, 4096), { ...READ, known: small });
      assert.deepEqual(without.data.layers, cold.layers, 'layer for layer');
      assert.equal(without.data.manifestDigest, cold.manifestDigest);
      assert.deepEqual(without.report.learnedFacts, withHash.report.learnedFacts);
      assert.equal(without.report.indexedMembers, 1);
      assert.equal(without.report.hashedMembers, 0, 'nothing hashed');
      const namedByDiffId = layout === 'podman' || (layout === 'oci' && compression === 'none');
      assert.equal(withHash.report.hashedMembers, namedByDiffId ? 0 : 1, 'a blob named by its diffID is known without a hash');
    });
  }
});

describe('incremental read: the source is abandoned', () => {
  // Much bigger than the reader's 4 MiB read-ahead, so that stopping early shows in the bytes read.
  const bigLayer: TarMember[] = [{ name: 'big.bin', content: randomBytes(40 * 1024 * 1024) }];
  for (const { layout, compression, name } of VARIANTS) {
    test(`${name}: the source is destroyed once the new layer has passed`, async () => {
      const base = build(layout, compression, [...baseLayers, bigLayer]);
      const rebuilt = build(layout, compression, [...baseLayers, bigLayer, newLayer]);
      const newMember = newLayerMemberOf(base, rebuilt);
      const archive = archiveIn(rebuilt, 'new layer first', newMember);
      const facts = new Map<string, string>();
      const baseData = await readBase(base, facts);
      const cold = { ...baseData, manifestDigest: undefined, configDigest: rebuilt.configDigest };
      let destroyed = false;
      const source = chunked(archive, 64 * 1024).on('close', () => (destroyed = true));
      const known = knownFor(rebuilt, cold, baseData, facts);
      delete known.imageId;
      const { data, report } = await readImageTarReporting(source, { ...READ, known });
      assert.equal(report.abandoned, true);
      assert.ok(report.bytesRead < archive.length - 20 * 1024 * 1024, `read ${report.bytesRead} of ${archive.length} bytes`);
      assert.equal(destroyed, true, 'the source was destroyed');
      assert.deepEqual(data.layers.slice(0, 4), baseData.layers);
      assert.equal(data.layers[4].entries.at(-1)?.path, '/app/rebuilt');
    });
  }
});

describe('incremental read: cancel', () => {
  test('aborting while cached layers are skipped cancels the read; it is not taken for an early stop', async () => {
    const base = build('oci', 'gzip', baseLayers);
    const rebuilt = build('oci', 'gzip', [...baseLayers, newLayer]);
    const archive = archiveIn(rebuilt, 'metadata last');
    const cold = await readImageTar(chunked(archive, 4096), READ);
    const facts = new Map<string, string>();
    const baseData = await readBase(base, facts);
    const controller = new AbortController();
    // The user cancels once a tenth of the archive has been read, while the cached layers stream past.
    async function* source(): AsyncGenerator<Buffer> {
      for (let offset = 0; offset < archive.length; offset += 512) {
        if (offset >= archive.length / 10) controller.abort();
        yield archive.subarray(offset, offset + 512);
      }
    }
    const read = readImageIncrementally(async () => source(), knownFor(rebuilt, cold, baseData, facts), { ...READ, signal: controller.signal });
    await rejectsWith(read, 'cancelled', /^Cancelled\.$/);
  });
});

describe('incremental read: wrong recorded facts', () => {
  for (const layout of ['oci', 'legacy'] as Layout[]) {
    const compression: LayerCompression = layout === 'oci' ? 'gzip' : 'none';
    const base = build(layout, compression, baseLayers);
    const rebuilt = build(layout, compression, [...baseLayers, newLayer]);
    const newMember = newLayerMemberOf(base, rebuilt);

    for (const order of ORDERS) {
      test(`${layout}, ${order}: a fact that takes the new layer for a cached one is caught; the read is redone without facts`, async () => {
        const archive = archiveIn(rebuilt, order, newMember);
        const cold = await readImageTar(chunked(archive, 4096), READ);
        const facts = new Map<string, string>();
        const baseData = await readBase(base, facts);
        facts.set(newMember, rebuilt.diffIds[0]); // planted: the new layer's member "holds" the base layer
        let opens = 0;
        const open = async () => {
          opens++;
          return chunked(archive, 4096);
        };
        const { data, report } = await readImageIncrementally(open, knownFor(rebuilt, cold, baseData, facts), READ);
        assert.deepEqual(data.layers, cold.layers);
        assert.deepEqual(data.config, cold.config);
        assert.equal(report.retriedWithoutFacts, true);
        assert.equal(opens, 2);
        assert.deepEqual(report.learnedFacts.find(([m]) => m === newMember), [newMember, rebuilt.diffIds[3]], 'the right fact replaces the wrong one');
      });
    }

    test(`${layout}: a fact that names a layer this image lacks is not used`, async () => {
      const archive = archiveIn(rebuilt, 'metadata first');
      const cold = await readImageTar(chunked(archive, 4096), READ);
      const facts = new Map<string, string>();
      const baseData = await readBase(base, facts);
      facts.set(newMember, 'sha256:' + 'e'.repeat(64));
      const { data, report } = await readImageIncrementally(async () => chunked(archive, 4096), knownFor(rebuilt, cold, baseData, facts), READ);
      assert.deepEqual(data.layers, cold.layers);
      assert.equal(report.retriedWithoutFacts, false);
      assert.equal(report.indexedMembers, 1);
    });
  }

  test('a fact that takes the config blob for a cached layer is caught', async () => {
    const base = build('oci', 'gzip', baseLayers);
    const rebuilt = build('oci', 'gzip', [...baseLayers, newLayer]);
    const archive = archiveIn(rebuilt, 'digest order');
    const cold = await readImageTar(chunked(archive, 4096), READ);
    const facts = new Map<string, string>();
    const baseData = await readBase(base, facts);
    facts.set(`blobs/sha256/${cold.configDigest!.slice(7)}`, rebuilt.diffIds[1]);
    const { data, report } = await readImageIncrementally(async () => chunked(archive, 4096), knownFor(rebuilt, cold, baseData, facts), READ);
    assert.deepEqual(data.layers, cold.layers);
    assert.deepEqual(data.config, cold.config);
    assert.equal(report.retriedWithoutFacts, true);
  });
});

// Finding one file version's bytes in an image archive: every save layout and layer compression, a whole
// gzip'd archive and an OCI layout directory; it stops reading once it has them, accepts only bytes that hash
// to the indexed hash, and keeps older versions it passes on the way.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { LayerFileCollector, scanImageArchive, scanLayerBlob, scanLayoutDirectory } from '../../src/core/archive/archiveFileScan';
import { readImageTar } from '../../src/core/archive/archiveReader';
import { ContentCache } from '../../src/core/model/contentCache';
import { contentHashOf } from '../../src/core/index/contentHash';
import { CancelledError } from '../../src/core/errors';
import { ImageFiles } from '../../src/core/model/imageFiles';
import { ImageModel } from '../../src/core/model/imageModel';
import { buildImageArchive, type Layout } from '../support/imageBuilder';
import { buildTar, type LayerCompression, type TarMember } from '../support/tarBuilder';
import { chunked } from './helpers';

const RAW_NAME = Buffer.concat([Buffer.from('names/latin1-'), Buffer.from([0xe9]), Buffer.from('.txt')]);
const BIG = Buffer.alloc(3 * 1024 * 1024, 'layerlens ');

const LAYERS: TarMember[][] = [
  [
    { name: 'etc/', type: 'dir' },
    { name: 'etc/conf', content: 'version one\n' },
    { name: 'data/', type: 'dir' },
    { name: 'data/old.txt', content: 'deleted later\n' },
    { name: 'data/same-size', content: 'AAAA' },
  ],
  [
    { name: 'etc/conf', content: 'version two!\n' },
    { name: 'names/', type: 'dir' },
    { name: RAW_NAME, content: 'raw name\n' },
    { name: 'data/.wh.old.txt' },
  ],
  // A big last layer: reading stops long before it.
  [{ name: 'big/', type: 'dir' }, { name: 'big/blob.bin', content: BIG }, { name: 'data/same-size', content: 'BBBB' }],
];

async function modelOf(archive: Buffer): Promise<ImageFiles> {
  return new ImageFiles(new ImageModel(await readImageTar(chunked(archive))));
}

/** Yields the archive in chunks, counting what was taken. */
function countingSource(data: Buffer, counter: { bytes: number }, chunk = 16 * 1024): AsyncIterable<Buffer> {
  return (async function* () {
    for (let i = 0; i < data.length; i += chunk) {
      const part = data.subarray(i, i + chunk);
      counter.bytes += part.length;
      yield part;
    }
  })();
}

const CASES: { layout: Layout; compression: LayerCompression; metadataFirst?: boolean }[] = [
  { layout: 'legacy', compression: 'none' },
  { layout: 'legacy', compression: 'none', metadataFirst: true },
  { layout: 'oci', compression: 'none' },
  { layout: 'oci', compression: 'gzip' },
  { layout: 'oci', compression: 'zstd' },
  { layout: 'oci-index-only', compression: 'gzip' },
  { layout: 'podman', compression: 'none' },
];

describe('scanImageArchive', () => {
  for (const c of CASES) {
    test(`${c.layout}, ${c.compression} layers${c.metadataFirst ? ', metadata first' : ''}: an overwritten version, a raw name and a top file`, async () => {
      const { archive } = buildImageArchive({ layers: LAYERS, compression: c.compression }, c.layout, { metadataFirst: c.metadataFirst });
      const files = await modelOf(archive);
      const wanted = [
        [0, '/etc/conf', 'version one\n'],
        [2, '/etc/conf', 'version two!\n'],
        [1, '/names/latin1-\udce9.txt', 'raw name\n'],
        [0, '/data/old.txt', 'deleted later\n'],
        [0, '/data/same-size', 'AAAA'],
      ] as const;
      for (const [layer, path, content] of wanted) {
        const location = files.locate(layer, path);
        const collector = new LayerFileCollector(location);
        await scanImageArchive(chunked(archive, 4096), collector);
        assert.equal(collector.result?.toString(), content, `${path} at layer ${layer}`);
        assert.equal(contentHashOf(collector.result!), location.hash, 'the scanner\'s hash is the indexer\'s');
      }
    });
  }

  test('it stops reading once the layer with the bytes is read (the 3 MiB layer after it is never read)', async () => {
    const { archive } = buildImageArchive({ layers: LAYERS }, 'oci');
    const files = await modelOf(archive);
    const counter = { bytes: 0 };
    const collector = new LayerFileCollector(files.locate(0, '/etc/conf'));
    await scanImageArchive(countingSource(archive, counter), collector);
    assert.equal(collector.result?.toString(), 'version one\n');
    assert.ok(counter.bytes < archive.length / 10, `read ${counter.bytes} of ${archive.length} bytes`);
  });

  test('bytes that do not hash to the indexed hash are refused, whatever their path and size', async () => {
    const { archive } = buildImageArchive({ layers: LAYERS }, 'legacy');
    const files = await modelOf(archive);
    const location = { ...files.locate(2, '/data/same-size'), hash: contentHashOf(Buffer.from('CCCC')) };
    const counter = { bytes: 0 };
    const collector = new LayerFileCollector(location);
    await scanImageArchive(countingSource(archive, counter), collector);
    assert.equal(collector.result, undefined);
    assert.equal(counter.bytes, archive.length, 'it looked everywhere');
  });

  test('older versions passed on the way are kept, within their budget', async () => {
    const { archive } = buildImageArchive({ layers: LAYERS }, 'oci');
    const files = await modelOf(archive);
    const older = files.olderVersions(1024);
    assert.equal(older.size, 3, 'etc/conf v1, data/old.txt, data/same-size v1');
    const collector = new LayerFileCollector(files.locate(1, '/names/latin1-\udce9.txt'), { extras: older });
    await scanImageArchive(chunked(archive), collector);
    const found = new Map([...collector.found].map(([hash, bytes]) => [hash, bytes.toString()]));
    assert.equal(found.get(files.locate(0, '/etc/conf').hash), 'version one\n');
    assert.equal(found.get(files.locate(0, '/data/old.txt').hash), 'deleted later\n');
    const cache = new ContentCache();
    for (const [hash, bytes] of collector.found) cache.set(hash, bytes);
    assert.equal(cache.size.items, 4);

    const stingy = new LayerFileCollector(files.locate(1, '/names/latin1-\udce9.txt'), { extras: older, extrasBudget: 0 });
    await scanImageArchive(chunked(archive), stingy);
    assert.equal(stingy.found.size, 1, 'no budget, no extras');
  });

  test('a whole archive compressed with gzip (a saved .tar.gz)', async () => {
    const { archive } = buildImageArchive({ layers: LAYERS }, 'legacy');
    const files = await modelOf(archive);
    const collector = new LayerFileCollector(files.locate(0, '/etc/conf'));
    await scanImageArchive(chunked(gzipSync(archive)), collector);
    assert.equal(collector.result?.toString(), 'version one\n');
  });

  test('a cancelled scan stops with CancelledError', async () => {
    const { archive } = buildImageArchive({ layers: LAYERS }, 'oci');
    const files = await modelOf(archive);
    const abort = new AbortController();
    const slow = (async function* () {
      for (let i = 0; i < archive.length; i += 1024) {
        if (i === 8 * 1024) abort.abort();
        yield archive.subarray(i, i + 1024);
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    await assert.rejects(scanImageArchive(slow, new LayerFileCollector(files.locate(2, '/data/same-size')), { signal: abort.signal }), CancelledError);
  });
});

describe('scanLayoutDirectory', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  test('reads the blobs of an OCI layout directory until it has the bytes', async () => {
    const built = buildImageArchive({ layers: LAYERS, compression: 'gzip' }, 'oci');
    const dir = mkdtempSync(join(tmpdir(), 'layerlens-scan-'));
    dirs.push(dir);
    for (const [name, content] of built.files) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), content);
    }
    const files = await modelOf(built.archive);
    const collector = new LayerFileCollector(files.locate(1, '/names/latin1-\udce9.txt'));
    await scanLayoutDirectory(dir, collector);
    assert.equal(collector.result?.toString(), 'raw name\n');
  });
});

describe('ContentCache', () => {
  test('keeps the most recently used bytes within its bounds', () => {
    const cache = new ContentCache({ maxBytes: 10, maxItemBytes: 6 });
    assert.equal(cache.set('a', new Uint8Array(4)), true);
    assert.equal(cache.set('b', new Uint8Array(4)), true);
    assert.ok(cache.get('a'), 'a is now the most recent');
    cache.set('c', new Uint8Array(4));
    assert.equal(cache.has('b'), false, 'b, least recently used, went');
    assert.ok(cache.has('a') && cache.has('c'));
    assert.equal(cache.set('big', new Uint8Array(7)), false, 'too big to keep');
    assert.deepEqual(cache.size, { items: 2, bytes: 8 });
  });
});

describe('one layer blob (a registry download)', () => {
  const wanted = Buffer.from('the wanted file\n');
  const layerTar = buildTar([
    { name: 'etc/', type: 'dir' },
    { name: 'etc/wanted.txt', content: wanted },
    // Random bytes: gzip cannot shrink them, so stopping early shows in the bytes pulled.
    { name: 'opt/big.bin', content: randomBytes(1024 * 1024) },
  ]);
  for (const [name, blob] of [
    ['uncompressed', layerTar],
    ['gzip', gzipSync(layerTar)],
  ] as const) {
    test(`${name}: read only as far as the file, then the download is let go`, async () => {
      let pulled = 0;
      let closed = false;
      async function* download(): AsyncGenerator<Buffer> {
        try {
          for (let i = 0; i < blob.length; i += 16 * 1024) {
            pulled += Math.min(16 * 1024, blob.length - i);
            yield blob.subarray(i, i + 16 * 1024);
          }
        } finally {
          closed = true;
        }
      }
      const collector = new LayerFileCollector({ hash: contentHashOf(wanted), size: wanted.length, path: '/etc/wanted.txt' });
      await scanLayerBlob(download(), collector);
      assert.ok(collector.result?.equals(wanted));
      assert.ok(pulled < blob.length / 2, `pulled ${pulled} of ${blob.length} bytes`);
      assert.ok(closed, 'the source was closed (return() called)');
    });
  }
});

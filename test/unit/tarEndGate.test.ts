// A layer's tar ends at its end-of-archive marker (two zero blocks), as Go's archive/tar reads it: what an
// eStargz writer puts after the marker (its TOC entry) is no file, but the diffID still covers every byte.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LayerFileCollector } from '../../src/core/archive/archiveFileScan';
import { contentHashOf } from '../../src/core/index/contentHash';
import { sniff } from '../../src/core/archive/sniff';
import { buildTar, compress, sha256, type LayerCompression } from '../support/tarBuilder';
import { chunked, indexBlob } from './helpers';

const files = [{ name: 'README.md', content: 'hello' }, { name: 'etc/', type: 'dir' as const }, { name: 'etc/a', content: 'x'.repeat(700) }];

/** A tar with another member after its end-of-archive marker, like an eStargz layer's stargz.index.json. */
function tarWithTrailer(trailerName = 'stargz.index.json'): Buffer {
  const main = buildTar(files); // ends with two zero blocks
  const trailer = buildTar([{ name: trailerName, content: '{"version":1,"entries":[]}' }]);
  return Buffer.concat([main, trailer]);
}

describe('the end-of-archive marker ends a layer', () => {
  for (const compression of ['none', 'gzip', 'zstd'] as LayerCompression[]) {
    test(`members after the marker are not files, the diffID hashes them too (${compression})`, async () => {
      const tar = tarWithTrailer();
      for (const chunk of [1, 511, 512, 513, 65536]) {
        const index = await indexBlob(compress(tar, compression), 'l', chunk);
        assert.deepEqual(index.entries.map((e) => e.path), ['/README.md', '/etc', '/etc/a'], `chunk ${chunk}`);
        assert.equal(index.diffId, sha256(tar));
        assert.equal(index.tarBytes, tar.length);
      }
    });
  }

  test('a single zero block between members does not end the tar (tar-stream skips it, as before)', async () => {
    const first = buildTar([files[0]]);
    const second = buildTar([files[2]]);
    const tar = Buffer.concat([first.subarray(0, first.length - 1024), Buffer.alloc(512), second]);
    const index = await indexBlob(tar, 'l', 100);
    assert.deepEqual(index.entries.map((e) => e.path), ['/README.md', '/etc/a']);
  });

  test('PAX long names and sizes keep the walk in step with the members', async () => {
    const long = 'd/' + 'n'.repeat(300);
    const tar = Buffer.concat([buildTar([{ name: long, content: 'y'.repeat(1500) }, { name: 'z' + 'q'.repeat(200), longName: 'gnu', content: 'z' }]), buildTar([{ name: 'after' }])]);
    const index = await indexBlob(tar, 'l', 7);
    assert.deepEqual(index.entries.map((e) => e.path), ['/' + long, '/z' + 'q'.repeat(200)]);
  });
});

describe('a directory header that gives a size', () => {
  /** A layer whose directory header says 512 bytes follow (tar-stream, like Go, reads none for a directory). */
  function layerWithSizedDirectory(): Buffer {
    const tar = buildTar([{ name: 'bin/', type: 'dir' }, { name: 'bin/sh', content: 'shell' }]);
    tar.write('00000001000\0', 124, 'latin1');
    tar.fill(0x20, 148, 156);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += tar[i];
    tar.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
    return tar;
  }

  test('does not hang the layer: the directory and what follows are read', async () => {
    const index = await indexBlob(layerWithSizedDirectory(), 'l', 100);
    assert.deepEqual(index.entries.map((e) => [e.path, e.size]), [['/bin', 0], ['/bin/sh', 5]]);
  });

  test('does not hang the file scanner either', async () => {
    const tar = layerWithSizedDirectory();
    const { head, body } = await sniff(chunked(tar, 100), 512);
    const collector = new LayerFileCollector({ hash: contentHashOf(Buffer.from('shell')), size: 5, path: '/bin/sh' });
    await collector.scanLayer(head, body);
    assert.equal(collector.result?.toString(), 'shell');
  });
});

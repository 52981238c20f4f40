// Members that are not layers: an archive that is no image at all is called that (not "layer X is not a
// readable tar"), a manifest.json is the manifest whatever it holds, and a blob no manifest references
// does not stop a layout from loading (go-containerregistry reads only referenced blobs).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readImageTar } from '../../src/core/archive/archiveReader';
import { buildImageArchive } from '../support/imageBuilder';
import { buildTar, compress, type TarMember } from '../support/tarBuilder';
import { assertOneSentence, chunked, rejectsWith } from './helpers';

const read = (archive: Buffer) => readImageTar(chunked(archive, 4096));
const layers = [[{ name: 'a', content: 'one' }], [{ name: 'b', content: 'two' }]];

function withMembers(archive: Buffer, extra: TarMember[]): Buffer {
  return Buffer.concat([archive.subarray(0, archive.length - 1024), buildTar(extra)]);
}

describe('members that are not layers', () => {
  test('a root-filesystem tar, a single layer tar and a zstd layer are not image archives', async () => {
    const rootfs = buildTar([{ name: 'README.md', content: '# hi\n' }, { name: 'bin/', type: 'dir' }, { name: 'bin/sh', content: 'sh' }]);
    const layerTar = buildTar([{ name: 'bat', content: buildTar([{ name: 'inner', content: 'x' }]).subarray(0, 600) }]);
    for (const archive of [rootfs, layerTar, compress(layerTar, 'zstd'), compress(rootfs, 'gzip')]) {
      const error = await rejectsWith(read(archive), 'bad-input', /not an image archive/);
      assert.doesNotMatch(error.message, /readable tar/);
      assertOneSentence(error.message);
    }
  });

  test('a manifest.json that holds null, a number or a string is blamed, not read as a layer', async () => {
    for (const content of ['null', '42', '"x"', 'true']) {
      const error = await rejectsWith(read(buildTar([{ name: 'manifest.json', content }])), 'corrupt', /manifest\.json/);
      assert.doesNotMatch(error.message, /readable tar/);
    }
  });

  test('an unreferenced blob that is neither tar nor JSON does not stop a layout from loading', async () => {
    for (const layout of ['oci', 'oci-index-only'] as const) {
      const built = buildImageArchive({ layers }, layout);
      const archive = withMembers(built.archive, [{ name: 'blobs/sha256/' + '0'.repeat(64), content: 'not a tar, not JSON: some other artifact' }]);
      const data = await read(archive);
      assert.deepEqual(data.layers.map((l) => l.entries.map((e) => e.path)), [['/a'], ['/b']]);
    }
  });

  test('a referenced layer that is not a readable tar is still refused with its cause', async () => {
    const built = buildImageArchive({ layers }, 'oci');
    const member = [...built.files.keys()].find((n) => built.files.get(n)!.equals(buildTar(layers[1])))!;
    const archive = buildTar([...built.files].map(([name, content]) => ({ name, content: name === member ? Buffer.from('garbage '.repeat(100)) : content })));
    await rejectsWith(read(archive), 'corrupt', /is not a readable tar/);
  });
});

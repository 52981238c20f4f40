// The same image read every way it can arrive gives the same model: the engine's export, its save file
// (legacy, OCI, containerd store, Podman), the save gzip'd as a whole, and an OCI layout on disk — as a
// directory and as a tar — whose layer blobs were re-compressed with real gzip and real zstd.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, test } from 'node:test';
import * as tar from 'tar-stream';
import { readImageFromPath } from '../../src/core/archive/archiveReader';
import { ImageModel } from '../../src/core/model/imageModel';
import { loadImage } from '../../src/docker/imageLoader';
import { buildTar } from '../support/tarBuilder';
import { connect, fixtureName, testEngines } from './support/engines';
import { saveImageToFile } from './support/saveImage';

const dir = mkdtempSync(join(tmpdir(), 'layerlens-layouts-'));

async function untar(file: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const extract = tar.extract();
  const done = (async () => {
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      if (entry.header.type === 'file') files.set(entry.header.name, Buffer.concat(chunks));
    }
  })();
  extract.end(readFileSync(file));
  await done;
  return files;
}

const digestOf = (data: Buffer) => 'sha256:' + createHash('sha256').update(data).digest('hex');

function zstd(data: Buffer): Buffer {
  const r = spawnSync('zstd', ['-q', '-c', '-3'], { input: data, maxBuffer: 1 << 30 });
  assert.equal(r.status, 0, `zstd: ${r.stderr}`);
  return r.stdout;
}

/** Rewrites an OCI-layout save so every layer blob uses `codec`; returns the files of a pure OCI layout. */
function recompressLayout(files: Map<string, Buffer>, codec: 'gzip' | 'zstd'): Map<string, Buffer> {
  const index = JSON.parse(files.get('index.json')!.toString());
  const manifestDigest: string = index.manifests[0].digest;
  const blob = (d: string) => files.get(`blobs/sha256/${d.slice(7)}`)!;
  const manifest = JSON.parse(blob(manifestDigest).toString());
  const out = new Map<string, Buffer>([['oci-layout', files.get('oci-layout')!]]);
  out.set(`blobs/sha256/${manifest.config.digest.slice(7)}`, blob(manifest.config.digest));
  manifest.layers = manifest.layers.map((layer: { digest: string }) => {
    const original = blob(layer.digest);
    // The containerd store saves gzip blobs: start again from the plain tar.
    const plain = original[0] === 0x1f && original[1] === 0x8b ? gunzipSync(original) : original;
    const data = codec === 'gzip' ? gzipSync(plain) : zstd(plain);
    const digest = digestOf(data);
    out.set(`blobs/sha256/${digest.slice(7)}`, data);
    return { mediaType: `application/vnd.oci.image.layer.v1.tar+${codec}`, digest, size: data.length };
  });
  manifest.mediaType = 'application/vnd.oci.image.manifest.v1+json';
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  const newDigest = digestOf(manifestBytes);
  out.set(`blobs/sha256/${newDigest.slice(7)}`, manifestBytes);
  out.set('index.json', Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: manifest.mediaType, digest: newDigest, size: manifestBytes.length }] })));
  return out;
}

function writeTree(root: string, files: Map<string, Buffer>): void {
  for (const [name, data] of files) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), data);
  }
}

for (const info of testEngines()) {
  describe(`save files from ${info.name}`, () => {
    const engine = connect(info);
    const ref = fixtureName(info, 'layerlens-test/basics:buildkit');

    test('the save file, and the save gzip\'d as a whole, read like the engine export', async () => {
      const expected = (await loadImage(ref, { engine: () => engine, noCache: true })).model.mergedViewAt();
      const file = join(dir, `${info.name}.tar`);
      await saveImageToFile(engine, ref, file);
      const fromFile = await readImageFromPath(file);
      assert.deepEqual(new ImageModel(fromFile).mergedViewAt(), expected);
      const gz = join(dir, `${info.name}.tar.gz`);
      writeFileSync(gz, gzipSync(readFileSync(file)));
      const fromGzip = await readImageFromPath(gz);
      assert.deepEqual(fromGzip.layers.map((l) => l.diffId), fromFile.layers.map((l) => l.diffId));
    });

    if (info.saveFormat === 'oci' || info.saveFormat === 'containerd') {
      for (const codec of ['gzip', 'zstd'] as const) {
        test(`an OCI layout with ${codec} layer blobs, as a directory and as a tar`, async () => {
          const file = join(dir, `${info.name}-${codec}-source.tar`);
          await saveImageToFile(engine, ref, file);
          const original = new ImageModel(await readImageFromPath(file));
          const layout = recompressLayout(await untar(file), codec);
          const layoutDir = join(dir, `${info.name}-${codec}-layout`);
          writeTree(layoutDir, layout);
          const fromDir = new ImageModel(await readImageFromPath(layoutDir));
          assert.deepEqual(fromDir.data.layers.map((l) => l.diffId), original.data.layers.map((l) => l.diffId));
          assert.deepEqual(fromDir.mergedViewAt(), original.mergedViewAt());
          const layoutTar = join(dir, `${info.name}-${codec}-layout.tar`);
          writeFileSync(layoutTar, buildTar([...layout].map(([name, content]) => ({ name, content }))));
          const fromTar = new ImageModel(await readImageFromPath(layoutTar));
          assert.deepEqual(fromTar.mergedViewAt(), original.mergedViewAt());
        });
      }
    }
  });
}

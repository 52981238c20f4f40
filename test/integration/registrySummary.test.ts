// What the editor's quick looks read of a registry (src/registry/imageSummary.ts), against the loopback registry
// of test/setup/registry.sh: an index's platforms (attestations left out, a nested index flattened), and one
// image's compressed size, layer count, platform and steps from its manifest and config alone, equal to what the
// registry's own manifest says and to what a full read of the image gives.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { parsePlatform } from '../../src/registry/platform';
import { listPlatforms, readImageSummary } from '../../src/registry/imageSummary';
import { parseRegistryReference } from '../../src/registry/reference';
import { readRegistryImage } from '../../src/registry/registrySource';
import { copyManifest, putManifest, testRegistries } from './support/registries';

const registries = testRegistries();
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const REPO = `summary-${process.pid}/multi`;
const ref = (text: string) => parseRegistryReference(`registry://${registries.plain}/${text}`);

async function manifestLayers(repository: string, tag: string): Promise<{ digest: string; sizes: number[] }> {
  const answer = await fetch(`http://${registries.plain}/v2/${repository}/manifests/${tag}`, {
    headers: { Accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' },
  });
  assert.equal(answer.status, 200);
  const bytes = Buffer.from(await answer.arrayBuffer());
  const manifest = JSON.parse(bytes.toString('utf8')) as { layers: { size: number }[] };
  return { digest: 'sha256:' + createHash('sha256').update(bytes).digest('hex'), sizes: manifest.layers.map((l) => l.size) };
}

test('one image: compressed size, layers and platform from the manifest and config, the same image a full read gives', async () => {
  const { digest, sizes } = await manifestLayers('d20/basics', 'legacy');
  const summary = await readImageSummary(ref('d20/basics:legacy'), undefined);
  assert.equal(summary.manifestDigest, digest);
  assert.deepEqual(summary.layerSizes, sizes);
  assert.equal(summary.compressedSize, sizes.reduce((a, b) => a + b, 0));
  assert.equal(summary.layerCount, sizes.length);
  assert.deepEqual(summary.platform, { os: 'linux', architecture: 'amd64', variant: undefined });
  assert.equal(await listPlatforms(ref('d20/basics:legacy')), undefined, 'a single manifest has no platforms to choose');
  const full = await readRegistryImage(ref('d20/basics:legacy'));
  assert.equal(summary.configDigest, full.data.configDigest);
  assert.deepEqual(summary.config.rootfs?.diff_ids, full.data.layers.map((l) => l.diffId));
});

test('an index: its platforms, attestation left out, a nested index flattened; each summary is that platform\'s image', async () => {
  const amd64 = await copyManifest('d20/basics', 'legacy', REPO);
  const arm64 = await copyManifest('d26c/basics', 'buildkit', REPO);
  const attestation = await copyManifest('d20/whiteouts', 'legacy', REPO);
  const inner = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ ...arm64, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } }] }));
  const innerDigest = await putManifest(REPO, undefined, inner, OCI_INDEX);
  const index = {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: [
      { ...attestation, platform: { os: 'unknown', architecture: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } },
      { ...amd64, platform: { os: 'linux', architecture: 'amd64' } },
      { mediaType: OCI_INDEX, digest: innerDigest, size: inner.length },
    ],
  };
  await putManifest(REPO, 'index', Buffer.from(JSON.stringify(index)), OCI_INDEX);

  const platforms = await listPlatforms(ref(`${REPO}:index`));
  assert.deepEqual(platforms, [
    { platform: { os: 'linux', architecture: 'amd64' }, digest: amd64.digest },
    { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' }, digest: arm64.digest },
  ]);
  const picked = await readImageSummary(ref(`${REPO}:index`), parsePlatform('linux/arm64'));
  assert.equal(picked.manifestDigest, arm64.digest);
  const byDigest = await readImageSummary({ ...ref(`${REPO}:index`), tag: undefined, digest: arm64.digest }, undefined);
  assert.equal(byDigest.manifestDigest, arm64.digest);
  assert.deepEqual(byDigest.layerSizes, (await manifestLayers('d26c/basics', 'buildkit')).sizes);
  await assert.rejects(readImageSummary(ref(`${REPO}:index`), parsePlatform('linux/s390x')), /has no linux\/s390x image; it has /);
});

test('a missing tag is the registry client\'s one sentence', async () => {
  await assert.rejects(readImageSummary(ref('d20/basics:no-such-tag'), undefined), (error: Error) => {
    assert.match(error.message, /^[^\n]*d20\/basics[^\n]*no-such-tag[^\n]*\.$/);
    return true;
  });
});

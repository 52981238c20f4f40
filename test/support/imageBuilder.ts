// Builds whole image archives in memory, in each layout the engine must read: legacy `docker save`
// (Engine < 25), OCI layout with compatibility manifest.json (Engine ≥ 25), pure OCI layout (index.json only,
// e.g. a multi-platform index with attestations) and Podman's `<diffid>.tar` layout.
import { buildTar, compress, sha256, type LayerCompression, type TarMember } from './tarBuilder';

export interface TestImage {
  layers: TarMember[][];
  history?: { created_by?: string; empty_layer?: boolean; comment?: string }[];
  tags?: string[];
  compression?: LayerCompression;
}

export interface BuiltImage {
  archive: Buffer;
  configDigest: string;
  diffIds: string[];
  files: Map<string, Buffer>;
}

export type Layout = 'legacy' | 'oci' | 'oci-index-only' | 'podman';

export function buildImageArchive(image: TestImage, layout: Layout, options: { metadataFirst?: boolean } = {}): BuiltImage {
  const tars = image.layers.map(buildTar);
  const diffIds = tars.map(sha256);
  const config = {
    architecture: 'amd64',
    os: 'linux',
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: image.history ?? tars.map((_, i) => ({ created_by: `/bin/sh -c step ${i}` })),
  };
  const configBytes = Buffer.from(JSON.stringify(config));
  const configDigest = sha256(configBytes);
  const hex = (d: string) => d.slice('sha256:'.length);
  const blobs = tars.map((t) => compress(t, image.compression ?? 'none'));
  const meta: [string, Buffer][] = [];
  const layerFiles: [string, Buffer][] = [];
  let layerNames: string[];
  let configName: string;

  if (layout === 'legacy') {
    layerNames = diffIds.map((d) => `${hex(d).slice(0, 64)}/layer.tar`);
    configName = `${hex(configDigest)}.json`;
    tars.forEach((_, i) => layerFiles.push([`${hex(diffIds[i])}/VERSION`, Buffer.from('1.0')], [layerNames[i], blobs[i]]));
  } else if (layout === 'podman') {
    layerNames = diffIds.map((d) => `${hex(d)}.tar`);
    configName = `${hex(configDigest)}.json`;
    tars.forEach((_, i) => layerFiles.push([layerNames[i], blobs[i]]));
  } else {
    const blobDigests = blobs.map(sha256);
    layerNames = blobDigests.map((d) => `blobs/sha256/${hex(d)}`);
    configName = `blobs/sha256/${hex(configDigest)}`;
    blobs.forEach((b, i) => layerFiles.push([layerNames[i], b]));
    const mediaType = { none: 'application/vnd.oci.image.layer.v1.tar', gzip: 'application/vnd.oci.image.layer.v1.tar+gzip', zstd: 'application/vnd.oci.image.layer.v1.tar+zstd' }[image.compression ?? 'none'];
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: configBytes.length },
        layers: blobs.map((b, i) => ({ mediaType, digest: blobDigests[i], size: b.length })),
      }),
    );
    const manifestDigest = sha256(manifest);
    meta.push([`blobs/sha256/${hex(manifestDigest)}`, manifest]);
    let top = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: manifestDigest, size: manifest.length, platform: { os: 'linux', architecture: 'amd64' } } as object;
    if (layout === 'oci-index-only') {
      // A pulled multi-platform image: another platform (blob absent) and a BuildKit attestation manifest.
      const attestation = Buffer.from(JSON.stringify({ schemaVersion: 2, config: { digest: configDigest }, layers: [] }));
      const attestationDigest = sha256(attestation);
      meta.push([`blobs/sha256/${hex(attestationDigest)}`, attestation]);
      const nested = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.index.v1+json',
          manifests: [
            { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: 'sha256:' + 'a'.repeat(64), size: 1, platform: { os: 'linux', architecture: 'arm64' } },
            top,
            {
              mediaType: 'application/vnd.oci.image.manifest.v1+json',
              digest: attestationDigest,
              size: attestation.length,
              platform: { os: 'unknown', architecture: 'unknown' },
              annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': manifestDigest },
            },
          ],
        }),
      );
      const nestedDigest = sha256(nested);
      meta.push([`blobs/sha256/${hex(nestedDigest)}`, nested]);
      top = { mediaType: 'application/vnd.oci.image.index.v1+json', digest: nestedDigest, size: nested.length, annotations: { 'io.containerd.image.name': (image.tags ?? ['test/image:latest'])[0] } };
    }
    meta.push(['index.json', Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [top] }))], ['oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}')]);
  }
  meta.push([configName, configBytes]);
  if (layout !== 'oci-index-only') {
    meta.push(['manifest.json', Buffer.from(JSON.stringify([{ Config: configName, RepoTags: image.tags ?? null, Layers: layerNames }]))]);
  }
  const ordered = options.metadataFirst ? [...meta, ...layerFiles] : [...layerFiles, ...meta];
  const files = new Map(ordered);
  const archive = buildTar(ordered.map(([name, content]) => ({ name, content })));
  return { archive, configDigest, diffIds, files };
}

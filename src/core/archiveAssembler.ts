// One reader for every way an image arrives: the members of a `docker save` stream (legacy, OCI layout,
// containerd store, Podman), a saved archive, or the files of an OCI layout directory are fed in any order;
// layers are indexed as they stream past, metadata is kept, and `finish()` puts them in stack order.
import { createHash } from 'node:crypto';
import { indexLayerStream } from './layerIndexer';
import { LayerlensError } from './errors';
import { drain, readAll, sniff } from './sniff';
import { normalizeMemberPath, parentOf } from './paths';
import type { ImageConfig, ImageData, LayerIndex } from './types';

const JSON_LIMIT = 64 * 1024 * 1024;
const ATTESTATION = 'attestation-manifest';

export interface Platform {
  os?: string;
  architecture?: string;
  variant?: string;
}

interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  platform?: Platform;
  annotations?: Record<string, string>;
}

interface LegacyManifestEntry {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

export class ArchiveAssembler {
  private readonly jsonMembers = new Map<string, Buffer>();
  private readonly layerMembers = new Map<string, LayerIndex>();
  private readonly linkMembers = new Map<string, string>();

  constructor(
    private readonly preferredPlatform?: Platform,
    /** See IndexOptions.computeDiffId: when off, layers take their diffID from the config by position. */
    private readonly verifyDiffIds = true,
  ) {}

  /** Feeds one regular-file member of the archive (any order). */
  async addMember(rawName: string, body: AsyncIterable<Buffer>): Promise<void> {
    const name = memberName(rawName);
    if (isIgnoredMember(name)) return drain(body);
    const sniffed = await sniff(body, 512);
    if (looksLikeJson(sniffed.head)) {
      const tooBig = () => new LayerlensError(`Archive member ${name} is too large to be image metadata.`, 'corrupt');
      this.jsonMembers.set(name, await readAll(sniffed.body, JSON_LIMIT, tooBig));
      return;
    }
    this.layerMembers.set(name, await indexLayerStream(sniffed.head, sniffed.body, name, { computeDiffId: this.verifyDiffIds }));
  }

  /** A symlink member: legacy `docker save` (moby image/tarexport/save.go) links a repeated diffID's layer.tar to the copy already written. */
  addLink(rawName: string, rawTarget: string): void {
    const name = memberName(rawName);
    const target = rawTarget.startsWith('/') ? rawTarget : parentOf('/' + name) + '/' + rawTarget;
    this.linkMembers.set(name, normalizeMemberPath(target).path.slice(1));
  }

  /** Puts the layers in `rootfs.diff_ids` order; throws a LayerlensError if the archive is not a complete image. */
  finish(): ImageData {
    const resolved = this.jsonMembers.has('manifest.json') ? this.resolveDockerManifest() : this.resolveOciIndex();
    const configBytes = this.requireJson(resolved.configMember, 'image config');
    const config = parseJson<ImageConfig>(configBytes, resolved.configMember);
    const diffIds = config.rootfs?.diff_ids ?? [];
    if (diffIds.length !== resolved.layerMembers.length) {
      throw new LayerlensError(
        `The image config lists ${diffIds.length} layers but the manifest lists ${resolved.layerMembers.length}; the archive is inconsistent.`,
        'corrupt',
      );
    }
    const layers = resolved.layerMembers.map((member, i) => {
      const layer = this.layerMembers.get(member) ?? this.layerMembers.get(this.linkMembers.get(member) ?? '');
      if (!layer) throw new LayerlensError(`The archive lacks layer ${member}; it is incomplete or truncated.`, 'corrupt');
      if (!this.verifyDiffIds && !layer.diffId) layer.diffId = diffIds[i];
      if (layer.diffId !== diffIds[i]) {
        throw new LayerlensError(`Layer ${member} does not match its digest ${diffIds[i]}; the archive is corrupt.`, 'corrupt');
      }
      return layer;
    });
    const configDigest = 'sha256:' + createHash('sha256').update(configBytes).digest('hex');
    return {
      id: configDigest,
      configDigest,
      manifestDigest: resolved.manifestDigest ?? this.topManifestDigest(),
      repoTags: resolved.repoTags,
      config,
      layers,
    };
  }

  private resolveDockerManifest(): ResolvedImage {
    const entries = parseJson<LegacyManifestEntry[]>(this.jsonMembers.get('manifest.json')!, 'manifest.json');
    const entry = Array.isArray(entries) ? entries[0] : undefined;
    if (!entry || typeof entry.Config !== 'string' || !Array.isArray(entry.Layers)) {
      throw new LayerlensError('The archive\'s manifest.json describes no image.', 'corrupt');
    }
    return {
      configMember: memberName(entry.Config),
      layerMembers: entry.Layers.map(memberName),
      repoTags: entry.RepoTags ?? [],
    };
  }

  private resolveOciIndex(): ResolvedImage {
    const indexBytes = this.jsonMembers.get('index.json');
    if (!indexBytes) {
      throw new LayerlensError('This is not an image archive: it has neither manifest.json nor index.json.', 'bad-input');
    }
    const index = parseJson<{ manifests?: Descriptor[] }>(indexBytes, 'index.json');
    const repoTags = (index.manifests ?? [])
      .map((d) => d.annotations?.['io.containerd.image.name'] ?? d.annotations?.['org.opencontainers.image.ref.name'])
      .filter((n): n is string => !!n && n.includes(':'));
    let descriptor = this.selectManifest(index.manifests ?? [], 'index.json');
    for (let depth = 0; isIndex(descriptor); depth++) {
      if (depth > 4) throw new LayerlensError('The image index nests too deeply.', 'corrupt');
      const nested = parseJson<{ manifests?: Descriptor[] }>(this.requireJson(blobMember(descriptor.digest), 'image index'), descriptor.digest);
      descriptor = this.selectManifest(nested.manifests ?? [], descriptor.digest);
    }
    const manifest = parseJson<{ config?: Descriptor; layers?: Descriptor[] }>(
      this.requireJson(blobMember(descriptor.digest), 'image manifest'),
      descriptor.digest,
    );
    if (!manifest.config?.digest || !Array.isArray(manifest.layers)) {
      throw new LayerlensError(`Manifest ${descriptor.digest} is not an image manifest.`, 'corrupt');
    }
    return {
      configMember: blobMember(manifest.config.digest),
      layerMembers: manifest.layers.map((l) => blobMember(l.digest)),
      repoTags,
      manifestDigest: descriptor.digest,
    };
  }

  /**
   * Picks the image's own manifest: attestation manifests (BuildKit provenance/SBOM, marked with
   * `vnd.docker.reference.type`) are skipped, and among platforms present in the archive the preferred one wins.
   */
  private selectManifest(descriptors: Descriptor[], where: string): Descriptor {
    const candidates = descriptors.filter(
      (d) =>
        typeof d.digest === 'string' &&
        d.annotations?.['vnd.docker.reference.type'] !== ATTESTATION &&
        d.platform?.os !== 'unknown' &&
        this.jsonMembers.has(blobMember(d.digest)),
    );
    if (candidates.length === 0) throw new LayerlensError(`${where} lists no image manifest that the archive contains.`, 'corrupt');
    const wanted = this.preferredPlatform ?? hostPlatform();
    const matches = (d: Descriptor, strictVariant: boolean) =>
      !!d.platform &&
      d.platform.os === (wanted.os ?? 'linux') &&
      d.platform.architecture === wanted.architecture &&
      (!strictVariant || !wanted.variant || d.platform.variant === wanted.variant);
    return candidates.find((d) => matches(d, true)) ?? candidates.find((d) => matches(d, false)) ?? candidates[0];
  }

  private topManifestDigest(): string | undefined {
    const indexBytes = this.jsonMembers.get('index.json');
    if (!indexBytes) return undefined;
    try {
      const index = JSON.parse(indexBytes.toString('utf8')) as { manifests?: Descriptor[] };
      return index.manifests?.find((d) => d.annotations?.['vnd.docker.reference.type'] !== ATTESTATION)?.digest;
    } catch {
      return undefined;
    }
  }

  private requireJson(member: string, what: string): Buffer {
    const bytes = this.jsonMembers.get(member);
    if (!bytes) throw new LayerlensError(`The archive lacks its ${what} (${member}); it is incomplete or truncated.`, 'corrupt');
    return bytes;
  }
}

interface ResolvedImage {
  configMember: string;
  layerMembers: string[];
  repoTags: string[];
  manifestDigest?: string;
}

function memberName(name: string): string {
  return name.replace(/^(\.\/|\/)+/, '');
}

function blobMember(digest: string): string {
  const [algorithm, hex] = digest.split(':');
  return `blobs/${algorithm}/${hex}`;
}

/** Legacy per-layer v1 metadata (`<id>/json`, `<id>/VERSION`) and files we never need. */
function isIgnoredMember(name: string): boolean {
  return name === 'oci-layout' || name === 'repositories' || name.endsWith('/VERSION') || name.endsWith('/json');
}

function looksLikeJson(head: Buffer): boolean {
  if (head.length >= 262 && head.toString('latin1', 257, 262) === 'ustar') return false;
  for (const byte of head) {
    if (byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09) continue;
    return byte === 0x7b || byte === 0x5b; // '{' or '['
  }
  return false;
}

function isIndex(d: Descriptor): boolean {
  return d.mediaType === 'application/vnd.oci.image.index.v1+json' || d.mediaType === 'application/vnd.docker.distribution.manifest.list.v2+json';
}

function parseJson<T>(bytes: Buffer, what: string): T {
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch {
    throw new LayerlensError(`${what} in the archive is not valid JSON; the archive is corrupt.`, 'corrupt');
  }
}

export function hostPlatform(): Platform {
  const arch: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return { os: 'linux', architecture: arch[process.arch] ?? process.arch };
}

// One reader for every way an image arrives: the members of a `docker save` stream (legacy, OCI layout,
// containerd store, Podman), a saved archive, or the files of an OCI layout directory are fed in any order;
// layers are indexed as they stream past, metadata is kept, and `finish()` puts them in stack order.
import { createHash } from 'node:crypto';
import { indexLayerStream } from '../index/layerIndexer';
import { LayerlensError } from '../errors';
import { diffIdNamedBy, FactMismatchError, isSha256Digest, memberFactKey, worthHashingReadLayers, type KnownLayers } from './knownLayers';
import { drain, readAll, sniff } from './sniff';
import { normalizeMemberPath, parentOf } from '../model/paths';
import { checkConfig, checkIndex, checkLegacyManifest, checkManifest, isDigest, type Descriptor } from './imageJsonShape';
import type { ImageConfig, ImageData, LayerIndex } from '../model/types';

const JSON_LIMIT = 64 * 1024 * 1024;
const ATTESTATION = 'attestation-manifest';

export interface Platform {
  os?: string;
  architecture?: string;
  variant?: string;
}

/** A member drained unread, and the layer it was taken for. */
interface SkippedMember {
  diffId: string;
  /** Taken on the word of a recorded fact, not of its own name. */
  byFact: boolean;
}

export class ArchiveAssembler {
  private readonly jsonMembers = new Map<string, Buffer>();
  private readonly layerMembers = new Map<string, LayerIndex>();
  private readonly linkMembers = new Map<string, string>();
  private readonly skippedMembers = new Map<string, SkippedMember>();
  /** Members that are neither JSON nor a readable layer, with the reason, in case the manifest references them. */
  private readonly failedMembers = new Map<string, LayerlensError>();
  /** Layers read and hashed in this pass, by diffID (only when hashing). */
  private readonly readLayers = new Map<string, LayerIndex>();
  /** The image's config, recognised by content: its rootfs.diff_ids are the known diffIDs. */
  private imageConfig: { bytes: Buffer; digest: string } | undefined;
  /** Seen a member only legacy and Podman archives have (`<id>/VERSION`, `<id>/layer.tar`, `<diffID>.tar`). */
  private sawLegacyMember = false;
  private sawBlob = false;
  private readonly hashing: boolean;
  /** Layer members whose bytes were hashed in this pass. */
  private hashedMembers = 0;

  constructor(
    private readonly preferredPlatform?: Platform,
    /** See IndexOptions.computeDiffId: when off, layers take their diffID from the config by position. */
    private readonly verifyDiffIds = true,
    /** Layers known before the read (an engine export with a cache): those are skipped unread. */
    private readonly known?: KnownLayers,
  ) {
    // With a fair share of the layers to skip, the few layers read are hashed: then each read layer is known by
    // its content, which tells when every missing layer has passed (see isComplete). Otherwise a read layer
    // takes its diffID from the manifest by position at finish(), and facts are learned from that.
    this.hashing = verifyDiffIds || (!!known && worthHashingReadLayers(known));
  }

  /** Feeds one regular-file member of the archive (any order). */
  async addMember(rawName: string, body: AsyncIterable<Buffer>): Promise<void> {
    const name = memberName(rawName);
    if (name.startsWith('blobs/')) this.sawBlob = true;
    else if (/^[a-f0-9]{64}(\/VERSION|\/layer\.tar|\.tar)$/.test(name)) this.sawLegacyMember = true;
    if (isIgnoredMember(name)) return drain(body);
    const skip = this.known && (await this.skipOf(name));
    if (skip) {
      this.skippedMembers.set(name, skip);
      return drain(body);
    }
    // One iterator for the whole member, so that after a failed index the rest can still be drained.
    const iterator = body[Symbol.asyncIterator]();
    const sniffed = await sniff({ [Symbol.asyncIterator]: () => iterator }, 512);
    if (looksLikeJson(sniffed.head) || isJsonName(name)) {
      const tooBig = () => new LayerlensError(`Archive member ${name} is too large to be image metadata.`, 'corrupt');
      const bytes = await readAll(sniffed.body, JSON_LIMIT, tooBig);
      this.jsonMembers.set(name, bytes);
      if (this.known && !this.imageConfig && isConfigOf(bytes, this.known.diffIds)) this.imageConfig = { bytes, digest: sha256Of(bytes) };
      return;
    }
    // A member named by one of the image's diffIDs (an uncompressed OCI blob) needs no hash to be known, when
    // the source is trusted not to lie about its content (an engine export: verifyDiffIds off).
    const trustedName = !this.verifyDiffIds ? diffIdNamedBy(name) : undefined;
    const knownByName = trustedName && this.known?.diffIds.includes(trustedName) ? trustedName : undefined;
    const computeDiffId = this.hashing && !knownByName;
    if (computeDiffId) this.hashedMembers++;
    let layer: LayerIndex;
    try {
      layer = await indexLayerStream(sniffed.head, sniffed.body, name, { computeDiffId });
      if (knownByName) layer.diffId = knownByName;
    } catch (error) {
      if (!(error instanceof LayerlensError)) throw error;
      // Not a readable layer: an error only if the manifest turns out to reference it (a layout may hold other
      // blobs, and an archive that is no image at all deserves that message, not one about its first member).
      this.failedMembers.set(name, error);
      while (!(await iterator.next()).done) {
        // drain the rest of the member
      }
      return;
    }
    this.layerMembers.set(name, layer);
    if (layer.diffId && !this.readLayers.has(layer.diffId)) this.readLayers.set(layer.diffId, layer);
  }

  /** Whether a member is a cached layer of this image, known as such before reading it. */
  private async skipOf(name: string): Promise<SkippedMember | undefined> {
    const known = this.known!;
    const named = diffIdNamedBy(name);
    if (named && known.diffIds.includes(named)) return known.cached.has(named) ? { diffId: named, byFact: false } : undefined;
    if (!memberFactKey(name) || !known.lookupFact) return undefined;
    const fact = await known.lookupFact(name);
    return fact && known.cached.has(fact) && known.diffIds.includes(fact) ? { diffId: fact, byFact: true } : undefined;
  }

  /**
   * Everything the image needs has passed (only with known layers): every layer missing from the cache was read,
   * the config was seen, and the manifest digest a full read would give is decided. The rest may be abandoned.
   */
  isComplete(): boolean {
    if (!this.known || !this.hashing || !this.imageConfig) return false;
    if (this.known.diffIds.some((d) => !this.known!.cached.has(d) && !this.readLayers.has(d))) return false;
    return this.earlyManifestDigest() !== UNDECIDED;
  }

  /** The image from what has passed so far; only once isComplete(). */
  finishEarly(): ImageData {
    const known = this.known!;
    const configBytes = this.imageConfig!.bytes;
    const config = checkConfig(parseJson(configBytes, 'the image config'), 'the image config');
    const layers = known.diffIds.map((d) => this.readLayers.get(d) ?? known.cached.get(d)!);
    const manifestDigest = this.earlyManifestDigest();
    return {
      id: this.imageConfig!.digest,
      configDigest: this.imageConfig!.digest,
      manifestDigest: manifestDigest === UNDECIDED ? undefined : manifestDigest,
      repoTags: [],
      config,
      layers,
    };
  }

  /**
   * What finish() would give as manifestDigest (index.json's top manifest), decided before index.json arrives:
   * the engine's image ID on the containerd store, else the manifest of this config (a classic store writes
   * exactly one, and index.json points at it); legacy and Podman archives have no index.json.
   */
  private earlyManifestDigest(): string | undefined | typeof UNDECIDED {
    if (this.jsonMembers.has('index.json')) return this.topManifestDigest();
    // An engine names an image by its config digest (classic store) or by the top manifest or index digest, the
    // one index.json lists (containerd store): an ID that is not the config's is that digest.
    const imageId = this.known?.imageId;
    if (imageId && isSha256Digest(imageId) && imageId !== this.imageConfig?.digest) return imageId;
    for (const [member, bytes] of this.jsonMembers) {
      if (member.startsWith('blobs/sha256/') && manifestConfigDigest(bytes) === this.imageConfig?.digest) return 'sha256:' + member.slice(13);
    }
    if (this.sawLegacyMember && !this.sawBlob) return undefined;
    return UNDECIDED;
  }

  stats(): { skippedMembers: number; indexedMembers: number; hashedMembers: number } {
    return { skippedMembers: this.skippedMembers.size, indexedMembers: this.layerMembers.size, hashedMembers: this.hashedMembers };
  }

  /** member → diffID facts this read established, for members whose name is a lasting address (memberFactKey). */
  learnedFacts(): [string, string][] {
    const facts: [string, string][] = [];
    for (const [member, layer] of this.layerMembers) {
      if (layer.diffId && memberFactKey(member) && diffIdNamedBy(member) !== layer.diffId) facts.push([member, layer.diffId]);
    }
    return facts;
  }

  /** A symlink member: legacy `docker save` (moby image/tarexport/save.go) links a repeated diffID's layer.tar to the copy already written. */
  addLink(rawName: string, rawTarget: string): void {
    const name = memberName(rawName);
    const target = rawTarget.startsWith('/') ? rawTarget : parentOf('/' + name) + '/' + rawTarget;
    this.linkMembers.set(name, normalizeMemberPath(target).path.slice(1));
  }

  /**
   * Puts the layers in `rootfs.diff_ids` order; throws a LayerlensError if the archive is not a complete image,
   * or a FactMismatchError if a member skipped on a recorded fact's word was not the layer it was taken for.
   */
  finish(): ImageData {
    try {
      return this.finishWhole();
    } catch (error) {
      // A member skipped by a wrong fact can be what is missing (a layer, the config): read again without facts.
      const byFact = [...this.skippedMembers].find(([, s]) => s.byFact);
      if (byFact && !(error instanceof FactMismatchError)) throw new FactMismatchError(byFact[0]);
      throw error;
    }
  }

  private finishWhole(): ImageData {
    const resolved = this.jsonMembers.has('manifest.json') ? this.resolveDockerManifest() : this.resolveOciIndex();
    const configBytes = this.requireJson(resolved.configMember, 'image config');
    const config = checkConfig(parseJson(configBytes, resolved.configMember), resolved.configMember);
    const diffIds = config.rootfs?.diff_ids ?? [];
    if (diffIds.length !== resolved.layerMembers.length) {
      throw new LayerlensError(
        `The image config lists ${diffIds.length} layers but the manifest lists ${resolved.layerMembers.length}; the archive is inconsistent.`,
        'corrupt',
      );
    }
    const layers = resolved.layerMembers.map((member, i) => {
      const skipped = this.skippedMembers.get(member) ?? this.skippedMembers.get(this.linkMembers.get(member) ?? '');
      if (skipped) {
        if (skipped.diffId === diffIds[i]) return this.known!.cached.get(skipped.diffId)!;
        if (skipped.byFact) throw new FactMismatchError(member);
        throw new LayerlensError(`Layer ${member} does not match its digest ${diffIds[i]}; the archive is corrupt.`, 'corrupt');
      }
      const layer = this.layerMembers.get(member) ?? this.layerMembers.get(this.linkMembers.get(member) ?? '');
      if (!layer) {
        const failed = this.failedMembers.get(member) ?? this.failedMembers.get(this.linkMembers.get(member) ?? '');
        if (failed) throw failed;
        throw new LayerlensError(`The archive lacks layer ${member}; it is incomplete or truncated.`, 'corrupt');
      }
      if (!this.verifyDiffIds && !layer.diffId) layer.diffId = diffIds[i];
      if (layer.diffId !== diffIds[i]) {
        throw new LayerlensError(`Layer ${member} does not match its digest ${diffIds[i]}; the archive is corrupt.`, 'corrupt');
      }
      return layer;
    });
    const configDigest = sha256Of(configBytes);
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
    const entry = checkLegacyManifest(parseJson(this.jsonMembers.get('manifest.json')!, 'manifest.json'));
    return {
      configMember: memberName(entry.Config),
      layerMembers: entry.Layers.map(memberName),
      repoTags: entry.RepoTags,
    };
  }

  private resolveOciIndex(): ResolvedImage {
    const indexBytes = this.jsonMembers.get('index.json');
    if (!indexBytes) {
      throw new LayerlensError('This is not an image archive: it has neither manifest.json nor index.json.', 'bad-input');
    }
    const index = checkIndex(parseJson(indexBytes, 'index.json'), 'index.json');
    const repoTags = (index.manifests ?? [])
      .map((d) => d.annotations?.['io.containerd.image.name'] ?? d.annotations?.['org.opencontainers.image.ref.name'])
      .filter((n): n is string => !!n && n.includes(':'));
    let descriptor = this.selectManifest(index.manifests ?? [], 'index.json');
    for (let depth = 0; isIndex(descriptor); depth++) {
      if (depth > 4) throw new LayerlensError('The image index nests too deeply.', 'corrupt');
      const nested = checkIndex(parseJson(this.requireJson(blobMember(descriptor.digest), 'image index'), descriptor.digest), blobMember(descriptor.digest));
      descriptor = this.selectManifest(nested.manifests ?? [], descriptor.digest);
    }
    const manifest = checkManifest(parseJson(this.requireJson(blobMember(descriptor.digest), 'image manifest'), descriptor.digest), descriptor.digest);
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
      const digest = index.manifests?.find((d) => d?.annotations?.['vnd.docker.reference.type'] !== ATTESTATION)?.digest;
      return isDigest(digest) ? digest : undefined;
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

const UNDECIDED = Symbol('undecided');

function sha256Of(bytes: Buffer): string {
  return 'sha256:' + createHash('sha256').update(bytes).digest('hex');
}

function tryParse(bytes: Buffer | undefined): Record<string, unknown> | undefined {
  if (!bytes) return undefined;
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** An image config whose rootfs.diff_ids are exactly these. */
function isConfigOf(bytes: Buffer, diffIds: string[]): boolean {
  const rootfs = tryParse(bytes)?.rootfs as { diff_ids?: unknown } | undefined;
  const ids = rootfs?.diff_ids;
  return Array.isArray(ids) && ids.length === diffIds.length && ids.every((d, i) => d === diffIds[i]);
}

function manifestConfigDigest(bytes: Buffer): string | undefined {
  const value = tryParse(bytes);
  const digest = Array.isArray(value?.layers) ? (value?.config as { digest?: unknown } | undefined)?.digest : undefined;
  return typeof digest === 'string' ? digest : undefined;
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

/** Members that are image metadata by name, whatever they hold (a manifest.json holding `null` is still the manifest). */
function isJsonName(name: string): boolean {
  return name.endsWith('.json');
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

function parseJson<T = unknown>(bytes: Buffer, what: string): T {
  // Deeper nesting than any image metadata has would overflow the stack of whatever walks it later.
  if (nestingDepth(bytes) > JSON_MAX_DEPTH) {
    throw new LayerlensError(`${what} in the archive nests deeper than ${JSON_MAX_DEPTH} levels; it is not image metadata.`, 'corrupt');
  }
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch {
    throw new LayerlensError(`${what} in the archive is not valid JSON; the archive is corrupt.`, 'corrupt');
  }
}

const JSON_MAX_DEPTH = 256;

/** The deepest nesting of arrays and objects in JSON text (brackets inside strings do not count). */
function nestingDepth(bytes: Buffer): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === 0x5c) i++;
      else if (b === 0x22) inString = false;
    } else if (b === 0x22) inString = true;
    else if (b === 0x5b || b === 0x7b) deepest = Math.max(deepest, ++depth);
    else if (b === 0x5d || b === 0x7d) depth--;
  }
  return deepest;
}

export function hostPlatform(): Platform {
  const arch: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return { os: 'linux', architecture: arch[process.arch] ?? process.arch };
}

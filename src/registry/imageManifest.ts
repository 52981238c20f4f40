// The one image manifest a reference names, found through image indexes (nested too) to one platform, and what
// it lists. Shared by the full read (registrySource.ts) and the quick looks (imageSummary.ts), so that both
// pick the same image and refuse the same malformed ones.
import type { Platform } from '../core/archive/archiveAssembler';
import { LayerlensError } from '../core/errors';
import type { ManifestCache } from './manifestCache';
import { choosePlatform, type DefaultPlatform, type PlatformDescriptor } from './platform';
import { formatReference, type RegistryReference } from './reference';
import { MANIFEST_TYPES, mediaTypeInside, type FetchedManifest, type RegistryClient } from './registryClient';

/** An image config is metadata: no real one comes near this. */
export const CONFIG_LIMIT = 16 * 1024 * 1024;
export const MAX_INDEX_DEPTH = 4;

export interface ImageManifest {
  configDigest: string;
  /** Base first; a size the manifest does not give (or gives as nonsense) is 0. */
  layers: { digest: string; size: number }[];
}

/** Which platform to take from an index: `platform` exactly when asked (--platform), else the default's. */
export interface PlatformWanted {
  platform?: Platform;
  byDefault?: DefaultPlatform;
}

/**
 * The image manifest the reference names, through indexes to the wanted platform. With `manifests`, one read
 * before by digest comes from the cache (no request); a tag is always asked, since what it names may change.
 */
export async function resolveImageManifest(client: RegistryClient, ref: RegistryReference, wanted: PlatformWanted, manifests?: ManifestCache): Promise<FetchedManifest> {
  let fetched = await manifestOf(client, ref.digest ?? ref.tag!, manifests);
  for (let depth = 0; isIndex(fetched.mediaType); depth++) {
    if (depth >= MAX_INDEX_DEPTH) throw tooDeep(ref);
    const entry = choosePlatform(indexEntries(fetched, ref), wanted.platform, formatReference(ref), wanted.byDefault);
    fetched = await manifestOf(client, entry.digest, manifests);
  }
  return fetched;
}

async function manifestOf(client: RegistryClient, tagOrDigest: string, manifests: ManifestCache | undefined): Promise<FetchedManifest> {
  const cached = tagOrDigest.startsWith('sha256:') ? await manifests?.read(tagOrDigest) : undefined;
  if (cached) return { bytes: cached, digest: tagOrDigest, mediaType: mediaTypeInside(cached) ?? MANIFEST_TYPES.ociManifest };
  const fetched = await client.getManifest(tagOrDigest);
  await manifests?.write(fetched.digest, fetched.bytes);
  return fetched;
}

/** The config digest and layer blobs of an image manifest, or one sentence saying it is not one. */
export function parseImageManifest(fetched: FetchedManifest, ref: RegistryReference): ImageManifest {
  const manifest = parseRegistryJson<{ schemaVersion?: number; config?: { digest?: unknown }; layers?: { digest?: unknown; size?: unknown }[] }>(fetched.bytes, ref, 'manifest');
  const configDigest = manifest.config?.digest;
  const layers = manifest.layers;
  if (typeof configDigest !== 'string' || !Array.isArray(layers) || layers.some((l) => typeof l?.digest !== 'string')) {
    const schema1 = manifest.schemaVersion === 1 ? ' (Docker schema 1, which registries stopped serving in 2019)' : '';
    throw new LayerlensError(`${formatReference(ref)} is not an image manifest Layerlens can read${schema1}.`, 'corrupt');
  }
  return {
    configDigest,
    layers: layers.map((l) => ({ digest: l.digest as string, size: typeof l.size === 'number' && l.size >= 0 ? l.size : 0 })),
  };
}

/** The entries of an image index (none when it lists nothing). */
export function indexEntries(fetched: FetchedManifest, ref: RegistryReference): PlatformDescriptor[] {
  const manifests = parseRegistryJson<{ manifests?: unknown }>(fetched.bytes, ref, 'image index').manifests;
  return Array.isArray(manifests) ? (manifests as PlatformDescriptor[]) : [];
}

export function isIndex(mediaType: string): boolean {
  return mediaType === MANIFEST_TYPES.ociIndex || mediaType === MANIFEST_TYPES.dockerList;
}

export function tooDeep(ref: RegistryReference): LayerlensError {
  return new LayerlensError(`The image index of ${formatReference(ref)} nests too deeply.`, 'corrupt');
}

/** A JSON object the registry served, or one sentence saying it served corrupt data. */
export function parseRegistryJson<T>(bytes: Buffer, ref: RegistryReference, what: string): T {
  try {
    const value = JSON.parse(bytes.toString('utf8')) as unknown;
    if (value && typeof value === 'object') return value as T;
  } catch {
    // said below
  }
  throw new LayerlensError(`The ${what} of ${formatReference(ref)} is not valid JSON; the registry served corrupt data.`, 'corrupt');
}

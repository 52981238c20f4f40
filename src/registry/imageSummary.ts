// What a registry says of an image without a layer read: the platforms an index offers, and for one image its
// manifest and config alone (compressed size, layer count, platform, build steps). For the editor's quick
// looks (Open Remote Image…'s platform pick, the Remote group, a Dockerfile's FROM hover); a few KB a look.
import type { Platform } from '../core/archive/archiveAssembler';
import { throwIfAborted } from '../core/errors';
import type { ImageConfig } from '../core/model/types';
import type { Credentials } from './credentials';
import type { InsecureRegistries } from './insecureRegistries';
import { CONFIG_LIMIT, indexEntries, isIndex, MAX_INDEX_DEPTH, parseImageManifest, parseRegistryJson, resolveImageManifest, tooDeep } from './imageManifest';
import { isAttestation } from './platform';
import type { RegistryReference } from './reference';
import { RegistryClient, type FetchedManifest } from './registryClient';

export interface SummaryOptions {
  signal?: AbortSignal;
  credentials?: (registry: string) => Promise<Credentials | undefined>;
  certsDirectory?: string;
  /** Hosts that may go without a verified certificate, or without TLS (loopback always may). */
  insecureRegistries?: InsecureRegistries;
}

export interface RemotePlatform {
  platform: Platform;
  /** The digest of that platform's image manifest. */
  digest: string;
}

export interface RemoteImageSummary {
  /** The image manifest's digest: `registry://…@<digest>` names this very image. */
  manifestDigest: string;
  configDigest: string;
  platform: Platform;
  layerCount: number;
  /** Σ of the layer blobs as stored in the registry (compressed). */
  compressedSize: number;
  /** Each layer blob's size, base first. */
  layerSizes: number[];
  config: ImageConfig;
}

/**
 * The platforms of the image index a reference names (nested indexes flattened, attestations left out), or
 * undefined when it names a single image manifest.
 */
export async function listPlatforms(ref: RegistryReference, options: SummaryOptions = {}): Promise<RemotePlatform[] | undefined> {
  const client = clientFor(ref, options);
  const top = await client.getManifest(ref.digest ?? ref.tag!);
  if (!isIndex(top.mediaType)) return undefined;
  const found: RemotePlatform[] = [];
  const walk = async (fetched: FetchedManifest, depth: number): Promise<void> => {
    if (depth >= MAX_INDEX_DEPTH) throw tooDeep(ref);
    for (const entry of indexEntries(fetched, ref)) {
      if (isAttestation(entry) || typeof entry.digest !== 'string') continue;
      if (entry.platform) found.push({ platform: entry.platform, digest: entry.digest });
      else if (!entry.mediaType || isIndex(entry.mediaType)) {
        const nested = await client.getManifest(entry.digest);
        if (isIndex(nested.mediaType)) await walk(nested, depth + 1);
      }
    }
  };
  await walk(top, 0);
  return found;
}

/** One image's manifest and config: through an index to `platform` (default: this machine's), as reading it would. */
export async function readImageSummary(ref: RegistryReference, platform: Platform | undefined, options: SummaryOptions = {}): Promise<RemoteImageSummary> {
  const client = clientFor(ref, options);
  const fetched = await resolveImageManifest(client, ref, { platform });
  throwIfAborted(options.signal);
  const { configDigest, layers } = parseImageManifest(fetched, ref);
  const config = parseRegistryJson<ImageConfig>(await client.readBlob(configDigest, CONFIG_LIMIT), ref, 'image config');
  const raw = config as { os?: string; architecture?: string; variant?: string };
  const layerSizes = layers.map((l) => l.size);
  return {
    manifestDigest: fetched.digest,
    configDigest,
    platform: { os: raw.os, architecture: raw.architecture, variant: raw.variant },
    layerCount: layers.length,
    compressedSize: layerSizes.reduce((sum, n) => sum + n, 0),
    layerSizes,
    config,
  };
}

function clientFor(ref: RegistryReference, options: SummaryOptions): RegistryClient {
  return new RegistryClient(ref, { signal: options.signal, credentials: options.credentials, certsDirectory: options.certsDirectory, insecureRegistries: options.insecureRegistries });
}

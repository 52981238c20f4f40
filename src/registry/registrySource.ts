// An image read straight from a registry, into the same ImageData every other source gives, through the same
// parser: the manifest, the config and the layer blobs are fed to the ArchiveAssembler as the members of an OCI
// layout. The config comes first, so each layer's diffID is known before its blob: a layer the index cache
// holds is never downloaded; the others download a few at once, each streaming through decompression into the
// indexer (never to disk), its blob digest and its diffID both checked. Opening an image reads its manifest and
// config only, which is all a caller needs whose answer the cache holds under the image ID (an analysis).
import { ArchiveAssembler, type Platform } from '../core/archive/archiveAssembler';
import { CancelledError, LayerlensError, throwIfAborted } from '../core/errors';
import type { CachedImage, IndexCache } from '../core/index/indexCache';
import { FactMismatchError, type KnownLayers } from '../core/archive/knownLayers';
import type { ImageConfig, ImageData, LayerIndex, ProgressReporter } from '../core/model/types';
import type { Credentials } from './credentials';
import type { InsecureRegistries } from './insecureRegistries';
import { CONFIG_LIMIT, parseImageManifest, parseRegistryJson, resolveImageManifest, type ImageManifest } from './imageManifest';
import type { DefaultPlatform } from './platform';
import { formatReference, type RegistryReference } from './reference';
import { ManifestCache } from './manifestCache';
import { MANIFEST_TYPES, RegistryClient, type FetchedManifest } from './registryClient';

/** Layers downloading at once: enough to fill a link, few enough to keep memory flat. */
const PARALLEL_DOWNLOADS = 3;

export interface RegistryReadOptions {
  cache?: IndexCache;
  /** Asked for (--platform): exactly this one. */
  platform?: Platform;
  /** Without `platform`: the connected engine's (else this machine's is used). */
  defaultPlatform?: DefaultPlatform;
  /** Told once the registry has given the image's manifest, before any blob is read. */
  onManifest?: () => void;
  signal?: AbortSignal;
  onProgress?: ProgressReporter;
  credentials?: (registry: string) => Promise<Credentials | undefined>;
  /** Where per-registry CAs and client certificates live (default /etc/docker/certs.d). */
  certsDirectory?: string;
  /** Hosts that may go without a verified certificate, or without TLS (loopback always may). */
  insecureRegistries?: InsecureRegistries;
  /** Told when the cache cannot be written (the read itself succeeded). */
  onWarning?: (message: string) => void;
}

/** What a read fetched, for tests and the benchmark. */
export interface RegistryReadReport {
  manifestDigest: string;
  layersCached: number;
  /** The config came from the cache (no config request). */
  configCached: boolean;
  layersDownloaded: number;
  bytesDownloaded: number;
  requests: RegistryClient['requests'];
}

/** An image whose manifest and config are read, before any layer: what the registry says it is. */
export interface OpenedRegistryImage {
  /** The image ID: its config digest. */
  id: string;
  /** The reference's tag, in full (none for a read by digest). */
  repoTags: string[];
  manifestDigest: string;
  config: ImageConfig;
  /** The config came from the cache (no config request). */
  configCached: boolean;
  /** Reads the layers (those the cache lacks from the registry) into the whole image, and fills the cache. */
  read(): Promise<{ data: ImageData; report: RegistryReadReport }>;
}

export async function readRegistryImage(ref: RegistryReference, options: RegistryReadOptions = {}): Promise<{ data: ImageData; report: RegistryReadReport }> {
  return (await openRegistryImage(ref, options)).read();
}

/** The manifest (one request for a tag, none for a digest read before) and the config (none when cached). */
export async function openRegistryImage(ref: RegistryReference, options: RegistryReadOptions = {}): Promise<OpenedRegistryImage> {
  throwIfAborted(options.signal);
  // One failed download stops the others.
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const client = new RegistryClient(ref, { signal, credentials: options.credentials, certsDirectory: options.certsDirectory, insecureRegistries: options.insecureRegistries });
  const guarded = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      stop.abort();
      if (options.signal?.aborted) throw new CancelledError();
      throw error;
    }
  };
  const head = await guarded(() => readHead(client, ref, options));
  return {
    id: head.configDigest,
    repoTags: repoTagsOf(ref),
    manifestDigest: head.fetched.digest,
    config: head.config,
    configCached: !!head.cachedImage,
    read: () => guarded(() => readLayers(client, ref, options, head)),
  };
}

interface Head {
  fetched: FetchedManifest;
  manifest: ImageManifest;
  configDigest: string;
  configBytes: Buffer;
  config: ImageConfig;
  diffIds: string[];
  cachedImage: CachedImage | undefined;
}

async function readHead(client: RegistryClient, ref: RegistryReference, options: RegistryReadOptions): Promise<Head> {
  const manifests = options.cache && new ManifestCache(options.cache.directory);
  const fetched = await resolveImageManifest(client, ref, { platform: options.platform, byDefault: options.defaultPlatform }, manifests);
  options.onManifest?.();
  const manifest = parseImageManifest(fetched, ref);
  const { configDigest } = manifest;
  // A config read before is in the cache under its digest (the image ID it gave): then a warm read of an
  // unchanged tag makes one request, the manifest's.
  const cachedImage = await options.cache?.readImage(configDigest);
  const configBytes = cachedImage ? Buffer.from(JSON.stringify(cachedImage.config)) : await client.readBlob(configDigest, CONFIG_LIMIT);
  const config = parseRegistryJson<ImageConfig>(configBytes, ref, 'image config');
  const diffIds = config.rootfs?.diff_ids ?? [];
  if (diffIds.length !== manifest.layers.length) {
    throw new LayerlensError(`The image config of ${formatReference(ref)} lists ${diffIds.length} layers but its manifest ${manifest.layers.length}; the image is inconsistent.`, 'corrupt');
  }
  return { fetched, manifest, configDigest, configBytes, config, diffIds, cachedImage };
}

async function readLayers(client: RegistryClient, ref: RegistryReference, options: RegistryReadOptions, head: Head): Promise<{ data: ImageData; report: RegistryReadReport }> {
  const { fetched, manifest, configDigest, configBytes, diffIds, cachedImage } = head;
  const cached = new Map<string, LayerIndex>();
  if (options.cache) {
    const found = await Promise.all([...new Set(diffIds)].map((d) => options.cache!.readLayer(d)));
    for (const layer of found) if (layer) cached.set(layer.diffId, layer);
  }
  // The manifest pairs each blob with the config's diffID at the same place (image-spec manifest.md), so a
  // cached layer's blob is skipped on that word; the assembler still checks every layer against the config.
  const diffIdOfBlob = new Map(manifest.layers.map((l, i) => [blobMember(l.digest), diffIds[i]]));
  const known: KnownLayers = { diffIds, cached, lookupFact: async (member) => diffIdOfBlob.get(member) };
  const assembler = new ArchiveAssembler(undefined, true, known);
  await assembler.addMember(blobMember(fetched.digest), once(fetched.bytes));
  await assembler.addMember(blobMember(configDigest), once(configBytes));
  const index = { schemaVersion: 2, mediaType: MANIFEST_TYPES.ociIndex, manifests: [{ mediaType: fetched.mediaType, digest: fetched.digest, size: fetched.bytes.length }] };
  await assembler.addMember('index.json', once(Buffer.from(JSON.stringify(index))));

  const blobs = [...new Map(manifest.layers.map((l, i) => [l.digest, { digest: l.digest, size: l.size, diffId: diffIds[i] }])).values()];
  const missing = blobs.filter((b) => !cached.has(b.diffId));
  for (const b of blobs) if (cached.has(b.diffId)) await assembler.addMember(blobMember(b.digest), once(Buffer.alloc(0)));
  const expected = missing.reduce((sum, b) => sum + b.size, 0);
  let done = 0;
  let reported = 0;
  const onBytes = (n: number) => {
    done += n;
    if (options.onProgress && done - reported >= 1024 * 1024) {
      reported = done;
      options.onProgress(done, expected);
    }
  };
  await eachAtMost(PARALLEL_DOWNLOADS, missing, (b) => assembler.addMember(blobMember(b.digest), client.streamBlob(b.digest, onBytes)));
  options.onProgress?.(done, Math.max(done, expected));

  let data: ImageData;
  try {
    data = assembler.finish();
  } catch (error) {
    // Our only "facts" are the manifest's own pairing of blobs and diffIDs: a mismatch is the image's fault.
    if (error instanceof FactMismatchError) throw new LayerlensError(`A layer of ${formatReference(ref)} does not match the diffID its config gives; the image in the registry is corrupt.`, 'corrupt');
    throw error;
  }
  data.repoTags = repoTagsOf(ref);
  // The config re-serialized from the cache hashes differently; its digest is the one it was stored under.
  if (cachedImage) data.id = data.configDigest = configDigest;
  if (options.cache) {
    const cache = options.cache;
    await cache.writeRead(data, cached, assembler.learnedFacts()).catch((error: unknown) =>
      options.onWarning?.(`Could not write the index cache in ${cache.directory}: ${error instanceof Error ? error.message : String(error)}`),
    );
  }
  return {
    data,
    report: {
      manifestDigest: fetched.digest,
      layersCached: blobs.length - missing.length,
      configCached: !!cachedImage,
      layersDownloaded: missing.length,
      bytesDownloaded: done,
      requests: client.requests,
    },
  };
}

/** Runs `work` over the items, at most `limit` at a time; the first failure rejects (the caller stops the rest). */
async function eachAtMost<T>(limit: number, items: T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function repoTagsOf(ref: RegistryReference): string[] {
  return ref.tag ? [`${ref.registry}/${ref.repository}:${ref.tag}`] : [];
}

function blobMember(digest: string): string {
  const [algorithm, hex] = digest.split(':');
  return `blobs/${algorithm}/${hex}`;
}

async function* once(bytes: Buffer): AsyncGenerator<Buffer> {
  if (bytes.length) yield bytes;
}

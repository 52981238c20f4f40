// Opens an image by reference: a path on disk (archive or OCI layout), an image on the engine, or a registry image
// (`registry://…`, or a plain name the engine lacks or no engine answers for: src/registry/registryFallback.ts).
// Engine images are read from the index cache when every layer was seen before (no export at all);
// otherwise with one streaming export, whose layer indexes then fill the cache. When some layers are cached
// (a rebuild), the export's members holding them are drained unread and the export is abandoned once the
// new layers and the config have passed (src/core/archive/incrementalRead.ts).
import { existsSync } from 'node:fs';
import type { ImageInspectInfo } from 'dockerode';
import { readImageFromPath, readImageTar, type ReadOptions } from '../core/archive/archiveReader';
import { readImageIncrementally, type IncrementalReadReport } from '../core/archive/incrementalRead';
import type { KnownLayers } from '../core/archive/knownLayers';
import { LayerlensError, messageOf } from '../core/errors';
import { analyzeImage, type ImageAnalysis } from '../core/analysis/analysis';
import { mapSteps } from '../core/model/history';
import { loadImagePackages } from '../core/packages/imagePackages';
import { layerPackageCounts } from '../core/packages/packagesReport';
import { scanImageConfig } from '../core/secrets/buildSecrets';
import { ImageModel, type ImageOverview } from '../core/model/imageModel';
import type { IndexCache } from '../core/index/indexCache';
import type { ImageData, LayerIndex, ProgressReporter } from '../core/model/types';
import type { DockerEngine } from './engine';
import type { Platform } from '../core/archive/archiveAssembler';
import { enginePlatform } from './enginePlatform';
import { isRegistryReference, parseRegistryReference, type RegistryReference } from '../registry/reference';
import { engineMissOf, registryFallbackFailure, registryFallbackNotice, registryFallbackReference } from '../registry/registryFallback';
import type { InsecureRegistries } from '../registry/insecureRegistries';
import type { DefaultPlatform } from '../registry/platform';
import { openRegistryImage, type OpenedRegistryImage, type RegistryReadReport } from '../registry/registrySource';

export interface LoadOptions {
  /** Needed for engine images; paths need none. */
  engine?: () => DockerEngine;
  cache?: IndexCache;
  /** Neither read nor write the cache. */
  noCache?: boolean;
  signal?: AbortSignal;
  onProgress?: ProgressReporter;
  /** Told about cache problems that do not stop the load. */
  onWarning?: (message: string) => void;
  /** The platform to read from a multi-platform registry index or OCI layout (default: the engine's, else this machine's). */
  platform?: Platform;
  /**
   * Told, in one line, that a plain reference is read from its registry because the engine lacks it or no engine
   * answers (said once the registry has the image: when it has not, the error names both failures).
   */
  onRegistryFallback?: (notice: string) => void;
  /** Registries that may go without a verified certificate or TLS: --insecure-registry, layerlens.insecureRegistries. */
  insecureRegistries?: InsecureRegistries;
  /** Told as an engine image's load passes each stage (for timings: the explorer's log, LAYERLENS_TIMINGS). */
  onStage?: (stage: LoadStage) => void;
}

/** The stages of an engine image's load, in order; the first progress report stands for the export's first bytes. */
export type LoadStage = 'inspected' | 'exportRequested' | 'read' | 'cacheWritten';

export interface LoadedImage {
  model: ImageModel;
  source: 'engine' | 'cache' | 'file' | 'registry';
  inspect?: ImageInspectInfo;
  /** For an export read with some layers cached: what was skipped, and whether the export was abandoned early. */
  read?: IncrementalReadReport;
  /** For a registry:// reference: what was downloaded and what the cache had. */
  registry?: RegistryReadReport;
}

/** A reference that names something on disk is read from disk; anything else is asked of the engine. */
export function isPathReference(ref: string): boolean {
  return existsSync(ref) || /^(\.{0,2}\/|~\/)/.test(ref) || /\.(tar|tgz|tar\.gz|tar\.zst)$/.test(ref);
}

export async function loadImage(ref: string, options: LoadOptions): Promise<LoadedImage> {
  if (isRegistryReference(ref)) {
    return loadFromRegistry(parseRegistryReference(ref), options, await registryDefaultPlatform(options));
  }
  if (isPathReference(ref)) {
    const data = await readImageFromPath(ref, { signal: options.signal, onProgress: options.onProgress, platform: options.platform });
    return { model: new ImageModel(data), source: 'file' };
  }
  const found = await inspectOrFallBack(ref, options, loadFromRegistry);
  if ('fallback' in found) return found.fallback;
  const { engine, inspect } = found;
  options.onStage?.('inspected');
  const cache = options.noCache ? undefined : options.cache;
  const cached = cache && (await loadImageFromCache(inspect, cache));
  if (cached) return cached;

  const open = async () => {
    options.onStage?.('exportRequested');
    return (await engine.exportImage(inspect.Id, options.signal)) as unknown as AsyncIterable<Buffer>;
  };
  const readOptions: ReadOptions = {
    signal: options.signal,
    onProgress: options.onProgress,
    expectedBytes: inspect.Size,
    platform: { os: inspect.Os, architecture: inspect.Architecture, variant: (inspect as { Variant?: string }).Variant },
    label: `the export of ${ref}`,
    // The daemon verified these layers when it stored them; re-hashing 600 MB would cost a third of our CPU.
    verifyDiffIds: false,
  };
  let data: ImageData;
  let read: IncrementalReadReport | undefined;
  let known: KnownLayers | undefined;
  if (cache) {
    known = await knownLayersOf(inspect, cache);
    ({ data, report: read } = await readImageIncrementally(open, known, readOptions));
  } else {
    data = await readImageTar(await open(), readOptions);
  }
  data.id = inspect.Id;
  data.repoTags = inspect.RepoTags ?? [];
  options.onStage?.('read');
  if (cache) {
    await cache.writeRead(data, known?.cached, read?.learnedFacts ?? []).catch((error) =>
      options.onWarning?.(`Could not write the index cache in ${cache.directory}: ${messageOf(error)}`),
    );
    options.onStage?.('cacheWritten');
  }
  return { model: new ImageModel(data), source: 'engine', inspect, read };
}

/** How a registry image is read: the whole image, or (loadAnalysis) its analysis. */
type RegistryLoad<T> = (ref: RegistryReference, options: LoadOptions, defaultPlatform: DefaultPlatform | undefined, onManifest?: () => void) => Promise<T>;

const loadFromRegistry: RegistryLoad<LoadedImage> = async (ref, options, defaultPlatform, onManifest) => readLayers(await openFromRegistry(ref, options, defaultPlatform, onManifest));

/** A registry image's manifest and config, no layer read yet. */
function openFromRegistry(ref: RegistryReference, options: LoadOptions, defaultPlatform: DefaultPlatform | undefined, onManifest?: () => void): Promise<OpenedRegistryImage> {
  const { signal, onProgress, onWarning, platform, insecureRegistries } = options;
  const cache = options.noCache ? undefined : options.cache;
  return openRegistryImage(ref, { cache, signal, onProgress, onWarning, platform, defaultPlatform, onManifest, insecureRegistries });
}

async function readLayers(opened: OpenedRegistryImage): Promise<LoadedImage> {
  const { data, report } = await opened.read();
  return { model: new ImageModel(data), source: 'registry', registry: report };
}

/** For a registry:// reference: the platform to read by default, the connected engine's (unless --platform). */
async function registryDefaultPlatform(options: LoadOptions): Promise<DefaultPlatform | undefined> {
  return options.platform ? undefined : enginePlatform(tryEngine(options));
}

/** The engine, or undefined when none can be made (a malformed host): then the registry read goes on without it. */
function tryEngine(options: LoadOptions): DockerEngine | undefined {
  try {
    return options.engine?.();
  } catch {
    return undefined;
  }
}

/**
 * The engine's inspect of a plain reference; or, when the engine lacks the image or does not answer and the
 * reference names a repository, the image read from its registry, with its one-line notice.
 */
async function inspectOrFallBack<T>(ref: string, options: LoadOptions, fromRegistry: RegistryLoad<T>): Promise<{ engine: DockerEngine; inspect: ImageInspectInfo } | { fallback: T }> {
  const registryRef = registryFallbackReference(ref);
  const engine = options.engine?.();
  let engineError: LayerlensError;
  if (engine) {
    try {
      return { engine, inspect: await engine.inspectImage(ref) };
    } catch (error) {
      if (!registryRef || !engineMissOf(error)) throw error;
      engineError = error as LayerlensError;
    }
  } else if (registryRef) {
    engineError = new LayerlensError(`"${ref}" is not a file, and no Docker engine is configured.`, 'bad-input');
  } else {
    throw new LayerlensError(`"${ref}" is not a file, and no Docker engine is configured.`, 'bad-input');
  }
  const miss = engine ? engineMissOf(engineError)! : 'no-engine';
  // An engine that answered has a platform to read for; one that did not is not asked again.
  const platform = options.platform || miss !== 'missing' ? undefined : await enginePlatform(engine);
  const notice = registryFallbackNotice(ref, engine?.endpoint.host, registryRef, miss);
  try {
    return { fallback: await fromRegistry(registryRef, options, platform, () => options.onRegistryFallback?.(notice)) };
  } catch (error) {
    if (!(error instanceof LayerlensError) || error.kind === 'cancelled') throw error;
    throw registryFallbackFailure(engineError, registryRef, error);
  }
}

/** What the cache knows of an image's layers before its export starts. */
async function knownLayersOf(inspect: ImageInspectInfo, cache: IndexCache): Promise<KnownLayers> {
  const diffIds = inspect.RootFS?.Layers ?? [];
  const cached = new Map<string, LayerIndex>();
  const layers = await Promise.all([...new Set(diffIds)].map((d) => cache.readLayer(d)));
  for (const layer of layers) if (layer) cached.set(layer.diffId, layer);
  return { diffIds, cached, imageId: inspect.Id, imageBytes: inspect.Size, lookupFact: (member) => cache.readMemberFact(member) };
}

export interface LoadedAnalysis {
  overview: ImageOverview;
  analysis: ImageAnalysis;
  source: LoadedImage['source'];
}

/**
 * The analysis of an image; from the cache alone (no layer index read) when this image was analyzed before. A
 * registry image is known by its manifest (one request for a tag, none for a digest read before) and config.
 */
export async function loadAnalysis(ref: string, options: LoadOptions): Promise<LoadedAnalysis> {
  const cache = options.noCache ? undefined : options.cache;
  if (cache && isRegistryReference(ref)) return analysisFromRegistry(parseRegistryReference(ref), options, await registryDefaultPlatform(options));
  if (cache && !isPathReference(ref) && options.engine) {
    const found = await inspectOrFallBack(ref, options, analysisFromRegistry);
    if ('fallback' in found) return found.fallback;
    const cached = await cachedAnalysis(found.inspect.Id, found.inspect.RepoTags ?? [], cache);
    if (cached) return cached;
  }
  return analysisOf(await loadImage(ref, options), options);
}

const analysisFromRegistry: RegistryLoad<LoadedAnalysis> = async (ref, options, defaultPlatform, onManifest) => {
  const opened = await openFromRegistry(ref, options, defaultPlatform, onManifest);
  const cache = options.noCache ? undefined : options.cache;
  const cached = cache && (await cachedAnalysis(opened.id, opened.repoTags, cache));
  return cached || analysisOf(await readLayers(opened), options);
};

/** The analysis the cache holds under this image ID, with the overview its cached config gives. */
async function cachedAnalysis(id: string, repoTags: string[], cache: IndexCache): Promise<LoadedAnalysis | undefined> {
  const [image, analysis] = await Promise.all([cache.readImage(id), cache.readAnalysis(id)]);
  const layerCount = image?.config.rootfs?.diff_ids?.length;
  if (!image || !analysis || layerCount !== analysis.layers.length) return undefined;
  const overview = { data: { id, repoTags }, steps: mapSteps(image.config, layerCount), layerCount, buildSecrets: scanImageConfig(image.config).secrets };
  return { overview, analysis, source: 'cache' };
}

/** Analyzes a loaded image and keeps the analysis under its ID (a file on disk has no ID worth keying). */
async function analysisOf(loaded: LoadedImage, options: LoadOptions): Promise<LoadedAnalysis> {
  const cache = options.noCache ? undefined : options.cache;
  const analysis = analyzeImage(loaded.model);
  analysis.packages = layerPackageCounts(await loadImagePackages(loaded.model.data));
  if (cache && loaded.source !== 'file') {
    await cache.writeAnalysis(loaded.model.data.id, analysis).catch((error) => options.onWarning?.(`Could not write the analysis cache: ${messageOf(error)}`));
  }
  return { overview: loaded.model, analysis, source: loaded.source };
}

/**
 * An engine image from the index cache alone, or undefined when any of its layers was never indexed: never an
 * export, so views can use it while they list.
 */
export async function loadImageFromCache(inspect: ImageInspectInfo, cache: IndexCache): Promise<LoadedImage | undefined> {
  const image = await cache.readImage(inspect.Id);
  const diffIds = image?.config.rootfs?.diff_ids;
  if (!image || !diffIds) return undefined;
  const layers: LayerIndex[] = [];
  for (const diffId of diffIds) {
    const layer = await cache.readLayer(diffId);
    if (!layer) return undefined;
    layers.push(layer);
  }
  const data: ImageData = { id: inspect.Id, configDigest: image.configDigest, manifestDigest: image.manifestDigest, repoTags: inspect.RepoTags ?? [], config: image.config, layers };
  return { model: new ImageModel(data), source: 'cache', inspect };
}

// Opens an image by reference: a path on disk (archive or OCI layout), or an image on the engine.
// Engine images are read from the index cache when every layer was seen before (no export at all);
// otherwise with one streaming export, whose layer indexes then fill the cache. When some layers are cached
// (a rebuild), the export's members holding them are drained unread and the export is abandoned once the
// new layers and the config have passed (src/core/incrementalRead.ts).
import { existsSync } from 'node:fs';
import type { ImageInspectInfo } from 'dockerode';
import { readImageFromPath, readImageTar, type ReadOptions } from '../core/archiveReader';
import { readImageIncrementally, type IncrementalReadReport } from '../core/incrementalRead';
import type { KnownLayers } from '../core/knownLayers';
import { LayerlensError, messageOf } from '../core/errors';
import { analyzeImage, type ImageAnalysis } from '../core/analysis';
import { mapSteps } from '../core/history';
import { ImageModel, type ImageOverview } from '../core/imageModel';
import type { IndexCache } from '../core/indexCache';
import type { ImageData, LayerIndex, ProgressReporter } from '../core/types';
import type { DockerEngine } from './engine';
import type { Platform } from '../core/archiveAssembler';
import { isRegistryReference, parseRegistryReference } from '../registry/reference';
import { readRegistryImage, type RegistryReadReport } from '../registry/registrySource';

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
  /** The platform to read from a multi-platform registry index or OCI layout (default: this machine's). */
  platform?: Platform;
}

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
    const { signal, onProgress, onWarning, platform } = options;
    const { data, report } = await readRegistryImage(parseRegistryReference(ref), { cache: options.noCache ? undefined : options.cache, signal, onProgress, onWarning, platform });
    return { model: new ImageModel(data), source: 'registry', registry: report };
  }
  if (isPathReference(ref)) {
    const data = await readImageFromPath(ref, { signal: options.signal, onProgress: options.onProgress, platform: options.platform });
    return { model: new ImageModel(data), source: 'file' };
  }
  if (!options.engine) throw new LayerlensError(`"${ref}" is not a file, and no Docker engine is configured.`, 'bad-input');
  const engine = options.engine();
  const inspect = await engine.inspectImage(ref);
  const cache = options.noCache ? undefined : options.cache;
  const cached = cache && (await loadImageFromCache(inspect, cache));
  if (cached) return cached;

  const open = async () => (await engine.exportImage(inspect.Id, options.signal)) as unknown as AsyncIterable<Buffer>;
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
  if (cache) {
    await cache.writeRead(data, known?.cached, read?.learnedFacts ?? []).catch((error) =>
      options.onWarning?.(`Could not write the index cache in ${cache.directory}: ${messageOf(error)}`),
    );
  }
  return { model: new ImageModel(data), source: 'engine', inspect, read };
}

/** What the cache knows of an image's layers before its export starts. */
async function knownLayersOf(inspect: ImageInspectInfo, cache: IndexCache): Promise<KnownLayers> {
  const diffIds = inspect.RootFS?.Layers ?? [];
  const cached = new Map<string, LayerIndex>();
  const layers = await Promise.all([...new Set(diffIds)].map((d) => cache.readLayer(d)));
  for (const layer of layers) if (layer) cached.set(layer.diffId, layer);
  return { diffIds, cached, imageId: inspect.Id, lookupFact: (member) => cache.readMemberFact(member) };
}

export interface LoadedAnalysis {
  overview: ImageOverview;
  analysis: ImageAnalysis;
  source: LoadedImage['source'];
}

/** The analysis of an image; from the cache alone (no layer index read) when this image was analyzed before. */
export async function loadAnalysis(ref: string, options: LoadOptions): Promise<LoadedAnalysis> {
  const cache = options.noCache ? undefined : options.cache;
  if (cache && !isRegistryReference(ref) && !isPathReference(ref) && options.engine) {
    const inspect = await options.engine().inspectImage(ref);
    const [image, analysis] = await Promise.all([cache.readImage(inspect.Id), cache.readAnalysis(inspect.Id)]);
    const layerCount = image?.config.rootfs?.diff_ids?.length;
    if (image && analysis && layerCount === analysis.layers.length) {
      const overview = { data: { id: inspect.Id, repoTags: inspect.RepoTags ?? [] }, steps: mapSteps(image.config, layerCount), layerCount };
      return { overview, analysis, source: 'cache' };
    }
  }
  const loaded = await loadImage(ref, options);
  const analysis = analyzeImage(loaded.model);
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

// Serves the bytes of any file of any layer of an image, each checked against the content hash its layer
// index recorded. In order of cost:
//   1. the in-memory cache, by content hash (instant);
//   2. for bytes the top of the image still shows (most files): a temporary container (tens of ms);
//   3. for older versions, when the engine still has the image of a build step that shows them (legacy
//      builder): a temporary container of that image;
//   4. otherwise (older versions, names the engine cannot encode, paths it mounts over): the image's export,
//      or the archive on disk it came from, read only as far as the layer that holds the bytes;
//      for a registry image, that one layer's blob, downloaded only as far as the file.
import { createReadStream, promises as fs } from 'node:fs';
import { scanImageArchive, scanLayerBlob, scanLayoutDirectory, LayerFileCollector } from '../core/archive/archiveFileScan';
import { ContentCache, type ContentCacheLimits } from '../core/model/contentCache';
import { contentHashOf } from '../core/index/contentHash';
import { CancelledError, LayerlensError, messageOf } from '../core/errors';
import { ImageFiles, type ContentLocation } from '../core/model/imageFiles';
import type { ImageModel } from '../core/model/imageModel';
import { describePath } from '../core/model/imagePaths';
import { streamLayerBlob } from '../registry/layerBlob';
import { formatReference, type RegistryReference } from '../registry/reference';
import type { RegistryClientOptions } from '../registry/registryClient';
import type { DockerEngine } from './engine';
import { IntermediateImages } from './intermediateImages';
import { TemporaryContainers } from './temporaryContainers';

/** Where an image's bytes can be read again. */
export type ImageOrigin =
  /** An image of this engine (the one it was loaded from, by ID). */
  | { kind: 'engine'; engine: DockerEngine }
  /** A `docker save` archive (.tar, .tar.gz, .tar.zst) or an OCI layout (directory or tar) on disk. */
  | { kind: 'archive'; path: string }
  /** An image in a registry, by the digest of the manifest it was read from. */
  | { kind: 'registry'; ref: RegistryReference; manifestDigest: string; client?: RegistryClientOptions };

/** What the file system needs of a loaded image: its model, and where to read its bytes. */
export interface ImageSource {
  model: ImageModel;
  origin: ImageOrigin;
}

export interface ReadFileOptions {
  signal?: AbortSignal;
  /**
   * Called before a read that needs an export of the image (seconds, not milliseconds), so that a front end can
   * show progress with a Cancel button that calls `cancel`. The function it returns is called when the read ends.
   */
  onSlowRead?: (description: string, cancel: () => void) => (() => void) | void;
}

export interface ImageFileServiceOptions {
  cache?: ContentCacheLimits;
  /** How long a temporary container is kept without use (default 60 s). */
  containerIdleMs?: number;
  /** Read older versions from the images of earlier build steps when the engine has them (default true). */
  useIntermediateImages?: boolean;
  log?: (message: string) => void;
}

/** Older versions up to this size are kept when an export passes them on the way to another file. */
const PREFETCH_MAX_FILE = 256 * 1024;

export class ImageFileService {
  readonly cache: ContentCache;
  readonly containers: TemporaryContainers;
  /** Where reads were served from, for logs, tests and the benchmark. */
  readonly served = { cache: 0, container: 0, archive: 0 };
  private readonly files = new WeakMap<ImageModel, ImageFiles>();
  private readonly intermediates: IntermediateImages;
  /** One export at a time per image: a second open waits, then often finds its bytes already cached. */
  private readonly exportQueues = new Map<string, Promise<unknown>>();

  constructor(private readonly options: ImageFileServiceOptions = {}) {
    this.cache = new ContentCache(options.cache);
    this.containers = new TemporaryContainers({ idleMs: options.containerIdleMs, log: options.log });
    this.intermediates = new IntermediateImages(options.log);
  }

  /** The file system view of a model (kept as long as the model is). */
  filesOf(model: ImageModel): ImageFiles {
    let files = this.files.get(model);
    if (!files) {
      files = new ImageFiles(model);
      this.files.set(model, files);
    }
    return files;
  }

  /** The bytes of the file `path` leads to at `layer` (symlinks and hardlinks followed inside the image). */
  async readFile(source: ImageSource, layer: number, path: string, options: ReadFileOptions = {}): Promise<Uint8Array> {
    const location = this.filesOf(source.model).locate(layer, path);
    return this.readContent(source, location, options);
  }

  async readContent(source: ImageSource, location: ContentLocation, options: ReadFileOptions = {}): Promise<Uint8Array> {
    const cached = this.cache.get(location.hash);
    if (cached) {
      this.served.cache++;
      return cached;
    }
    if (source.origin.kind === 'engine') {
      const fromContainer =
        (await this.readFromContainer(source, source.origin.engine, location, options.signal)) ??
        (await this.readFromIntermediateImage(source, source.origin.engine, location, options.signal));
      if (fromContainer) {
        this.served.container++;
        return fromContainer;
      }
    }
    return this.readFromArchive(source, location, options);
  }

  /** Warms the temporary container of an engine image, so that the next open is as fast as a repeated one. */
  prepare(source: ImageSource): void {
    if (source.origin.kind === 'engine') this.containers.prepare(source.origin.engine, source.model.data.id);
  }

  /** Removes the temporary container of an image now, e.g. before removing the image. */
  releaseImage(imageId: string): Promise<void> {
    return this.containers.releaseImage(imageId);
  }

  async dispose(): Promise<void> {
    this.cache.clear();
    await this.containers.dispose();
  }

  private async readFromContainer(source: ImageSource, engine: DockerEngine, location: ContentLocation, signal?: AbortSignal): Promise<Uint8Array | undefined> {
    const topPath = this.filesOf(source.model).topPathFor(location);
    if (!topPath) return undefined;
    // No engine, or no such image: an export would fail the same way.
    return this.readThroughContainer(engine, source.model.data.id, topPath, location, signal, ['unreachable', 'permission', 'not-found']);
  }

  private async readFromIntermediateImage(source: ImageSource, engine: DockerEngine, location: ContentLocation, signal?: AbortSignal): Promise<Uint8Array | undefined> {
    if (this.options.useIntermediateImages === false) return undefined;
    const last = this.filesOf(source.model).lastLayerShowing(location);
    const images = await this.intermediates.of(engine, source.model);
    for (let layer = location.layer; layer <= last; layer++) {
      const id = images.get(layer);
      // A pruned intermediate image is no reason to fail: the export still has the bytes.
      if (id) return this.readThroughContainer(engine, id, location.path, location, signal, ['unreachable', 'permission']);
    }
    return undefined;
  }

  /** Reads `path` from a temporary container of `imageId`; undefined (and a log line) when that does not give these bytes. */
  private async readThroughContainer(
    engine: DockerEngine,
    imageId: string,
    path: string,
    location: ContentLocation,
    signal: AbortSignal | undefined,
    fatal: LayerlensError['kind'][],
  ): Promise<Uint8Array | undefined> {
    let bytes: Buffer | undefined;
    try {
      bytes = await this.containers.readFile(engine, imageId, path, signal);
    } catch (error) {
      if (error instanceof CancelledError || signal?.aborted) throw new CancelledError();
      if (error instanceof LayerlensError && fatal.includes(error.kind)) throw error;
      this.options.log?.(`Reading ${describePath(path)} through a temporary container of ${imageId} failed (${messageOf(error)}); trying the next way.`);
      return undefined;
    }
    if (bytes && contentHashOf(bytes) === location.hash) {
      this.cache.set(location.hash, bytes);
      return bytes;
    }
    // E.g. /etc/hosts, which the engine writes into every container; or a name the engine cannot encode.
    this.options.log?.(
      `A container of ${imageId} ${bytes ? 'shows other bytes at' : 'gives no regular file at'} ${describePath(path)} than the image's layer; trying the next way.`,
    );
    return undefined;
  }

  private async readFromArchive(source: ImageSource, location: ContentLocation, options: ReadFileOptions): Promise<Uint8Array> {
    const origin = source.origin;
    const key =
      origin.kind === 'engine' ? `${origin.engine.endpoint.host}\0${source.model.data.id}` : origin.kind === 'registry' ? `registry\0${origin.manifestDigest}` : `file\0${origin.path}`;
    const previous = this.exportQueues.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => {
      const cached = this.cache.get(location.hash);
      if (cached) this.served.cache++;
      return cached ?? this.scan(source, location, options);
    });
    this.exportQueues.set(key, run);
    try {
      return await run;
    } finally {
      if (this.exportQueues.get(key) === run) this.exportQueues.delete(key);
    }
  }

  private async scan(source: ImageSource, location: ContentLocation, options: ReadFileOptions): Promise<Uint8Array> {
    const files = this.filesOf(source.model);
    const collector = new LayerFileCollector(location, { extras: files.olderVersions(PREFETCH_MAX_FILE), extrasBudget: this.cache.maxBytes / 4 });
    const stop = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
    const origin = source.origin;
    const label =
      origin.kind === 'engine' ? `the export of image ${source.model.data.id}` : origin.kind === 'registry' ? `layer ${location.layer} of ${formatReference(origin.ref)}` : `archive ${origin.path}`;
    const needs = { engine: 'an export of the image', registry: 'a download of its layer from the registry', archive: 'a pass over the archive' }[origin.kind];
    const done = options.onSlowRead?.(`Reading ${describePath(location.path)} from layer ${location.layer} needs ${needs}…`, () => stop.abort());
    try {
      if (origin.kind === 'registry') {
        const blob = streamLayerBlob(origin.ref, origin.manifestDigest, location.layer, { ...origin.client, signal });
        await scanLayerBlob(blob, collector, { signal, label });
      } else if (origin.kind === 'engine') {
        const stream = await origin.engine.exportImage(source.model.data.id, signal);
        await scanImageArchive(stream as unknown as AsyncIterable<Buffer>, collector, { signal, label });
      } else {
        const isDirectory = (await fs.stat(origin.path).catch(() => undefined))?.isDirectory();
        if (isDirectory) await scanLayoutDirectory(origin.path, collector, { signal, label });
        else if (isDirectory === false) await scanImageArchive(createReadStream(origin.path, { highWaterMark: 256 * 1024 }), collector, { signal, label });
        else throw new LayerlensError(`The archive ${origin.path} the image was opened from is gone; open it again.`, 'not-found');
      }
    } catch (error) {
      if (signal.aborted) throw new CancelledError();
      throw error;
    } finally {
      // Stops the export once the bytes are in: the daemon stops writing when the request closes.
      stop.abort();
      done?.();
    }
    for (const [hash, bytes] of collector.found) this.cache.set(hash, bytes);
    const result = collector.result;
    if (result) this.served.archive++;
    if (!result) {
      throw new LayerlensError(
        `${capitalize(label)} holds no ${describePath(location.path)} with the content layer ${location.layer}'s index recorded; the image changed since it was indexed, so open it again.`,
        'corrupt',
      );
    }
    return result;
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

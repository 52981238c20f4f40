// Which image a `layerlens:` URI reads: one open in a Layer Explorer, or else (a link from an explanation, an
// editor restored after a reload) the engine's image of that ID, loaded through the index cache. The last
// few loaded this way are kept.
import type { ImageModel } from '../core/model/imageModel';
import type { DockerEngine } from '../docker/engine';
import { isPathReference } from '../docker/imageLoader';
import type { ImageOrigin, ImageSource } from '../docker/imageFileService';
import { isRegistryReference, parseRegistryReference } from '../registry/reference';
import type { RegistryClientOptions } from '../registry/registryClient';

const KEPT = 2;

export interface ImageSourceDeps {
  /** An image open in an explorer, by ID, with the reference it was opened by. */
  opened(imageId: string): { model: ImageModel; imageRef: string } | undefined;
  /** Loads an engine image by ID (from the index cache when it was indexed before). */
  load(imageId: string): Promise<ImageModel>;
  engine(): DockerEngine;
  /** How to reach registries (insecure hosts…), for files of registry images. */
  registryClient?(): RegistryClientOptions;
}

export function imageSourceResolver(deps: ImageSourceDeps): (imageIdHex: string) => Promise<ImageSource | undefined> {
  const loaded = new Map<string, Promise<ImageModel>>();
  return async (imageIdHex) => {
    const opened = deps.opened(imageIdHex);
    if (opened) {
      return { model: opened.model, origin: originOf(opened.imageRef, opened.model, deps) };
    }
    let model = loaded.get(imageIdHex);
    if (!model) {
      model = deps.load(`sha256:${imageIdHex}`);
      loaded.set(imageIdHex, model);
      model.catch(() => loaded.delete(imageIdHex));
      while (loaded.size > KEPT) loaded.delete(loaded.keys().next().value!);
    }
    return { model: await model, origin: { kind: 'engine', engine: deps.engine() } };
  };
}

/** Where the bytes of an image opened by `imageRef` are read again: its archive, its registry, or the engine. */
function originOf(imageRef: string, model: ImageModel, deps: ImageSourceDeps): ImageOrigin {
  if (isPathReference(imageRef)) return { kind: 'archive', path: imageRef };
  if (isRegistryReference(imageRef)) {
    const ref = parseRegistryReference(imageRef);
    const manifestDigest = model.data.manifestDigest ?? ref.digest;
    if (manifestDigest) return { kind: 'registry', ref, manifestDigest, client: deps.registryClient?.() };
  }
  return { kind: 'engine', engine: deps.engine() };
}

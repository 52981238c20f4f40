// Which image a `layerlens:` URI reads: one open in a Layer Explorer, or else (a link from an explanation, an
// editor restored after a reload) the engine's image of that ID, loaded through the index cache. The last
// few loaded this way are kept.
import type { ImageModel } from '../core/imageModel';
import type { DockerEngine } from '../docker/engine';
import { isPathReference } from '../docker/imageLoader';
import type { ImageSource } from '../docker/imageFileService';

const KEPT = 2;

export interface ImageSourceDeps {
  /** An image open in an explorer, by ID, with the reference it was opened by. */
  opened(imageId: string): { model: ImageModel; imageRef: string } | undefined;
  /** Loads an engine image by ID (from the index cache when it was indexed before). */
  load(imageId: string): Promise<ImageModel>;
  engine(): DockerEngine;
}

export function imageSourceResolver(deps: ImageSourceDeps): (imageIdHex: string) => Promise<ImageSource | undefined> {
  const loaded = new Map<string, Promise<ImageModel>>();
  return async (imageIdHex) => {
    const opened = deps.opened(imageIdHex);
    if (opened) {
      const origin = isPathReference(opened.imageRef) ? { kind: 'archive' as const, path: opened.imageRef } : { kind: 'engine' as const, engine: deps.engine() };
      return { model: opened.model, origin };
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

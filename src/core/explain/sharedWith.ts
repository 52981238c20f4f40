// Which other local images use a layer: the same diffID in their rootfs means the engine stores it once and
// a registry receives it once.
import type { CatalogImage } from '../catalog/catalog';
import { imageDisplayName } from '../catalog/imageName';

/** One name per image that holds `diffId` (its first tag, else its short ID), `selfId` left out, sorted. */
export function imagesSharingLayer(images: CatalogImage[], diffId: string, selfId: string): string[] {
  return images
    .filter((image) => image.id !== selfId && (image.layers ?? []).includes(diffId))
    .map((image) => imageDisplayName(image.id, image.repoTags))
    .sort();
}

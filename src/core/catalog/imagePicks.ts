// What a Command Palette image picker lists: one entry per name (repository:tag), untagged images by short ID,
// each with its size, short ID and age, in a stable order: by name, then newest first (untagged last).
import { formatAge, formatBytes } from '../format';

export interface PickableImage {
  id: string;
  repoTags?: string[] | null;
  /** Seconds since the epoch, as the engine's image list gives it. */
  created: number;
  size: number;
}

export interface ImagePick {
  label: string;
  description: string;
  /** The image ID, so a pick never depends on a tag that moved meanwhile. */
  ref: string;
  /** The name the user picked, to title what follows with. */
  name: string;
}

const UNTAGGED = '<none>:<none>';

export function shortImageId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

export function imagePicks(images: readonly PickableImage[], nowMs: number = Date.now()): ImagePick[] {
  const entries = images.flatMap((image) => {
    const tags = (image.repoTags ?? []).filter((t) => t !== UNTAGGED);
    const description = `${formatBytes(image.size)} · ${shortImageId(image.id)} · ${formatAge(image.created * 1000, nowMs)}`;
    if (!tags.length) return [{ label: `<untagged> ${shortImageId(image.id)}`, description, ref: image.id, name: shortImageId(image.id), untagged: true, created: image.created }];
    return tags.map((tag) => ({ label: tag, description, ref: image.id, name: tag, untagged: false, created: image.created }));
  });
  entries.sort(
    (a, b) =>
      Number(a.untagged) - Number(b.untagged) ||
      (a.untagged ? 0 : a.label.localeCompare(b.label)) ||
      b.created - a.created ||
      a.ref.localeCompare(b.ref),
  );
  return entries.map(({ label, description, ref, name }) => ({ label, description, ref, name }));
}

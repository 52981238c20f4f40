// The local image catalogue as a user thinks of it: repositories with their tags, untagged (dangling)
// images apart, and which layers several images share (stored once on disk: the point of layering).
// Plain data from list/inspect results, so views can render it without an export.

export interface CatalogImage {
  id: string;
  /** "repo:tag" references; empty (or ["<none>:<none>"], as old engines say) for a dangling image. */
  repoTags: string[];
  repoDigests: string[];
  /** Seconds since the epoch. */
  created: number;
  size: number;
  /** rootfs diffIDs, base first, when inspected. */
  layers?: string[];
}

export interface TaggedImage {
  tag: string;
  reference: string;
  image: CatalogImage;
}

export interface Repository {
  name: string;
  tags: TaggedImage[];
}

export interface Catalog {
  repositories: Repository[];
  dangling: CatalogImage[];
}

export function buildCatalog(images: CatalogImage[]): Catalog {
  const byRepository = new Map<string, TaggedImage[]>();
  const dangling: CatalogImage[] = [];
  for (const image of images) {
    const references = image.repoTags.filter((t) => t && t !== '<none>:<none>');
    if (references.length === 0) dangling.push(image);
    for (const reference of references) {
      const { repository, tag } = splitReference(reference);
      const list = byRepository.get(repository) ?? [];
      list.push({ tag, reference, image });
      byRepository.set(repository, list);
    }
  }
  const repositories = [...byRepository]
    .map(([name, tags]) => ({ name, tags: tags.sort((a, b) => a.tag.localeCompare(b.tag)) }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { repositories, dangling: dangling.sort((a, b) => b.created - a.created) };
}

/** "localhost:5000/team/app:1.2" → repository "localhost:5000/team/app", tag "1.2" (a registry port is not a tag). */
export function splitReference(reference: string): { repository: string; tag: string } {
  const at = reference.indexOf('@');
  const name = at >= 0 ? reference.slice(0, at) : reference;
  const colon = name.lastIndexOf(':');
  if (colon > name.lastIndexOf('/')) return { repository: name.slice(0, colon), tag: name.slice(colon + 1) };
  return { repository: name, tag: at >= 0 ? reference.slice(at + 1) : 'latest' };
}

/** For every diffID, how many distinct images use it. */
export function layerUsage(images: CatalogImage[]): Map<string, number> {
  const usage = new Map<string, number>();
  for (const image of images) {
    for (const diffId of new Set(image.layers ?? [])) usage.set(diffId, (usage.get(diffId) ?? 0) + 1);
  }
  return usage;
}

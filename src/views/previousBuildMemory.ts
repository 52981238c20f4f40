// What Layerlens remembers of rebuilds: for each tag, the image it points to now and the images it pointed to
// before, most recent first. Updated from the engine's image list whenever its events say images changed (and on
// connecting, which catches rebuilds made while VS Code was closed). After a rebuild the old image is `<none>`
// but stays on the engine until it is pruned. Pure (no `vscode`): the extension keeps it in its global state.

export interface TagMemory {
  /** tag → image ID it pointed to when last listed. */
  tags: Record<string, string>;
  /** tag → image IDs it pointed to before, most recent first. */
  previous: Record<string, string[]>;
}

/** How many earlier images are kept per tag. */
export const KEPT_PREVIOUS = 5;

export function emptyMemory(): TagMemory {
  return { tags: {}, previous: {} };
}

/**
 * The memory after the engine listed `listed` (tag → image ID). A tag that now points to another image remembers
 * the one before; a tag that went away keeps its history (a `docker rmi app:1` then a rebuild is still a rebuild).
 */
export function rememberListing(memory: TagMemory, listed: Record<string, string>): TagMemory {
  const previous: Record<string, string[]> = { ...memory.previous };
  for (const [tag, id] of Object.entries(listed)) {
    const before = memory.tags[tag];
    if (before === undefined || before === id) continue;
    previous[tag] = [before, ...(previous[tag] ?? []).filter((p) => p !== before && p !== id)].slice(0, KEPT_PREVIOUS);
  }
  const tags = { ...memory.tags };
  for (const [tag, id] of Object.entries(listed)) tags[tag] = id;
  return { tags, previous };
}

/** The image `tag` pointed to before the image it points to now; undefined when none is known. */
export function previousBuildOf(memory: TagMemory, tag: string, currentId = memory.tags[tag]): string | undefined {
  return (memory.previous[tag] ?? []).find((id) => id !== currentId);
}

/** The engine's image list as tag → image ID (untagged images have no tag to remember). */
export function tagsOfListing(images: readonly { Id: string; RepoTags?: string[] | null }[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const image of images) for (const tag of image.RepoTags ?? []) if (tag !== '<none>:<none>') tags[tag] = image.Id;
  return tags;
}

/** A memory read back from storage, or an empty one when it is not one (an older or damaged state). */
export function parseMemory(value: unknown): TagMemory {
  if (typeof value !== 'object' || value === null) return emptyMemory();
  const { tags, previous } = value as Partial<TagMemory>;
  const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isRecord(tags) || !isRecord(previous)) return emptyMemory();
  const memory = emptyMemory();
  for (const [tag, id] of Object.entries(tags)) if (typeof id === 'string') memory.tags[tag] = id;
  for (const [tag, ids] of Object.entries(previous)) if (Array.isArray(ids)) memory.previous[tag] = ids.filter((id): id is string => typeof id === 'string').slice(0, KEPT_PREVIOUS);
  return memory;
}

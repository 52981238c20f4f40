// How an image is named to the user. An image can have many names: `docker tag` adds RepoTags, and a pull from
// a mirror adds "127.0.0.1:5055/evalll/debian:legacy" beside "evalll/debian:legacy". The name to show is the
// one the user referred to it by; only an image chosen by ID (or from a list) falls back to its first tag.

/** Placeholders the engines list for an untagged image. */
const NO_TAG = new Set(['<none>:<none>', '<none>@<none>']);

/**
 * The image's name for titles and text: `reference` as given when it names the image (a tag, a short name such
 * as "debian", a digest reference); for an ID reference, or none, the first real tag; else the short ID.
 * `reference` should be what the user typed or picked, never a file path (archives are named by their tags).
 */
export function imageDisplayName(id: string, tags: readonly string[], reference?: string): string {
  const ref = reference?.trim();
  const named = tags.filter((t) => t && !NO_TAG.has(t));
  if (ref && !isIdReference(ref, id, named)) return ref;
  return named[0] ?? shortImageId(id);
}

/** The 12 hex digits `docker image ls` shows. */
export function shortImageId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

/**
 * Whether `ref` picks the image by ID ("sha256:…", or a hex prefix of it). A name wins over an ID prefix,
 * as on the engine: "cafe" is a name when the image is tagged "cafe" (or "cafe:latest").
 */
function isIdReference(ref: string, id: string, tags: readonly string[]): boolean {
  const m = /^(sha256:)?([0-9a-f]+)$/.exec(ref);
  if (!m || !id.replace(/^sha256:/, '').startsWith(m[2])) return false;
  return m[1] !== undefined || !tags.some((t) => t === ref || t === `${ref}:latest`);
}

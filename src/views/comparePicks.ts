// What "Compare with…" offers, most likely first: the same repository's other tags, then previous builds (the
// images a tag of this one pointed to before, then untagged images, newest first), then every other image.
// Pure (no `vscode`), so the order is unit-tested.
import { imagePicks, shortImageId, type ImagePick, type PickableImage } from '../core/catalog/imagePicks';
import { describeRemoteImage, type RemoteImage } from './remoteImageList';

export interface CompareSubject {
  id: string;
  /** repository:tag names of the image compared from. */
  tags: string[];
}

export interface ComparePickGroup {
  title: string;
  picks: ImagePick[];
}

/** `previousIds`: image IDs the subject's tags pointed to before, most recent first (see previousBuilds.ts). */
export function comparePicks(subject: CompareSubject, images: readonly PickableImage[], previousIds: readonly string[], nowMs: number = Date.now()): ComparePickGroup[] {
  const others = images.filter((i) => i.id !== subject.id);
  const all = imagePicks(others, nowMs);
  const repositories = new Set(subject.tags.map(repositoryOf));
  const taken = new Set<ImagePick>();
  const take = (picks: ImagePick[]) => {
    for (const p of picks) taken.add(p);
    return picks;
  };
  const sameRepository = take(all.filter((p) => !p.label.startsWith('<untagged>') && repositories.has(repositoryOf(p.name))));
  const created = new Map(others.map((i) => [i.id, i.created]));
  const remembered = previousIds.filter((id, k) => id !== subject.id && previousIds.indexOf(id) === k && created.has(id));
  const previous: ImagePick[] = [];
  for (const id of remembered) {
    const pick = all.find((p) => p.ref === id && !taken.has(p));
    // A previous build is often untagged now: it is named by its short ID and said to be a previous build.
    if (pick) previous.push({ ...pick, description: `previous build · ${pick.description}` });
    for (const p of all) if (p.ref === id) taken.add(p);
  }
  const untagged = all.filter((p) => !taken.has(p) && p.label.startsWith('<untagged>'));
  untagged.sort((x, y) => (created.get(y.ref) ?? 0) - (created.get(x.ref) ?? 0));
  take(untagged);
  const groups: ComparePickGroup[] = [
    { title: 'Same repository', picks: sameRepository },
    { title: 'Previous builds', picks: [...previous, ...untagged] },
    { title: 'Other images', picks: all.filter((p) => !taken.has(p)) },
  ];
  return groups.filter((g) => g.picks.length);
}

/**
 * The Remote group's images (newest opened first, as kept) other than the subject, after the engine's: a
 * comparison reads a remote side from its registry, by the digest it was seen at.
 */
export function remoteComparePicks(subjectRef: string, remotes: readonly RemoteImage[]): ComparePickGroup[] {
  const picks = remotes
    .filter((r) => r.ref !== subjectRef)
    .map((r) => ({ label: r.multiPlatform ? `${r.label} (${r.platform})` : r.label, description: describeRemoteImage(r), ref: r.ref, name: r.label }));
  return picks.length ? [{ title: 'Remote images', picks }] : [];
}

/** "registry:5000/app:1.2" → "registry:5000/app" (the colon of a port is not a tag's). */
export function repositoryOf(reference: string): string {
  const colon = reference.lastIndexOf(':');
  return colon > reference.lastIndexOf('/') ? reference.slice(0, colon) : reference;
}

export { shortImageId };

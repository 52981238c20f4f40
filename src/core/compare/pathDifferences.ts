// The path-by-path difference of two final filesystems, in one walk over both stacked trees at once: each
// directory's children are matched by name (a hash lookup), so nothing is sorted but the changes found.
// A hardlink is compared as the file it shares bytes with, so a file that became a hardlink to identical bytes is
// no change; mode, uid and gid are the link's own, as `docker export` shows them. Its bytes are its target's as
// the link's own layer holds them: a later layer that replaces the target path does not change the linked inode
// (the containerd store's differ leaves such a link out of the new layer, and the export shows the old bytes).
import type { FsNode, FsStack } from '../model/fsStack';
import { comparePaths } from '../model/paths';
import type { LayerEntry, LayerIndex } from '../model/types';
import type { DifferenceKind, PathDifference, PathSide } from './comparison';

export interface ViewSide {
  /** The image's layers stacked to the top. */
  stack: FsStack;
  /** Step index of each layer index (undefined for a layer without a step). */
  stepOfLayer: (number | undefined)[];
  /** The image's layers, where a hardlink's target is looked up first. */
  layers: readonly LayerIndex[];
  /** Filled as needed: each layer's entries by path. */
  entriesOfLayer?: Map<number, Map<string, LayerEntry>>;
}

/** Every path that differs, sorted by path. `ignored` leaves a path out, and everything below it. */
export function pathDifferences(a: ViewSide, b: ViewSide, ignored?: (path: string) => boolean): PathDifference[] {
  const changes: PathDifference[] = [];
  // A node both stacks share (finalViews forks them from their common layers) is the same path, version and
  // subtree on both sides, so it holds no difference, unless a hardlink in it takes its bytes from elsewhere.
  const skipShared = !a.stack.linksOutsideTheirLayer && !b.stack.linksOutsideTheirLayer;
  // Pairs of directories still to visit (either may be missing); explicit, not recursion: paths can be very deep.
  const pending: [FsNode | undefined, FsNode | undefined][] = [[a.stack.root, b.stack.root]];
  const visit = (na: FsNode | undefined, nb: FsNode | undefined) => {
    if (na === nb && skipShared) return;
    const path = (na ?? nb)!.entry.path;
    if (ignored?.(path)) return;
    if (!na) changes.push({ path, change: 'added', kind: null, a: null, b: sideOf(nb!, b) });
    else if (!nb) changes.push({ path, change: 'removed', kind: null, a: sideOf(na, a), b: null });
    else {
      const kind = differenceKind(resolved(na, a), na.entry, resolved(nb, b), nb.entry);
      if (kind) changes.push({ path, change: 'modified', kind, a: sideOf(na, a), b: sideOf(nb, b) });
    }
    const da = na?.children?.size ? na : undefined;
    const db = nb?.children?.size ? nb : undefined;
    if (da || db) pending.push([da, db]);
  };
  while (pending.length) {
    const [da, db] = pending.pop()!;
    if (da) for (const [name, child] of da.children!) visit(child, db?.children?.get(name));
    if (db) for (const [name, child] of db.children!) if (!da?.children?.has(name)) visit(undefined, child);
  }
  return changes.sort((x, y) => comparePaths(x.path, y.path));
}

/** What differs between two versions of a path; undefined when nothing does. `ca`/`cb`: the content each shows. */
function differenceKind(ca: LayerEntry, ea: LayerEntry, cb: LayerEntry, eb: LayerEntry): DifferenceKind | undefined {
  if (ca.type !== cb.type) return 'type';
  switch (ca.type) {
    case 'file':
      if (ca.hash !== cb.hash || ca.size !== cb.size) return 'content';
      break;
    case 'symlink':
    case 'hardlink': // a hardlink here is one whose target is missing: all we know is where it points
      if (ca.linkTarget !== cb.linkTarget) return 'content';
      break;
    case 'char':
    case 'block':
      if (ca.devMajor !== cb.devMajor || ca.devMinor !== cb.devMinor) return 'content';
      break;
  }
  return ea.mode !== eb.mode || ea.uid !== eb.uid || ea.gid !== eb.gid ? 'metadata' : undefined;
}

/**
 * The entry whose content a path shows: a hardlink's target in the link's own layer (a tar links to a member
 * before it), else in the final view; followed a few times. Anything else is its own content.
 */
function resolved(node: FsNode, side: ViewSide): LayerEntry {
  let current: LayerEntry = node.entry;
  let layer = node.layer;
  for (let hops = 0; hops < 8 && current.type === 'hardlink' && current.linkTarget !== undefined; hops++) {
    const inLayer = entriesOf(side, layer)?.get(current.linkTarget);
    const inView = inLayer ? undefined : side.stack.lookup(current.linkTarget);
    const target = inLayer ?? inView?.entry;
    if (!target || target === current) break;
    if (inView) layer = inView.layer;
    current = target;
  }
  return current;
}

function entriesOf(side: ViewSide, layer: number): Map<string, LayerEntry> | undefined {
  const index = side.layers[layer];
  if (!index) return undefined;
  side.entriesOfLayer ??= new Map();
  let byPath = side.entriesOfLayer.get(layer);
  if (!byPath) {
    byPath = new Map(index.entries.map((e) => [e.path, e]));
    side.entriesOfLayer.set(layer, byPath);
  }
  return byPath;
}

function sideOf(node: FsNode, side: ViewSide): PathSide {
  const entry = node.entry;
  const content = entry.type === 'hardlink' ? resolved(node, side) : entry;
  return {
    type: entry.type,
    size: content.type === 'file' ? content.size : entry.size,
    mode: entry.mode,
    uid: entry.uid,
    gid: entry.gid,
    linkTarget: entry.linkTarget ?? null,
    hash: content.hash ?? null,
    layer: node.layer,
    step: side.stepOfLayer[node.layer] ?? null,
  };
}

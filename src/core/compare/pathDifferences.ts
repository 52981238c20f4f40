// The path-by-path difference of two final merged views, in one pass over both sorted lists.
// A hardlink is compared as the file it shares bytes with, so a file that became a hardlink to identical bytes is
// no change; mode, uid and gid are the link's own, as `docker export` shows them. Its bytes are its target's as
// the link's own layer holds them: a later layer that replaces the target path does not change the linked inode
// (the containerd store's differ leaves such a link out of the new layer, and the export shows the old bytes).
import type { MergedEntry } from '../imageModel';
import { comparePaths, parentOf } from '../paths';
import type { LayerEntry, LayerIndex } from '../types';
import type { DifferenceKind, PathDifference, PathSide } from './comparison';

export interface ViewSide {
  /** The final merged view, sorted by comparePaths (ImageModel.mergedViewAt). */
  entries: MergedEntry[];
  /** Step index of each layer index (undefined for a layer without a step). */
  stepOfLayer: (number | undefined)[];
  /** The image's layers, where a hardlink's target is looked up first. */
  layers: readonly LayerIndex[];
  /** Filled as needed: each layer's entries by path. */
  entriesOfLayer?: Map<number, Map<string, LayerEntry>>;
}

export function pathDifferences(a: ViewSide, b: ViewSide, ignored?: (path: string) => boolean): PathDifference[] {
  const changes: PathDifference[] = [];
  const ignoredDirs = new Set<string>();
  const skip = (entry: MergedEntry): boolean => {
    if (!ignored) return false;
    if (!ignoredDirs.has(parentOf(entry.path)) && !ignored(entry.path)) return false;
    if (entry.type === 'dir') ignoredDirs.add(entry.path);
    return true;
  };
  const A = a.entries;
  const B = b.entries;
  let i = 0;
  let j = 0;
  while (i < A.length || j < B.length) {
    const order = i >= A.length ? 1 : j >= B.length ? -1 : comparePaths(A[i].path, B[j].path);
    if (order < 0) {
      const ea = A[i++];
      if (!skip(ea)) changes.push({ path: ea.path, change: 'removed', kind: null, a: sideOf(ea, a), b: null });
    } else if (order > 0) {
      const eb = B[j++];
      if (!skip(eb)) changes.push({ path: eb.path, change: 'added', kind: null, a: null, b: sideOf(eb, b) });
    } else {
      const ea = A[i++];
      const eb = B[j++];
      // Either side being ignored ignores the path (a directory on one side, a file on the other).
      const skipA = skip(ea);
      if (skip(eb) || skipA) continue;
      const kind = differenceKind(resolved(ea, a), ea, resolved(eb, b), eb);
      if (kind) changes.push({ path: ea.path, change: 'modified', kind, a: sideOf(ea, a), b: sideOf(eb, b) });
    }
  }
  return changes;
}

/** What differs between two versions of a path; undefined when nothing does. `ca`/`cb`: the content each shows. */
function differenceKind(ca: LayerEntry, ea: LayerEntry, cb: LayerEntry, eb: LayerEntry): DifferenceKind | undefined {
  if (ca.type !== cb.type) return 'type';
  switch (ca.type) {
    case 'file':
      if (ca.hash !== cb.hash || ca.size !== cb.size) return 'content';
      break;
    case 'symlink':
      if (ca.linkTarget !== cb.linkTarget) return 'content';
      break;
    case 'hardlink': // a link whose target is missing: all we know is where it points
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
function resolved(entry: MergedEntry, side: ViewSide): LayerEntry {
  let current: LayerEntry = entry;
  let layer = entry.layer;
  for (let hops = 0; hops < 8 && current.type === 'hardlink' && current.linkTarget !== undefined; hops++) {
    const inLayer = entriesOf(side, layer)?.get(current.linkTarget);
    const target = inLayer ?? findPath(side.entries, current.linkTarget);
    if (!target || target === current) break;
    if (!inLayer) layer = (target as MergedEntry).layer;
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

/** Binary search in a view sorted by comparePaths. */
function findPath(entries: MergedEntry[], path: string): MergedEntry | undefined {
  let lo = 0;
  let hi = entries.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const order = comparePaths(entries[mid].path, path);
    if (order === 0) return entries[mid];
    if (order < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

function sideOf(entry: MergedEntry, side: ViewSide): PathSide {
  const content = entry.type === 'hardlink' ? resolved(entry, side) : entry;
  return {
    type: entry.type,
    size: content.type === 'file' ? content.size : entry.size,
    mode: entry.mode,
    uid: entry.uid,
    gid: entry.gid,
    linkTarget: entry.linkTarget ?? null,
    hash: content.hash ?? null,
    layer: entry.layer,
    step: side.stepOfLayer[entry.layer] ?? null,
  };
}

// One layer's changes with what each replaced below it: the findings and the stack relation both need the
// version a modification hid (its layer and size), which `ImageModel.layerChanges` does not keep.
import { FsStack, type DeletionCause, type FsNode, type ModificationKind } from '../model/fsStack';
import type { ImageModel } from '../model/imageModel';
import type { LayerEntry } from '../model/types';

export interface Modification {
  before: FsNode;
  after: FsNode;
  kind: ModificationKind;
}

export interface LayerDelta {
  layer: number;
  added: FsNode[];
  modified: Modification[];
  deleted: { node: FsNode; cause: DeletionCause }[];
  /** The non-directory entries the layer ships (each one added or modified). */
  files: LayerEntry[];
  /** The merged view at this layer, for lookups next to a path (e.g. the directory an archive was unpacked into). */
  stack: FsStack;
}

export function layerDelta(model: ImageModel, layer: number): LayerDelta {
  if (!Number.isInteger(layer) || layer < 0 || layer > model.topLayer) {
    throw new RangeError(`There is no layer ${layer}; this image has layers 0 to ${model.topLayer}.`);
  }
  return applyLayer(model, model.stackTo(layer - 1), layer);
}

/**
 * Every layer's delta, base first, stacking the image once: `use` must be done with a delta before the next
 * one, whose layer changes the same stack.
 */
export function forEachLayerDelta(model: ImageModel, use: (delta: LayerDelta) => void): void {
  const stack = new FsStack();
  for (let layer = 0; layer <= model.topLayer; layer++) use(applyLayer(model, stack, layer));
}

function applyLayer(model: ImageModel, stack: FsStack, layer: number): LayerDelta {
  const delta: LayerDelta = { layer, added: [], modified: [], deleted: [], files: [], stack };
  const index = model.data.layers[layer];
  stack.apply(index, {
    added: (node) => delta.added.push(node),
    modified: (before, after, kind) => delta.modified.push({ before, after, kind }),
    deleted: (node, cause) => delta.deleted.push({ node, cause }),
  });
  delta.files = index.entries.filter((e) => e.type !== 'dir');
  return delta;
}

/** Entries this layer added, or whose permission bits it changed: what mode-based findings look at. */
export function newOrChangedEntries(delta: LayerDelta, bitsGained: (before: LayerEntry, after: LayerEntry) => boolean): LayerEntry[] {
  const result = delta.added.map((n) => n.entry);
  for (const m of delta.modified) if (bitsGained(m.before.entry, m.after.entry)) result.push(m.after.entry);
  return result;
}

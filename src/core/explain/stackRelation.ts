// How a layer sits in its stack: what it copied up and deleted from the layers below (those bytes still
// ship there), and what the layers above take away from it (its wasted bytes).
import type { ImageAnalysis } from '../analysis/analysis';
import type { LayerShare, StackRelation } from './explanation';
import type { LayerDelta } from './layerDelta';

export function stackRelation(delta: LayerDelta, analysis: ImageAnalysis): StackRelation {
  const copied = delta.modified.filter((m) => m.kind !== 'type' && m.before.entry.type !== 'dir');
  const undone = analysis.wastedFiles.filter((w) => w.layer === delta.layer);
  return {
    copiedUp: {
      paths: copied.length,
      bytes: sumOf(copied, (m) => m.before.entry.size),
      sameContentBytes: sumOf(copied.filter((m) => m.kind === 'metadata'), (m) => m.after.entry.size),
      fromLayers: groupByLayer(copied.map((m) => ({ layer: m.before.layer, bytes: m.before.entry.size }))),
    },
    deleted: {
      paths: delta.deleted.length,
      bytesStillShipped: sumOf(delta.deleted, (d) => d.node.entry.size),
      fromLayers: groupByLayer(delta.deleted.map((d) => ({ layer: d.node.layer, bytes: d.node.entry.size }))),
    },
    undoneLater: {
      paths: undone.length,
      bytes: sumOf(undone, (w) => w.size),
      byLayers: groupByLayer(undone.map((w) => ({ layer: w.by, bytes: w.size }))),
    },
  };
}

/** Paths and bytes per layer, in layer order. */
export function groupByLayer(items: { layer: number; bytes: number }[]): LayerShare[] {
  const byLayer = new Map<number, LayerShare>();
  for (const { layer, bytes } of items) {
    const share = byLayer.get(layer) ?? { layer, paths: 0, bytes: 0 };
    share.paths++;
    share.bytes += bytes;
    byLayer.set(layer, share);
  }
  return [...byLayer.values()].sort((a, b) => a.layer - b.layer);
}

function sumOf<T>(items: T[], bytes: (item: T) => number): number {
  return items.reduce((total, item) => total + bytes(item), 0);
}

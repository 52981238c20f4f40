// Size, waste and efficiency of an image, in one pass over its layers.
//
// Efficiency and wasted bytes follow dive exactly (wagoodman/dive filetree/efficiency.go, image/analysis.go),
// so the numbers can be compared: for every path, over every layer whose tree has it as a leaf,
//   cumulative = Σ sizes, minimum = smallest single size (a whiteout counts 0, a whited-out directory
//   counts everything it hid in the layers below; opaque markers are ignored, as dive does);
//   efficiency = Σ minimum ÷ Σ cumulative (1 when nothing is counted);
//   wastedBytes = Σ cumulative of the paths seen in two or more layers;
//   userWastedPercent = wastedBytes ÷ size of all layers but the first (+Inf for waste over no user bytes, as
//   Go's division gives; see userWasted.ts).
// The per-file waste list is Layerlens' own, exact account: every version of a file whose bytes ship in a
// layer but are not what the final filesystem shows, with why.
import { FsStack, type FsNode } from '../model/fsStack';
import type { ImageModel } from '../model/imageModel';
import { parentOf } from '../model/paths';
import type { LayerIndex } from '../model/types';
import type { LayerPackageCounts } from '../packages/packagesReport';
import { userWastedRatio } from './userWasted';

export type WasteReason = 'overwritten' | 'deleted' | 'metadata-only';

export interface WastedFile {
  path: string;
  /** Layer that ships the wasted bytes. */
  layer: number;
  size: number;
  reason: WasteReason;
  /** Layer that overwrote or deleted it. */
  by: number;
}

export interface LayerStats {
  index: number;
  diffId: string;
  /** Σ content bytes of the layer's files (what `docker history` shows as the layer size). */
  size: number;
  tarBytes: number;
  entries: number;
  added: number;
  modified: number;
  /** Modified paths whose content did not change (chmod/chown/touch): still a full copy. */
  metadataOnly: number;
  deleted: number;
  /** Bytes of this layer's files that the final filesystem does not use. */
  wastedBytes: number;
}

export interface InefficientPath {
  path: string;
  /** Number of layers that touch it. */
  count: number;
  cumulativeSize: number;
}

export interface ImageAnalysis {
  layers: LayerStats[];
  /** Σ layer sizes. */
  totalSize: number;
  /** dive's efficiency (see the top of this file). */
  efficiency: number;
  /** dive's wasted bytes: counts every version of a path touched twice, the one kept included. */
  wastedBytes: number;
  /** dive's wastedBytes ÷ the size of every layer but the first: Infinity when there is waste but no such bytes. */
  userWastedPercent: number;
  /**
   * Layerlens' exact figure, the one to show users as "wasted": bytes shipped in some layer that the final
   * filesystem does not use (Σ of wastedFiles, = Σ of the layers' wastedBytes).
   */
  exactWastedBytes: number;
  /** dive's list: paths in two or more layers, biggest cumulative size first. */
  inefficientPaths: InefficientPath[];
  /** Layerlens' list: every wasted file version, biggest first. */
  wastedFiles: WastedFile[];
  warnings: string[];
  /** By layer: its package changes (packages/packagesReport.ts); set by loadAnalysis, absent where not computed. */
  packages?: LayerPackageCounts[];
}

interface PathTally {
  count: number;
  cumulative: number;
  minimum: number;
}

export function analyzeImage(model: ImageModel): ImageAnalysis {
  const layers = model.data.layers;
  const tallies = new Map<string, PathTally>();
  const wastedFiles: WastedFile[] = [];
  const stats: LayerStats[] = layers.map((layer, index) => ({
    index,
    diffId: layer.diffId,
    size: layer.entries.reduce((sum, e) => sum + e.size, 0),
    tarBytes: layer.tarBytes,
    entries: layer.entries.length,
    added: 0,
    modified: 0,
    metadataOnly: 0,
    deleted: 0,
    wastedBytes: 0,
  }));
  const waste = (node: FsNode, reason: WasteReason, by: number) => {
    const e = node.entry;
    if (e.type !== 'file' || e.size === 0) return;
    wastedFiles.push({ path: e.path, layer: node.layer, size: e.size, reason, by });
    stats[node.layer].wastedBytes += e.size;
  };

  const stack = new FsStack();
  for (const layer of layers) {
    stack.apply(layer, {
      beforeLayer: (lower, index) => tallyLayer(tallies, lower, index),
      added: (_node, i) => stats[i].added++,
      modified: (before, after, kind, i) => {
        stats[i].modified++;
        if (kind === 'metadata' && after.entry.type !== 'dir') stats[i].metadataOnly++;
        const sameBytes = kind === 'metadata' && after.entry.type === 'file';
        waste(before, sameBytes ? 'metadata-only' : 'overwritten', i);
      },
      deleted: (node, _cause, i) => {
        stats[i].deleted++;
        waste(node, 'deleted', i);
      },
    });
  }

  let minimum = 0;
  let cumulative = 0;
  let wastedBytes = 0;
  const inefficientPaths: InefficientPath[] = [];
  for (const [path, tally] of tallies) {
    minimum += tally.minimum;
    cumulative += tally.cumulative;
    if (tally.count >= 2) {
      wastedBytes += tally.cumulative;
      inefficientPaths.push({ path, count: tally.count, cumulativeSize: tally.cumulative });
    }
  }
  const totalSize = stats.reduce((sum, s) => sum + s.size, 0);
  const userSize = totalSize - (stats[0]?.size ?? 0);
  inefficientPaths.sort((a, b) => b.cumulativeSize - a.cumulativeSize || a.path.localeCompare(b.path));
  wastedFiles.sort((a, b) => b.size - a.size || a.layer - b.layer || a.path.localeCompare(b.path));
  return {
    layers: stats,
    totalSize,
    efficiency: cumulative === 0 ? 1 : minimum / cumulative,
    wastedBytes,
    userWastedPercent: userWastedRatio(wastedBytes, userSize),
    exactWastedBytes: stats.reduce((sum, s) => sum + s.wastedBytes, 0),
    inefficientPaths,
    wastedFiles,
    warnings: [...layers.flatMap((l, i) => l.warnings.map((w) => `Layer ${i}: ${w}`)), ...stack.warnings],
  };
}

/** dive's per-layer visit: leaves of the layer's own tree, and whiteouts sized by what they hid below. */
function tallyLayer(tallies: Map<string, PathTally>, lower: FsStack, layer: LayerIndex): void {
  const inner = new Set<string>();
  const markAncestors = (path: string) => {
    for (let p = parentOf(path); !inner.has(p); p = parentOf(p)) {
      inner.add(p);
      if (p === '/') break;
    }
  };
  for (const e of layer.entries) markAncestors(e.path);
  for (const w of layer.whiteouts) markAncestors(w);
  for (const e of layer.entries) {
    if (e.path !== '/' && !inner.has(e.path)) tally(tallies, e.path, e.size);
  }
  for (const path of layer.whiteouts) {
    const hidden = lower.lookup(path);
    tally(tallies, path, hidden?.entry.type === 'dir' ? subtreeSize(hidden) : 0);
  }
}

function subtreeSize(node: FsNode): number {
  let total = node.entry.size;
  if (node.children) for (const child of node.children.values()) total += subtreeSize(child);
  return total;
}

function tally(tallies: Map<string, PathTally>, path: string, size: number): void {
  const t = tallies.get(path);
  if (!t) tallies.set(path, { count: 1, cumulative: size, minimum: size });
  else {
    t.count++;
    t.cumulative += size;
    if (size < t.minimum) t.minimum = size;
  }
}

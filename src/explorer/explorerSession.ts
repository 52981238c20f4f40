// Answers the explorer webview's requests for one indexed image. Pure (no `vscode`): the panel only moves
// messages. Trees are built per layer range and kept for the last few ranges, so expanding is a lookup.
import type { ImageAnalysis } from '../core/analysis/analysis';
import type { ViewStep } from '../core/model/engineHistory';
import { formatMode } from '../core/format';
import { loadImagePackages } from '../core/packages/imagePackages';
import type { ImageModel, PathEvent } from '../core/model/imageModel';
import { ImageFiles } from '../core/model/imageFiles';
import { fileActions, type FileActions } from './fileActions';
import { describePathHistory } from './fileHistory';
import { LayerTree } from './layerTree';
import { ownerSentence, PackageOwners } from './packageOwners';
import { packageRows } from './packageRows';
import { describeBelow } from './rollupText';
import { SecurityMarks } from './securityMarks';
import type { FileDetails, LayerInfo, LayerRange, Request, Response, TreeMode, WastedRow } from './protocol';

const KEPT_TREES = 4;

export class ExplorerSession {
  private readonly trees = new Map<string, LayerTree>();
  private historyIndex?: Map<string, PathEvent[]>;
  /** The packages and who owns each path: read on first use (the Packages tab, or once the first tree shows). */
  private packagesRead?: Promise<PackageOwners>;
  private owners?: PackageOwners;
  /** Secrets and setuid programs by path and layer (Explain's findings), found once per image. */
  readonly security: SecurityMarks;

  constructor(
    readonly model: ImageModel,
    readonly analysis: ImageAnalysis,
    /** The image's files (symlinks resolved), shared with the file system when the host has them. */
    private imageFiles?: ImageFiles,
  ) {
    this.security = new SecurityMarks(model);
  }

  /** The tree of a range, built on first use; the least recently used ones are dropped. */
  tree(range: LayerRange): LayerTree {
    const key = `${range.from}:${range.to}`;
    let tree = this.trees.get(key);
    if (tree) this.trees.delete(key);
    else tree = new LayerTree(this.model, range, this.security);
    this.trees.set(key, tree);
    while (this.trees.size > KEPT_TREES) this.trees.delete(this.trees.keys().next().value!);
    return tree;
  }

  answer(request: Request): Response {
    const started = performance.now();
    const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
    try {
      if (request.kind === 'packages') {
        this.checkRange(request.range);
        if (!this.owners) return { kind: 'response', id: request.id, error: 'The packages are still being read.', elapsedMs: elapsed() };
        return { kind: 'response', id: request.id, packages: packageRows(this.owners, request.range, request.view), elapsedMs: elapsed() };
      }
      this.checkRange(request.query.range);
      const { mode, sort, range } = request.query;
      const tree = this.tree(range);
      switch (request.kind) {
        case 'children':
          return { kind: 'response', id: request.id, rows: tree.children(request.dir, mode, sort, request.depth), elapsedMs: elapsed() };
        case 'reveal':
          return { kind: 'response', id: request.id, rows: tree.reveal(request.path, mode, sort), elapsedMs: elapsed() };
        case 'filter': {
          const only = request.filter.package === undefined ? undefined : this.owners?.filesOf(request.filter.package);
          if (request.filter.package !== undefined && !only) throw new Error('This package is not in the image.');
          const { rows, total, truncated } = tree.filter(request.filter, mode, sort, only && ((path) => only.has(path)));
          return { kind: 'response', id: request.id, rows, total, truncated, elapsedMs: elapsed() };
        }
        case 'details': {
          const details = this.details(tree, request.path, mode);
          if (!details) return { kind: 'response', id: request.id, error: 'This path is not in the selected layers.', elapsedMs: elapsed() };
          return { kind: 'response', id: request.id, details, elapsedMs: elapsed() };
        }
      }
    } catch (error) {
      return { kind: 'response', id: request.id, error: error instanceof Error ? error.message : String(error), elapsedMs: elapsed() };
    }
  }

  /** Reads the packages once (the readers may load sql.js first); later calls share the same answer. */
  loadPackages(): Promise<PackageOwners> {
    return (this.packagesRead ??= loadImagePackages(this.model.data).then((packages) => (this.owners = new PackageOwners(packages))));
  }

  /** A request answered once the packages are read (the Packages tab's, which may come before they are). */
  async answerWhenRead(request: Extract<Request, { kind: 'packages' }>): Promise<Response> {
    try {
      await this.loadPackages();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { kind: 'response', id: request.id, error: `The package databases could not be read: ${reason}`, elapsedMs: 0 };
    }
    return this.answer(request);
  }

  layers(): LayerInfo[] {
    return this.model.steps.map((step) => {
      const info: LayerInfo = { step: step.index, instruction: step.instruction, size: 0, created: step.created };
      if (step.layerIndex === undefined) return info;
      const stats = this.analysis.layers[step.layerIndex];
      return {
        ...info,
        layer: step.layerIndex,
        size: stats.size,
        added: stats.added,
        modified: stats.modified - stats.metadataOnly,
        metadataOnly: stats.metadataOnly,
        deleted: stats.deleted,
        wastedBytes: stats.wastedBytes,
        ...(this.security.ofLayer(step.layerIndex).length ? { security: this.security.ofLayer(step.layerIndex) } : {}),
      };
    });
  }

  wasted(limit = 5_000): WastedRow[] {
    return this.analysis.wastedFiles.slice(0, limit).map(({ path, layer, size, reason, by }) => ({ path, layer, size, reason, by }));
  }

  private details(tree: LayerTree, path: string, mode: TreeMode): FileDetails | undefined {
    const found = tree.entryAt(path);
    if (!found) return undefined;
    const { entry, layer, deleted } = found;
    const events = this.pathHistory(path);
    // Actions read the view the user sees: the selected layer, or for a deleted path the layer that held it.
    const actions = this.fileActions(path, deleted ? layer : tree.range.to, entry);
    // A directory's own size is 0: its details show the rolled-up size its row shows.
    const dir = entry.type === 'dir' ? tree.dirSummary(path, mode) : undefined;
    const below = dir?.below ? describeBelow({ changedCount: dir.below.count, changedBytes: dir.below.bytes, deletedCount: dir.below.deletedCount, deletedBytes: dir.below.deletedBytes }) : '';
    const security = this.security.of(path, layer);
    // Owners in the view shown: the selected layer's databases, or for a deleted path those of the layer that held it.
    const owners = this.owners && entry.type !== 'dir' ? this.owners.ownersAt(path, deleted ? layer : tree.range.to).map(ownerSentence) : [];
    return {
      path,
      type: entry.type,
      size: dir?.size ?? entry.size,
      ...(below ? { below } : {}),
      ...(security.length ? { security } : {}),
      ...(owners.length ? { owners } : {}),
      mode: formatMode(entry.mode, entry.type),
      owner: `${entry.uid}:${entry.gid}`,
      ...(entry.linkTarget !== undefined ? { linkTarget: entry.linkTarget } : {}),
      layer,
      history: describePathHistory(this.model, events),
      canOpen: actions.open.enabled,
      canCompare: actions.compare.enabled,
      ...actions,
    };
  }

  /** What Open and Compare do on `path` at `layer`; the entry is looked up when the caller does not have it. */
  fileActions(path: string, layer: number, entry = this.files().resolve(layer, path, false).node.entry): FileActions {
    return fileActions(() => this.files(), (p) => this.pathHistory(p), path, layer, entry);
  }

  /** The image's files with symlinks resolved (a merged view per layer asked), made on first use. */
  private files(): ImageFiles {
    return (this.imageFiles ??= new ImageFiles(this.model));
  }

  /** A path's events; the first call indexes every path at once, so that selecting files stays instant. */
  pathHistory(path: string): PathEvent[] {
    this.historyIndex ??= this.model.histories();
    return this.historyIndex.get(path) ?? [];
  }

  private checkRange(range: LayerRange): void {
    if (range.to > this.model.topLayer) throw new RangeError(`There is no layer ${range.to} in this image.`);
  }
}

/** The layer list before the image is indexed: from the engine's history API alone. */
export function layersFromEngineSteps(steps: ViewStep[]): LayerInfo[] {
  return steps.map((s) => ({
    step: s.index,
    instruction: s.instruction,
    size: s.size,
    created: new Date(s.created * 1000).toISOString(),
    ...(s.layerIndex !== undefined ? { layer: s.layerIndex } : {}),
  }));
}

// The Images view: repositories → tags → build steps, untagged images apart. Built from list/inspect/history
// only (never an export), refreshed by the engine's events. View state (filter, sort) lives here, not in data.
// A step's tooltip adds its files and waste when the image was indexed before (the index cache), never exporting.
// A "Remote" group first lists the recent images opened from a registry (remoteImages.ts), engine or not.
import * as vscode from 'vscode';
import { buildCatalog, layerUsage, type CatalogImage, type Repository } from '../core/catalog/catalog';
import { stepsFromEngineHistory, type EngineHistoryEntry, type ViewStep } from '../core/model/engineHistory';
import { analyzeImage, type ImageAnalysis } from '../core/analysis/analysis';
import { formatAge, formatBytes, formatDate } from '../core/format';
import type { IndexCache } from '../core/index/indexCache';
import { loadImageFromCache } from '../docker/imageLoader';
import type { EngineService } from '../services/engineService';
import { refreshOnEvents, reportListingFailure } from './refreshOnEvents';
import { mapSteps } from '../core/model/history';
import type { Step } from '../core/model/types';
import { remoteImageTitle } from './openRemoteImage';
import { describeRemoteImage, type RemoteImage } from './remoteImageList';
import type { RemoteImages } from './remoteImages';

export type ImagesNode =
  | { kind: 'repository'; repository: Repository }
  | { kind: 'dangling'; images: CatalogImage[] }
  /** A filter that hides every image: said as a row, else the view's welcome would say the engine has none. */
  | { kind: 'noMatch'; filter: string; total: number }
  | { kind: 'image'; image: CatalogImage; reference?: string }
  | { kind: 'step'; image: CatalogImage; step: ViewStep; sharedWith: number; diffId?: string; reference?: string }
  | { kind: 'remoteGroup'; images: RemoteImage[] }
  /** Beside the Remote group, no welcome view shows: this row, above it, says what it would (no engine, or connecting). */
  | { kind: 'engineStatus'; message: string; connecting: boolean }
  | { kind: 'remoteImage'; remote: RemoteImage }
  /** Shaped as Explain This Layer's argument (imageRef, label, layer), so the step commands serve it as they are. */
  | { kind: 'remoteStep'; remote: RemoteImage; step: Step; imageRef: string; label: string; layer?: number; diffId?: string; blobSize?: number };

export type ImageSort = 'name' | 'size' | 'created';

interface ImageDetails {
  architecture: string;
  os: string;
  layers: string[];
}

export class ImagesProvider implements vscode.TreeDataProvider<ImagesNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ImagesNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private images: CatalogImage[] = [];
  /** Inspect results never change for an ID (content-addressed), so they are kept. */
  private readonly details = new Map<string, ImageDetails>();
  private filter = '';
  private sort: ImageSort = 'name';
  /** For every diffID, how many local images use it; recomputed when the inspected set changes. */
  private usage = new Map<string, number>();
  private readonly subscription: vscode.Disposable;
  private readonly filterChanged = new vscode.EventEmitter<string>();
  /** Fires with the new filter text ('' when cleared), e.g. to show it in the view's description. */
  readonly onDidChangeFilter = this.filterChanged.event;
  /** Analyses of indexed images, for step tooltips; undefined where the image was never indexed. */
  private readonly analyses = new Map<string, Promise<ImageAnalysis | undefined>>();

  constructor(
    private readonly engines: EngineService,
    private readonly showMetadataSteps: () => boolean,
    private readonly log: vscode.LogOutputChannel,
    private readonly cache?: IndexCache,
    private readonly remote?: RemoteImages,
  ) {
    this.subscription = vscode.Disposable.from(
      refreshOnEvents(engines, 'image', () => this.refresh()),
      ...(remote ? [remote.onDidChange(() => this.changed.fire(undefined))] : []),
    );
  }

  setFilter(text: string): void {
    this.filter = text.trim().toLowerCase();
    void vscode.commands.executeCommand('setContext', 'layerlens.imagesFiltered', this.filter !== '');
    this.filterChanged.fire(this.filter);
    this.changed.fire(undefined);
  }

  get currentFilter(): string {
    return this.filter;
  }

  setSort(sort: ImageSort): void {
    this.sort = sort;
    this.changed.fire(undefined);
  }

  refresh(): void {
    this.images = [];
    // An image indexed meanwhile (explored, analyzed) gets its figures on the next hover.
    for (const [id, analysis] of this.analyses) void analysis.then((a) => a === undefined && this.analyses.delete(id));
    this.changed.fire(undefined);
  }

  /** A step's full tooltip, once hovered: its layer's files and waste come from the index cache. */
  async resolveTreeItem(item: vscode.TreeItem, node: ImagesNode): Promise<vscode.TreeItem> {
    if (node.kind !== 'step') return item;
    const analysis = node.step.layerIndex === undefined ? undefined : await this.analysisOf(node.image.id);
    item.tooltip = stepTooltip(node, analysis);
    return item;
  }

  private analysisOf(imageId: string): Promise<ImageAnalysis | undefined> {
    const cache = this.cache;
    if (!cache) return Promise.resolve(undefined);
    let analysis = this.analyses.get(imageId);
    if (!analysis) {
      analysis = (async () => {
        const stored = await cache.readAnalysis(imageId);
        if (stored) return stored;
        const loaded = await loadImageFromCache(await this.engines.requireEngine().inspectImage(imageId), cache);
        if (!loaded) return undefined;
        const computed = analyzeImage(loaded.model);
        await cache.writeAnalysis(imageId, computed).catch(() => undefined);
        return computed;
      })().catch((error) => {
        this.log.warn(`Reading the analysis of ${imageId} for a tooltip: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      });
      this.analyses.set(imageId, analysis);
    }
    return analysis;
  }

  async getChildren(node?: ImagesNode): Promise<ImagesNode[]> {
    const connected = this.engines.state.kind === 'connected';
    if (!node) {
      const remote = this.remoteRoot();
      if (connected) return [...remote, ...(await this.rootNodes())];
      const state = this.engines.state;
      const status: ImagesNode[] =
        state.kind === 'unreachable' ? [{ kind: 'engineStatus', message: state.message, connecting: false }] : [{ kind: 'engineStatus', message: 'Connecting to the Docker engine…', connecting: true }];
      return remote.length ? [...status, ...remote] : [];
    }
    if (node.kind === 'remoteGroup') return node.images.map((remote) => ({ kind: 'remoteImage', remote }));
    if (node.kind === 'remoteImage') return this.remoteSteps(node.remote);
    if (!connected) return [];
    switch (node.kind) {
      case 'repository':
        return node.repository.tags.map((t) => ({ kind: 'image', image: t.image, reference: t.reference }));
      case 'dangling':
        return node.images.map((image) => ({ kind: 'image', image }));
      case 'image':
        return this.stepNodes(node.image, node.reference);
      case 'step':
      case 'noMatch':
      case 'remoteStep':
      case 'engineStatus':
        return [];
    }
  }

  /** The Remote group, when some recent remote image passes the filter. */
  private remoteRoot(): ImagesNode[] {
    const images = (this.remote?.list ?? []).filter((i) => !this.filter || i.label.toLowerCase().includes(this.filter) || i.ref.includes(this.filter));
    return images.length ? [{ kind: 'remoteGroup', images }] : [];
  }

  /** A remote image's build steps, from its config (read from the registry once; no layer downloaded). */
  private async remoteSteps(remote: RemoteImage): Promise<ImagesNode[]> {
    try {
      const summary = await this.remote!.summaryOf(remote.ref);
      const diffIds = summary.config.rootfs?.diff_ids ?? [];
      const label = remoteImageTitle(remote);
      return mapSteps(summary.config, summary.layerCount)
        .filter((s) => this.showMetadataSteps() || s.layerIndex !== undefined)
        .map((step) => ({
          kind: 'remoteStep',
          remote,
          step,
          imageRef: remote.ref,
          label,
          ...(step.layerIndex !== undefined ? { layer: step.layerIndex, diffId: diffIds[step.layerIndex], blobSize: summary.layerSizes[step.layerIndex] } : {}),
        }));
    } catch (error) {
      this.log.warn(`Reading the build steps of ${remote.label}: ${error instanceof Error ? error.message : String(error)}`);
      void vscode.window.showWarningMessage(error instanceof Error ? error.message : String(error));
      return [];
    }
  }

  getTreeItem(node: ImagesNode): vscode.TreeItem {
    switch (node.kind) {
      case 'repository': {
        const item = new vscode.TreeItem(node.repository.name, vscode.TreeItemCollapsibleState.Collapsed);
        item.iconPath = new vscode.ThemeIcon('repo');
        item.description = `${node.repository.tags.length} tag${node.repository.tags.length === 1 ? '' : 's'}`;
        item.contextValue = 'repository';
        return item;
      }
      case 'dangling': {
        const item = new vscode.TreeItem('<untagged>', vscode.TreeItemCollapsibleState.Collapsed);
        item.iconPath = new vscode.ThemeIcon('question');
        item.description = `${node.images.length} image${node.images.length === 1 ? '' : 's'}`;
        item.contextValue = 'danglingGroup';
        return item;
      }
      case 'image':
        return this.imageItem(node);
      case 'step':
        return this.stepItem(node);
      case 'remoteGroup': {
        const item = new vscode.TreeItem('Remote', vscode.TreeItemCollapsibleState.Expanded);
        item.id = 'remoteGroup';
        item.iconPath = new vscode.ThemeIcon('cloud');
        item.description = `${node.images.length} recent image${node.images.length === 1 ? '' : 's'} from registries`;
        item.tooltip = 'Images opened with Layerlens: Open Remote Image…, read from their registry without a pull.';
        item.contextValue = 'remoteGroup';
        return item;
      }
      case 'remoteImage':
        return remoteImageItem(node.remote);
      case 'engineStatus': {
        const item = new vscode.TreeItem(node.connecting ? node.message : 'No local images: no Docker engine answers', vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon(node.connecting ? 'loading~spin' : 'warning');
        if (!node.connecting) {
          item.description = 'click to retry';
          item.tooltip = node.message;
          item.command = { command: 'layerlens.retry', title: 'Retry Connection' };
        }
        return item;
      }
      case 'remoteStep':
        return remoteStepItem(node);
      case 'noMatch': {
        const item = new vscode.TreeItem(`No image name or ID contains "${node.filter}"`, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon('filter');
        item.description = `${node.total} image${node.total === 1 ? '' : 's'} hidden · click to clear the filter`;
        item.command = { command: 'layerlens.clearImageFilter', title: 'Clear Filter' };
        return item;
      }
    }
  }

  private async rootNodes(): Promise<ImagesNode[]> {
    if (this.images.length === 0) {
      try {
        const listed = await this.engines.requireEngine().listImages();
        this.images = listed.map((i) => ({ id: i.Id, repoTags: i.RepoTags ?? [], repoDigests: i.RepoDigests ?? [], created: i.Created, size: i.Size }));
        void this.inspectAll();
      } catch (error) {
        reportListingFailure(this.engines, this.log, 'Listing images', error);
        return [];
      }
    }
    const visible = this.filter ? this.images.filter((i) => i.repoTags.some((t) => t.toLowerCase().includes(this.filter)) || i.id.includes(this.filter)) : this.images;
    const catalog = buildCatalog(visible);
    const repositories = [...catalog.repositories];
    const newest = (r: Repository) => Math.max(...r.tags.map((t) => t.image.created));
    const biggest = (r: Repository) => Math.max(...r.tags.map((t) => t.image.size));
    if (this.sort === 'size') repositories.sort((a, b) => biggest(b) - biggest(a));
    if (this.sort === 'created') repositories.sort((a, b) => newest(b) - newest(a));
    const nodes: ImagesNode[] = repositories.map((repository) => ({ kind: 'repository', repository }));
    if (catalog.dangling.length) nodes.push({ kind: 'dangling', images: catalog.dangling });
    if (nodes.length === 0 && this.filter && this.images.length) return [{ kind: 'noMatch', filter: this.filter, total: this.images.length }];
    return nodes;
  }

  /** Inspects every image (in small parallel batches) for layers, architecture and sharing; then repaints. */
  private async inspectAll(): Promise<void> {
    const engine = this.engines.requireEngine();
    const pending = this.images.filter((i) => !this.details.has(i.id));
    for (let i = 0; i < pending.length; i += 8) {
      await Promise.all(
        pending.slice(i, i + 8).map(async (image) => {
          try {
            const inspect = await engine.inspectImage(image.id);
            this.details.set(image.id, { architecture: inspect.Architecture, os: inspect.Os, layers: inspect.RootFS?.Layers ?? [] });
          } catch {
            // Deleted meanwhile: the next event refreshes the list.
          }
        }),
      );
    }
    for (const image of this.images) image.layers = this.details.get(image.id)?.layers;
    this.usage = layerUsage(this.images);
    if (pending.length) this.changed.fire(undefined);
  }

  /** The local images as last listed (their layers once inspected), e.g. to tell which images share a layer. */
  catalogImages(): readonly CatalogImage[] {
    return this.images;
  }

  /** `reference`: the name the image was expanded under, so that what a step opens is titled as the user chose it. */
  private async stepNodes(image: CatalogImage, reference?: string): Promise<ImagesNode[]> {
    let history: EngineHistoryEntry[];
    let layers: string[];
    try {
      const engine = this.engines.requireEngine();
      history = await engine.imageHistory(image.id);
      layers = this.details.get(image.id)?.layers ?? (await engine.inspectImage(image.id)).RootFS.Layers ?? [];
    } catch (error) {
      // E.g. the image was deleted a moment ago: say so; its event refreshes the list.
      reportListingFailure(this.engines, this.log, 'Reading build steps', error);
      return [];
    }
    const usage = this.usage;
    const steps = stepsFromEngineHistory(history, layers.length);
    return steps
      .filter((s) => this.showMetadataSteps() || !s.metadataOnly)
      .map((step) => {
        const diffId = step.layerIndex !== undefined ? layers[step.layerIndex] : undefined;
        return { kind: 'step', image, step, diffId, reference, sharedWith: diffId ? (usage.get(diffId) ?? 1) - 1 : 0 };
      });
  }

  private imageItem(node: Extract<ImagesNode, { kind: 'image' }>): vscode.TreeItem {
    const { image, reference } = node;
    const label = reference ? reference.slice(reference.lastIndexOf(':') + 1) : image.id.replace(/^sha256:/, '').slice(0, 12);
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `image:${reference ?? ''}:${image.id}`;
    item.iconPath = new vscode.ThemeIcon('package');
    item.description = `${formatBytes(image.size)} · ${formatAge(image.created * 1000)}`;
    item.contextValue = 'image';
    const details = this.details.get(image.id);
    const usage = this.usage;
    const tooltip = new vscode.MarkdownString();
    tooltip.appendText(`${reference ?? '<untagged>'}\n`);
    tooltip.appendText(`ID: ${image.id}\n`);
    for (const digest of image.repoDigests) tooltip.appendText(`Digest: ${digest}\n`);
    tooltip.appendText(`Created: ${formatDate(image.created * 1000)}\n`);
    if (details) {
      tooltip.appendText(`Platform: ${details.os}/${details.architecture}\n`);
      const sharedLayers = details.layers.filter((d) => (usage.get(d) ?? 0) > 1).length;
      tooltip.appendText(`Layers: ${details.layers.length}, of which ${sharedLayers} shared with other local images (stored once)\n`);
    }
    tooltip.appendText(`Size: ${formatBytes(image.size)}`);
    item.tooltip = tooltip;
    return item;
  }

  private stepItem(node: Extract<ImagesNode, { kind: 'step' }>): vscode.TreeItem {
    const { step } = node;
    const instruction = step.instruction.replace(/\s*\n\s*/g, ' ');
    // The size leads the label: a description after a long instruction is cut off by any sidebar width.
    const item = new vscode.TreeItem(step.metadataOnly ? instruction : `${formatBytes(step.size)} · ${instruction}`, vscode.TreeItemCollapsibleState.None);
    item.id = `step:${node.image.id}:${step.index}`;
    // Left undefined on purpose: VS Code resolves only undefined properties (resolveTreeItem, on hover).
    if (step.metadataOnly) {
      // Labels cannot be coloured directly; a file decoration on a resource URI can colour them (see below).
      item.resourceUri = vscode.Uri.from({ scheme: METADATA_STEP_SCHEME, path: `/${node.image.id}/${step.index}` });
      item.iconPath = new vscode.ThemeIcon('symbol-property', new vscode.ThemeColor(METADATA_STEP_COLOR));
      item.description = 'metadata';
      item.contextValue = 'metadataStep';
    } else {
      item.iconPath = new vscode.ThemeIcon('layers');
      if (node.sharedWith > 0) item.description = `shared with ${node.sharedWith} image${node.sharedWith === 1 ? '' : 's'}`;
      item.contextValue = 'layerStep';
    }
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
    this.filterChanged.dispose();
  }
}

function remoteImageItem(remote: RemoteImage): vscode.TreeItem {
  const item = new vscode.TreeItem(remoteImageTitle(remote), vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `remote:${remote.ref}`;
  item.iconPath = new vscode.ThemeIcon('package');
  item.description = describeRemoteImage(remote);
  item.contextValue = 'remoteImage';
  const tooltip = new vscode.MarkdownString();
  tooltip.appendText(`${remote.label}\n`);
  tooltip.appendText(`Manifest: ${remote.ref.slice(remote.ref.indexOf('@') + 1)}\n`);
  tooltip.appendText(`Platform: ${remote.platform}\n`);
  tooltip.appendText(`Layers: ${remote.layerCount}, ${formatBytes(remote.compressedSize)} compressed in the registry\n`);
  tooltip.appendText(`Opened: ${formatDate(remote.openedAt)}`);
  item.tooltip = tooltip;
  return item;
}

function remoteStepItem(node: Extract<ImagesNode, { kind: 'remoteStep' }>): vscode.TreeItem {
  const instruction = node.step.instruction.replace(/\s*\n\s*/g, ' ');
  const layered = node.layer !== undefined;
  const item = new vscode.TreeItem(layered ? `${formatBytes(node.blobSize ?? 0)} · ${instruction}` : instruction, vscode.TreeItemCollapsibleState.None);
  item.id = `remoteStep:${node.imageRef}:${node.step.index}`;
  if (layered) {
    item.iconPath = new vscode.ThemeIcon('layers');
    // The same commands as a local layer step (Explain This Layer, Copy Instruction, Copy Layer Digest).
    item.contextValue = 'layerStep';
  } else {
    item.resourceUri = vscode.Uri.from({ scheme: METADATA_STEP_SCHEME, path: `/${encodeURIComponent(node.imageRef)}/${node.step.index}` });
    item.iconPath = new vscode.ThemeIcon('symbol-property', new vscode.ThemeColor(METADATA_STEP_COLOR));
    item.description = 'metadata';
    item.contextValue = 'metadataStep';
  }
  const tooltip = new vscode.MarkdownString();
  if (layered) tooltip.appendText(`Layer #${node.layer}: ${formatBytes(node.blobSize ?? 0)} compressed in the registry\n`);
  else tooltip.appendText('Metadata only: this step adds no layer (it changes the image\'s configuration).\n');
  if (node.diffId) tooltip.appendText(`Digest: ${node.diffId}\n`);
  if (node.step.created) tooltip.appendText(`Created: ${formatDate(Date.parse(node.step.created))}\n`);
  tooltip.appendText('\n');
  tooltip.appendCodeblock(node.step.instruction, 'dockerfile');
  item.tooltip = tooltip;
  return item;
}

const METADATA_STEP_SCHEME = 'layerlens-metadata-step';
/** Contributed in package.json (contributes.colors): dimmer than text, still 4.5:1 on the default themes. */
const METADATA_STEP_COLOR = 'layerlens.metadataStepForeground';

/** Dims the labels of metadata-only steps: VS Code colours a tree label only through a file decoration. */
export class MetadataStepDecorations implements vscode.FileDecorationProvider {
  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== METADATA_STEP_SCHEME) return undefined;
    const decoration = new vscode.FileDecoration(undefined, 'A metadata-only step: it adds no layer', new vscode.ThemeColor(METADATA_STEP_COLOR));
    decoration.propagate = false;
    return decoration;
  }
}

/** Size, files added/modified/deleted, wasted bytes, digest and date of a step; files and waste when indexed. */
function stepTooltip(node: Extract<ImagesNode, { kind: 'step' }>, analysis: ImageAnalysis | undefined): vscode.MarkdownString {
  const { step } = node;
  const tooltip = new vscode.MarkdownString();
  if (step.metadataOnly) tooltip.appendText('Metadata only: this step adds no layer (it changes the image\'s configuration).\n');
  else {
    tooltip.appendText(`${step.layerIndex !== undefined ? `Layer #${step.layerIndex}: ` : ''}${formatBytes(step.size)}\n`);
    const stats = step.layerIndex !== undefined ? analysis?.layers[step.layerIndex] : undefined;
    if (stats) {
      tooltip.appendText(`Files: +${stats.added} ~${stats.modified} −${stats.deleted}\n`);
      tooltip.appendText(`Wasted: ${formatBytes(stats.wastedBytes)} of it shipped for nothing (overwritten, deleted or copied again by a later layer)\n`);
    } else tooltip.appendText('Files and wasted bytes: known once the image is explored or analyzed\n');
    if (node.diffId) tooltip.appendText(`Digest: ${node.diffId}\n`);
    if (node.sharedWith > 0) tooltip.appendText(`Shared with ${node.sharedWith} other local image${node.sharedWith === 1 ? '' : 's'} (stored once)\n`);
  }
  tooltip.appendText(`Created: ${formatDate(step.created * 1000)}\n\n`);
  tooltip.appendCodeblock(step.instruction, 'dockerfile');
  return tooltip;
}

// The Images view: repositories → tags → build steps, untagged images apart. Built from list/inspect/history
// only (never an export), refreshed by the engine's events. View state (filter, sort) lives here, not in data.
import * as vscode from 'vscode';
import { buildCatalog, layerUsage, type CatalogImage, type Repository } from '../core/catalog';
import { stepsFromEngineHistory, type EngineHistoryEntry, type ViewStep } from '../core/engineHistory';
import { formatBytes } from '../core/format';
import type { EngineService } from './engineService';
import { refreshOnEvents, reportListingFailure } from './refreshOnEvents';

export type ImagesNode =
  | { kind: 'repository'; repository: Repository }
  | { kind: 'dangling'; images: CatalogImage[] }
  | { kind: 'image'; image: CatalogImage; reference?: string }
  | { kind: 'step'; image: CatalogImage; step: ViewStep; sharedWith: number; diffId?: string };

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

  constructor(
    private readonly engines: EngineService,
    private readonly showMetadataSteps: () => boolean,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscription = refreshOnEvents(engines, 'image', () => this.refresh());
  }

  setFilter(text: string): void {
    this.filter = text.trim().toLowerCase();
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
    this.changed.fire(undefined);
  }

  async getChildren(node?: ImagesNode): Promise<ImagesNode[]> {
    if (this.engines.state.kind !== 'connected') return [];
    if (!node) return this.rootNodes();
    switch (node.kind) {
      case 'repository':
        return node.repository.tags.map((t) => ({ kind: 'image', image: t.image, reference: t.reference }));
      case 'dangling':
        return node.images.map((image) => ({ kind: 'image', image }));
      case 'image':
        return this.stepNodes(node.image);
      case 'step':
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

  private async stepNodes(image: CatalogImage): Promise<ImagesNode[]> {
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
        return { kind: 'step', image, step, diffId, sharedWith: diffId ? (usage.get(diffId) ?? 1) - 1 : 0 };
      });
  }

  private imageItem(node: Extract<ImagesNode, { kind: 'image' }>): vscode.TreeItem {
    const { image, reference } = node;
    const label = reference ? reference.slice(reference.lastIndexOf(':') + 1) : image.id.replace(/^sha256:/, '').slice(0, 12);
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `image:${reference ?? ''}:${image.id}`;
    item.iconPath = new vscode.ThemeIcon('package');
    item.description = `${formatBytes(image.size)} · ${age(image.created)}`;
    item.contextValue = 'image';
    const details = this.details.get(image.id);
    const usage = this.usage;
    const tooltip = new vscode.MarkdownString();
    tooltip.appendText(`${reference ?? '<untagged>'}\n`);
    tooltip.appendText(`ID: ${image.id}\n`);
    for (const digest of image.repoDigests) tooltip.appendText(`Digest: ${digest}\n`);
    tooltip.appendText(`Created: ${new Date(image.created * 1000).toISOString()}\n`);
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
    const item = new vscode.TreeItem(step.instruction.replace(/\s*\n\s*/g, ' '), vscode.TreeItemCollapsibleState.None);
    item.id = `step:${node.image.id}:${step.index}`;
    item.tooltip = step.instruction;
    if (step.metadataOnly) {
      item.iconPath = new vscode.ThemeIcon('symbol-property', new vscode.ThemeColor('disabledForeground'));
      item.description = 'metadata';
      item.contextValue = 'metadataStep';
    } else {
      item.iconPath = new vscode.ThemeIcon('layers');
      const shared = node.sharedWith > 0 ? ` · shared with ${node.sharedWith} image${node.sharedWith === 1 ? '' : 's'}` : '';
      item.description = `${formatBytes(step.size)}${shared}`;
      item.contextValue = 'layerStep';
    }
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

function age(createdSeconds: number): string {
  const seconds = Math.max(0, Date.now() / 1000 - createdSeconds);
  const units: [number, string][] = [
    [365 * 86400, 'year'],
    [30 * 86400, 'month'],
    [86400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, name] of units) {
    const n = Math.floor(seconds / size);
    if (n >= 1) return `${n} ${name}${n === 1 ? '' : 's'} ago`;
  }
  return 'just now';
}

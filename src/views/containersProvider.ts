// The Containers view: every container with its image; expanding one shows its stack, top first: the
// container's read-write layer (what `docker diff` reports, as a tree marked A/C/D, each changed or deleted path
// with the image layer it came from) over the image's read-only layers. Refreshed by container events.
import * as vscode from 'vscode';
import {
  containerChangeTree,
  copyUpTotals,
  countChanges,
  describeSource,
  type ChangeNode,
  type ContainerChangeKind,
  type CopyUpTotals,
  type ImageLayerSource,
} from '../core/containerLayer';
import { formatBytes } from '../core/format';
import type { ChangeSources } from './changeSources';
import type { EngineService } from './engineService';
import { refreshOnEvents, reportListingFailure } from './refreshOnEvents';

interface ContainerSummary {
  id: string;
  name: string;
  image: string;
  imageId: string;
  state: string;
  status: string;
}

/** Where the read-write layer's changed paths came from in the image, as far as known. */
type Attribution =
  | { kind: 'known'; sources: Map<string, ImageLayerSource>; totals: Map<string, CopyUpTotals> }
  | { kind: 'indexing' }
  | { kind: 'unavailable'; reason: string }
  | { kind: 'nothing' };

export type ContainersNode =
  | { kind: 'container'; container: ContainerSummary }
  | { kind: 'rwLayer'; container: ContainerSummary; tree: ChangeNode[]; counts: Record<ContainerChangeKind, number>; attribution: Attribution }
  | { kind: 'imageLayers'; container: ContainerSummary }
  | { kind: 'change'; container: ContainerSummary; node: ChangeNode; attribution: Attribution };

export const CHANGE_SCHEME = 'layerlens-change';

export class ContainersProvider implements vscode.TreeDataProvider<ContainersNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ContainersNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly engines: EngineService,
    private readonly sources: ChangeSources,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions = [
      refreshOnEvents(engines, 'container', () => this.changed.fire(undefined)),
      // Sources that arrive after the tree was painted (a background indexing): paint again.
      sources.onDidSettle(() => this.changed.fire(undefined)),
    ];
  }

  /** The user's refresh: also tries again the images whose indexing was cancelled or failed. */
  refresh(): void {
    this.sources.retryFailed();
    this.changed.fire(undefined);
  }

  async getChildren(node?: ContainersNode): Promise<ContainersNode[]> {
    if (this.engines.state.kind !== 'connected') return [];
    try {
      return await this.children(node);
    } catch (error) {
      // E.g. the container was removed a moment ago: say so; its event refreshes the list.
      reportListingFailure(this.engines, this.log, 'Listing containers', error);
      return [];
    }
  }

  private async children(node?: ContainersNode): Promise<ContainersNode[]> {
    const engine = this.engines.requireEngine();
    if (!node) {
      const containers = await engine.listContainers();
      return containers
        .map((c) => ({ id: c.Id, name: (c.Names[0] ?? c.Id).replace(/^\//, ''), image: c.Image, imageId: c.ImageID, state: c.State, status: c.Status }))
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((container) => ({ kind: 'container', container }));
    }
    switch (node.kind) {
      case 'container': {
        const changes = await engine.containerChanges(node.container.id);
        const tree = containerChangeTree(changes);
        const counts = countChanges(changes);
        // Never waits for an export: the sources come from the index cache or arrive later (onDidSettle).
        const state = counts.changed + counts.deleted ? await this.sources.lookup(node.container.imageId, node.container.image, changes) : undefined;
        const attribution: Attribution =
          state === undefined ? { kind: 'nothing' } : state.kind === 'ready' ? { kind: 'known', sources: state.sources, totals: copyUpTotals(tree, state.sources) } : state;
        return [
          { kind: 'rwLayer', container: node.container, tree, counts, attribution },
          { kind: 'imageLayers', container: node.container },
        ];
      }
      case 'rwLayer':
      case 'change': {
        const children = node.kind === 'rwLayer' ? node.tree : node.node.children;
        return children.map((child) => ({ kind: 'change', container: node.container, node: child, attribution: node.attribution }));
      }
      case 'imageLayers':
        return [];
    }
  }

  getTreeItem(node: ContainersNode): vscode.TreeItem {
    switch (node.kind) {
      case 'container': {
        const item = new vscode.TreeItem(node.container.name, vscode.TreeItemCollapsibleState.Collapsed);
        const running = node.container.state === 'running';
        item.iconPath = new vscode.ThemeIcon(running ? 'vm-running' : 'vm-outline');
        item.description = `${node.container.image} · ${node.container.status}`;
        item.tooltip = `${node.container.name}\nID: ${node.container.id}\nImage: ${node.container.image}\n${node.container.status}`;
        item.contextValue = running ? 'runningContainer' : 'container';
        return item;
      }
      case 'rwLayer': {
        const { added, changed, deleted } = node.counts;
        const total = added + changed + deleted;
        const item = new vscode.TreeItem('Container layer (read-write)', total ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
        item.id = `rw:${node.container.id}`;
        item.contextValue = 'rwLayer';
        item.iconPath = new vscode.ThemeIcon('edit');
        const copied = node.attribution.kind === 'known' ? node.attribution.totals.get('/') : undefined;
        const note = copied?.files ? ` · ${formatBytes(copied.bytes)} copied up` : node.attribution.kind === 'indexing' ? ' · finding where changes came from…' : '';
        item.description = total ? `${added} added · ${changed} changed · ${deleted} deleted${note}` : 'no changes';
        const tooltip = ['What this container changed over its image: copied up on write, deleted as whiteouts. `docker commit` would turn it into a layer.'];
        if (copied?.files) tooltip.push(`${copied.files} file${copied.files === 1 ? '' : 's'} copied up from the image: ${formatBytes(copied.bytes)} duplicated.`);
        if (node.attribution.kind === 'indexing') tooltip.push('The image is being indexed to show which layer each changed file came from.');
        if (node.attribution.kind === 'unavailable') tooltip.push(`Which layer each changed file came from is not known: ${node.attribution.reason} Refresh Containers to try again.`);
        item.tooltip = tooltip.join('\n\n');
        return item;
      }
      case 'imageLayers': {
        const item = new vscode.TreeItem(`Image ${node.container.image} (read-only layers)`, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon('layers');
        return item;
      }
      case 'change': {
        const { node: change, attribution } = node;
        const item = new vscode.TreeItem(
          change.name,
          change.children.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
        );
        // The URI carries the change kind for the A/C/D decoration; names are shown as text, never parsed.
        item.resourceUri = vscode.Uri.from({ scheme: CHANGE_SCHEME, path: change.path, query: change.kind ?? '' });
        item.iconPath = change.children.length ? vscode.ThemeIcon.Folder : vscode.ThemeIcon.File;
        item.id = `change:${node.container.id}:${change.path}`;
        const tooltip = [`${change.path}${change.kind ? ` — ${change.kind}` : ''}`];
        if (attribution.kind === 'known') {
          const source = attribution.sources.get(change.path);
          const below = attribution.totals.get(change.path);
          // A directory's own copy-up is only its attributes: what matters is the files copied up below it.
          if (below?.files) item.description = `${below.files} copied up · ${formatBytes(below.bytes)}`;
          else if (source && change.kind) item.description = describeSource(change.kind, source);
          if (source && change.kind) tooltip.push(sourceTooltip(change.kind, source));
        }
        item.tooltip = tooltip.join('\n');
        return item;
      }
    }
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    this.changed.dispose();
  }
}

function sourceTooltip(kind: ContainerChangeKind, source: ImageLayerSource): string {
  const step = source.instruction ? ` (${source.instruction})` : '';
  const version = `the version of layer #${source.layer}${step}`;
  if (kind === 'deleted') return `A whiteout in the container hides ${version}.`;
  const bytes = source.type === 'file' ? `: ${formatBytes(source.size)} duplicated` : '';
  return `The container's first write copied up ${version}${bytes}.`;
}

/** A / C / D badges and colours on the container layer's paths, like Git's in the explorer. */
export class ChangeDecorations implements vscode.FileDecorationProvider {
  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== CHANGE_SCHEME) return undefined;
    switch (uri.query) {
      case 'added':
        return new vscode.FileDecoration('A', 'Added in the container', new vscode.ThemeColor('gitDecoration.addedResourceForeground'));
      case 'changed':
        return new vscode.FileDecoration('C', 'Changed in the container (copied up from the image)', new vscode.ThemeColor('gitDecoration.modifiedResourceForeground'));
      case 'deleted':
        return new vscode.FileDecoration('D', 'Deleted in the container (a whiteout over the image)', new vscode.ThemeColor('gitDecoration.deletedResourceForeground'));
    }
    return undefined;
  }
}

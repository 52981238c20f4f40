// The Containers view: every container with its image; expanding one shows its stack, top first: the
// container's read-write layer (what `docker diff` reports, as a tree marked A/C/D, each file with its size, each
// changed or deleted path with the image layer whose version it replaces, copies up or hides) over the image's
// read-only layers (each with its size; a click opens it in the Layer Explorer). Files of the read-write layer
// open read-only (src/views/containerFiles.ts). Refreshed by container events.
import * as vscode from 'vscode';
import {
  containerChangeTree,
  copyUpTotals,
  countChanges,
  describeChange,
  describeTotals,
  type ChangedFileVerdict,
  type ChangeNode,
  type ContainerChangeKind,
  type CopyUpTotals,
  type ImageLayerSource,
} from '../core/model/containerLayer';
import { stepsFromEngineHistory, type ViewStep } from '../core/model/engineHistory';
import { formatBytes, formatDate } from '../core/format';
import type { ContainerPathStat } from '../docker/containerArchive';
import type { ChangeSources } from './changeSources';
import type { ContainerFileFacts } from './containerFileFacts';
import type { EngineService } from '../services/engineService';
import { refreshOnEvents, reportListingFailure } from './refreshOnEvents';

export interface ContainerSummary {
  id: string;
  name: string;
  image: string;
  imageId: string;
  state: string;
  status: string;
  /** Seconds since the epoch. */
  created: number;
}

/** Where the read-write layer's changed paths came from in the image, and what the container holds there now. */
export type Attribution =
  | { kind: 'known'; sources: Map<string, ImageLayerSource>; verdicts: Map<string, ChangedFileVerdict>; totals: Map<string, CopyUpTotals> }
  | { kind: 'indexing' }
  | { kind: 'unavailable'; reason: string }
  | { kind: 'nothing' };

export type ContainersNode =
  | { kind: 'container'; container: ContainerSummary }
  | { kind: 'rwLayer'; container: ContainerSummary; tree: ChangeNode[]; counts: Record<ContainerChangeKind, number>; attribution: Attribution; stats: Map<string, ContainerPathStat> }
  | { kind: 'imageLayers'; container: ContainerSummary }
  | { kind: 'imageLayer'; container: ContainerSummary; imageRef: string; label: string; layer: number; step: ViewStep; diffId?: string }
  | { kind: 'change'; container: ContainerSummary; node: ChangeNode; attribution: Attribution; stat?: ContainerPathStat };

export const CHANGE_SCHEME = 'layerlens-change';

export class ContainersProvider implements vscode.TreeDataProvider<ContainersNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ContainersNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly engines: EngineService,
    private readonly sources: ChangeSources,
    private readonly facts: ContainerFileFacts,
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
        .map((c) => ({ id: c.Id, name: (c.Names[0] ?? c.Id).replace(/^\//, ''), image: c.Image, imageId: c.ImageID, state: c.State, status: c.Status, created: c.Created }))
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
        let attribution: Attribution = { kind: 'nothing' };
        let stats = new Map<string, ContainerPathStat>();
        if (state?.kind === 'ready') {
          const changedFiles = new Map([...state.sources].filter(([path]) => changes.some((c) => c.Path === path && c.Kind === 0)));
          const judged = await this.facts.verdicts(engine, node.container.id, changedFiles);
          stats = judged.stats;
          attribution = { kind: 'known', sources: state.sources, verdicts: judged.verdicts, totals: copyUpTotals(tree, judged.verdicts) };
        } else if (state) attribution = state;
        return [
          { kind: 'rwLayer', container: node.container, tree, counts, attribution, stats },
          { kind: 'imageLayers', container: node.container },
        ];
      }
      case 'rwLayer':
      case 'change': {
        const children = node.kind === 'rwLayer' ? node.tree : node.node.children;
        const known = node.kind === 'rwLayer' ? node.stats : new Map<string, ContainerPathStat>();
        // Sizes of the files shown at this level (a leaf may be a file, a link or an empty directory).
        const unknown = children.filter((c) => c.children.length === 0 && c.kind !== 'deleted' && !known.has(c.path)).map((c) => c.path);
        const stats = new Map([...known, ...(await this.facts.stats(engine, node.container.id, unknown))]);
        return children.map((child) => ({ kind: 'change', container: node.container, node: child, attribution: node.attribution, stat: stats.get(child.path) }));
      }
      case 'imageLayers':
        return this.imageLayerNodes(node.container);
      case 'imageLayer':
        return [];
    }
  }

  /** The image's layers, top first like the rest of the stack, from history and inspect (never an export). */
  private async imageLayerNodes(container: ContainerSummary): Promise<ContainersNode[]> {
    const engine = this.engines.requireEngine();
    const [history, inspect] = await Promise.all([engine.imageHistory(container.imageId), engine.inspectImage(container.imageId)]);
    const diffIds = inspect.RootFS?.Layers ?? [];
    const steps = stepsFromEngineHistory(history, diffIds.length).filter((s) => s.layerIndex !== undefined);
    return steps
      .reverse()
      .map((step) => ({ kind: 'imageLayer', container, imageRef: inspect.Id, label: container.image, layer: step.layerIndex!, step, diffId: diffIds[step.layerIndex!] }));
  }

  getTreeItem(node: ContainersNode): vscode.TreeItem {
    switch (node.kind) {
      case 'container': {
        const item = new vscode.TreeItem(node.container.name, vscode.TreeItemCollapsibleState.Collapsed);
        const running = node.container.state === 'running';
        item.iconPath = new vscode.ThemeIcon(running ? 'vm-running' : 'vm-outline');
        item.description = `${node.container.image} · ${node.container.status}`;
        item.tooltip = `${node.container.name}\nID: ${node.container.id}\nImage: ${node.container.image}\nCreated: ${formatDate(node.container.created * 1000)}\n${node.container.status}`;
        item.contextValue = running ? 'runningContainer' : 'container';
        return item;
      }
      case 'rwLayer':
        return rwLayerItem(node);
      case 'imageLayers': {
        const item = new vscode.TreeItem(`Image ${node.container.image} (read-only layers)`, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `image-layers:${node.container.id}`;
        item.iconPath = new vscode.ThemeIcon('layers');
        item.tooltip = `The layers of ${node.container.image} (${node.container.imageId}) under the container's read-write layer, top first. Click one to open it in the Layer Explorer.`;
        return item;
      }
      case 'imageLayer': {
        const { step } = node;
        const instruction = step.instruction.replace(/\s*\n\s*/g, ' ');
        const item = new vscode.TreeItem(`#${node.layer} · ${formatBytes(step.size)} · ${instruction}`, vscode.TreeItemCollapsibleState.None);
        item.id = `image-layer:${node.container.id}:${node.layer}`;
        item.iconPath = new vscode.ThemeIcon('layers');
        item.contextValue = 'containerImageLayer';
        const tooltip = new vscode.MarkdownString();
        tooltip.appendText(`Layer #${node.layer} of ${node.label}: ${formatBytes(step.size)}\n`);
        if (node.diffId) tooltip.appendText(`Digest: ${node.diffId}\n`);
        tooltip.appendText(`Created: ${formatDate(step.created * 1000)}\n\n`);
        tooltip.appendCodeblock(step.instruction, 'dockerfile');
        item.tooltip = tooltip;
        item.command = { command: 'layerlens.openExplorer', title: 'Explore Layers', arguments: [node.imageRef, node.label, node.layer] };
        return item;
      }
      case 'change':
        return changeItem(node);
    }
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    this.changed.dispose();
  }
}

function rwLayerItem(node: Extract<ContainersNode, { kind: 'rwLayer' }>): vscode.TreeItem {
  const { added, changed, deleted } = node.counts;
  const total = added + changed + deleted;
  const item = new vscode.TreeItem('Container layer (read-write)', total ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
  item.id = `rw:${node.container.id}`;
  item.contextValue = 'rwLayer';
  item.iconPath = new vscode.ThemeIcon('edit');
  const totals = node.attribution.kind === 'known' ? node.attribution.totals.get('/') : undefined;
  const summary = describeTotals(totals);
  const note = summary ? ` · ${summary}` : node.attribution.kind === 'indexing' ? ' · finding where changes came from…' : '';
  item.description = total ? `${added} added · ${changed} changed · ${deleted} deleted${note}` : 'no changes';
  const tooltip = ['What this container changed over its image: new files, new versions of the image\'s files, and whiteouts over deleted ones. `docker commit` would turn it into a layer.'];
  if (totals?.files) {
    tooltip.push(
      `${totals.files} file${totals.files === 1 ? ' has' : 's have'} the same size and bytes as the image's version: copied up for a change of metadata (chmod, chown, touch), ${formatBytes(totals.bytes)} stored twice.`,
    );
  }
  if (totals?.replaced) tooltip.push(`${totals.replaced} file${totals.replaced === 1 ? ' replaces' : 's replace'} the image's version with other bytes (written in the container or copied in).`);
  if (node.attribution.kind === 'indexing') tooltip.push('The image is being indexed to show which layer each changed file came from.');
  if (node.attribution.kind === 'unavailable') tooltip.push(`Which layer each changed file came from is not known: ${node.attribution.reason} Refresh Containers to try again.`);
  item.tooltip = tooltip.join('\n\n');
  return item;
}

function changeItem(node: Extract<ContainersNode, { kind: 'change' }>): vscode.TreeItem {
  const { node: change, attribution, stat } = node;
  const isDirectory = change.children.length > 0 || stat?.type === 'dir';
  const item = new vscode.TreeItem(change.name, change.children.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  // The URI carries the change kind for the A/C/D decoration; names are shown as text, never parsed.
  item.resourceUri = vscode.Uri.from({ scheme: CHANGE_SCHEME, path: change.path, query: change.kind ?? '' });
  item.iconPath = isDirectory ? vscode.ThemeIcon.Folder : stat?.type === 'symlink' ? new vscode.ThemeIcon('file-symlink-file') : vscode.ThemeIcon.File;
  item.id = `change:${node.container.id}:${change.path}`;
  const known = attribution.kind === 'known' ? attribution : undefined;
  const source = known?.sources.get(change.path);
  const verdict = known?.verdicts.get(change.path);
  const below = change.children.length ? known?.totals.get(change.path) : undefined;
  // A directory's own change is only its attributes: what matters is the files below it.
  item.description = below ? describeTotals(below) : describeChange(change.kind, source, stat, verdict);
  const tooltip = [`${change.path}${change.kind ? ` — ${change.kind}` : ''}`];
  if (stat && stat.type === 'file') tooltip.push(`In the container: ${formatBytes(stat.size)} (${stat.size.toLocaleString('en-US')} bytes)${stat.mtime ? `, modified ${formatDate(Date.parse(stat.mtime))}` : ''}.`);
  if (stat?.type === 'symlink') tooltip.push(`In the container: a symbolic link to ${stat.linkTarget ?? '?'}.`);
  if (source && change.kind) tooltip.push(sourceTooltip(change.kind, source, verdict));
  if (!isDirectory && stat?.type === 'file') tooltip.push(source?.type === 'file' ? 'Click to open the container\'s version; the context menu compares it with the image\'s.' : 'Click to open it (read-only).');
  if (change.kind === 'deleted' && source?.type === 'file') tooltip.push('Click to open the image\'s version, which the whiteout hides.');
  item.tooltip = tooltip.join('\n');
  if (!isDirectory && stat?.type === 'file') {
    item.contextValue = source?.type === 'file' ? 'containerChangedFile' : 'containerFile';
    item.command = { command: 'layerlens.openContainerFile', title: 'Open', arguments: [node] };
  } else if (change.kind === 'deleted' && source?.type === 'file') {
    item.contextValue = 'containerDeletedFile';
    item.command = { command: 'layerlens.openImageVersion', title: 'Open Image\'s Version', arguments: [node] };
  }
  return item;
}

function sourceTooltip(kind: ContainerChangeKind, source: ImageLayerSource, verdict: ChangedFileVerdict | undefined): string {
  const step = source.instruction ? ` (${source.instruction})` : '';
  const version = `the version of layer #${source.layer}${step}`;
  if (kind === 'deleted') return `A whiteout in the container hides ${version}${source.type === 'file' ? `, ${formatBytes(source.size)}` : ''}.`;
  if (source.type !== 'file') return `Changed over ${version}.`;
  switch (verdict?.kind) {
    case 'copied-up':
      return `Same size and bytes as ${version}: the container's first write (a chmod, chown or touch) copied it up whole, ${formatBytes(verdict.size)} duplicated.`;
    case 'replaced':
      return `Replaces ${version}: ${formatBytes(verdict.imageSize)} in the image, ${formatBytes(verdict.containerSize)} in the container, other bytes.`;
    case 'same-size':
      return `Replaces ${version}: the same size (${formatBytes(verdict.size)}); its bytes were not compared.`;
    case 'retyped':
      return `Replaces the file of ${version} with a ${verdict.containerType === 'dir' ? 'directory' : verdict.containerType}.`;
  }
  return `Changed over ${version} (${formatBytes(source.size)}); not compared.`;
}

/** A / C / D badges and colours on the container layer's paths, like Git's in the explorer. */
export class ChangeDecorations implements vscode.FileDecorationProvider {
  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== CHANGE_SCHEME) return undefined;
    switch (uri.query) {
      case 'added':
        return new vscode.FileDecoration('A', 'Added in the container', new vscode.ThemeColor('gitDecoration.addedResourceForeground'));
      case 'changed':
        return new vscode.FileDecoration('C', 'Changed in the container (a new version, or a copy-up, over the image\'s)', new vscode.ThemeColor('gitDecoration.modifiedResourceForeground'));
      case 'deleted':
        return new vscode.FileDecoration('D', 'Deleted in the container (a whiteout over the image)', new vscode.ThemeColor('gitDecoration.deletedResourceForeground'));
    }
    return undefined;
  }
}

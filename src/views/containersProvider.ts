// The Containers view: every container with its image; expanding one shows its stack, top first: the
// container's read-write layer (what `docker diff` reports, as a tree marked A/C/D) over the image's
// read-only layers. Refreshed by container events.
import * as vscode from 'vscode';
import { containerChangeTree, countChanges, type ChangeNode, type ContainerChangeKind } from '../core/containerLayer';
import type { EngineService } from './engineService';
import { refreshOnEvents, reportListingFailure } from './refreshOnEvents';

interface ContainerSummary {
  id: string;
  name: string;
  image: string;
  state: string;
  status: string;
}

export type ContainersNode =
  | { kind: 'container'; container: ContainerSummary }
  | { kind: 'rwLayer'; container: ContainerSummary; tree: ChangeNode[]; counts: Record<ContainerChangeKind, number> }
  | { kind: 'imageLayers'; container: ContainerSummary }
  | { kind: 'change'; container: ContainerSummary; node: ChangeNode };

export const CHANGE_SCHEME = 'layerlens-change';

export class ContainersProvider implements vscode.TreeDataProvider<ContainersNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ContainersNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly engines: EngineService,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscription = refreshOnEvents(engines, 'container', () => this.refresh());
  }

  refresh(): void {
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
        .map((c) => ({ id: c.Id, name: (c.Names[0] ?? c.Id).replace(/^\//, ''), image: c.Image, state: c.State, status: c.Status }))
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((container) => ({ kind: 'container', container }));
    }
    switch (node.kind) {
      case 'container': {
        const changes = await engine.containerChanges(node.container.id);
        return [
          { kind: 'rwLayer', container: node.container, tree: containerChangeTree(changes), counts: countChanges(changes) },
          { kind: 'imageLayers', container: node.container },
        ];
      }
      case 'rwLayer':
        return node.tree.map((child) => ({ kind: 'change', container: node.container, node: child }));
      case 'change':
        return node.node.children.map((child) => ({ kind: 'change', container: node.container, node: child }));
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
        item.iconPath = new vscode.ThemeIcon('edit');
        item.description = total ? `${added} added · ${changed} changed · ${deleted} deleted` : 'no changes';
        item.tooltip = 'What this container changed over its image: copied up on write, deleted as whiteouts. `docker commit` would turn it into a layer.';
        return item;
      }
      case 'imageLayers': {
        const item = new vscode.TreeItem(`Image ${node.container.image} (read-only layers)`, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon('layers');
        return item;
      }
      case 'change': {
        const { node: change } = node;
        const item = new vscode.TreeItem(
          change.name,
          change.children.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
        );
        // The URI carries the change kind for the A/C/D decoration; names are shown as text, never parsed.
        item.resourceUri = vscode.Uri.from({ scheme: CHANGE_SCHEME, path: change.path, query: change.kind ?? '' });
        item.iconPath = change.children.length ? vscode.ThemeIcon.Folder : vscode.ThemeIcon.File;
        item.tooltip = `${change.path}${change.kind ? ` — ${change.kind}` : ''}`;
        item.id = `change:${node.container.id}:${change.path}`;
        return item;
      }
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
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

// Files of a container's read-write layer, read-only, as VS Code documents: the `layerlens-container:` file
// system (URIs in core/model/containerFileUri.ts) reads them through the engine's archive endpoint, and only the paths
// that `docker diff` reports as added or changed: nothing else of the container (mounted volumes, the host's
// bind mounts) can be named through it. Commands open a file, its image's version, or both side by side.
import * as vscode from 'vscode';
import { CONTAINER_FILE_SCHEME, formatContainerFileUri, parseContainerFileUri, type ContainerFileRef } from '../core/model/containerFileUri';
import { CancelledError, LayerlensError, messageOf } from '../core/errors';
import { readContainerFile, statContainerPath } from '../docker/containerArchive';
import { layerUri } from '../fs/layerFileSystem';
import type { ContainersNode } from './containersProvider';
import type { EngineService } from '../services/engineService';

const READ_ONLY_REASON = 'Layerlens shows the files of a container as the engine reports them; it never writes to a container.';
/** docker diff is asked again after this long: a running container keeps writing. */
const CHANGES_TTL_MS = 2000;

type ChangeNode = Extract<ContainersNode, { kind: 'change' }>;

export function containerFileUri(containerId: string, path: string): vscode.Uri {
  return vscode.Uri.from(formatContainerFileUri({ containerId, path }));
}

export class ContainerFileSystem implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly changes = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changes.event;
  private readonly layers = new Map<string, { at: number; paths: Promise<Set<string>> }>();

  constructor(
    private readonly engines: EngineService,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    return this.run(uri, async () => {
      const ref = await this.allowed(uri);
      const stat = await statContainerPath(this.engines.requireEngine(), ref.containerId, ref.path);
      if (!stat) throw vscode.FileSystemError.FileNotFound(uri);
      const time = Date.parse(stat.mtime) || 0;
      const type = stat.type === 'dir' ? vscode.FileType.Directory : stat.type === 'symlink' ? vscode.FileType.SymbolicLink : vscode.FileType.File;
      return { type, ctime: time, mtime: time, size: stat.size, permissions: vscode.FilePermission.Readonly };
    });
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return this.run(uri, async () => {
      const ref = await this.allowed(uri);
      return (await readContainerFile(this.engines.requireEngine(), ref.containerId, ref.path)).bytes;
    });
  }

  readDirectory(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(`${uri.path}: Layerlens opens single files of a container, not its directories.`);
  }

  writeFile(): never {
    throw vscode.FileSystemError.NoPermissions(READ_ONLY_REASON);
  }

  createDirectory(): never {
    throw vscode.FileSystemError.NoPermissions(READ_ONLY_REASON);
  }

  delete(): never {
    throw vscode.FileSystemError.NoPermissions(READ_ONLY_REASON);
  }

  rename(): never {
    throw vscode.FileSystemError.NoPermissions(READ_ONLY_REASON);
  }

  dispose(): void {
    this.changes.dispose();
  }

  /** The URI's container and path, if the path is one the read-write layer added or changed. */
  private async allowed(uri: vscode.Uri): Promise<ContainerFileRef> {
    const ref = parseContainerFileUri(uri);
    const cached = this.layers.get(ref.containerId);
    const entry =
      cached && Date.now() - cached.at < CHANGES_TTL_MS
        ? cached
        : {
            at: Date.now(),
            paths: this.engines
              .requireEngine()
              .containerChanges(ref.containerId)
              .then((changes) => new Set(changes.filter((c) => c.Kind !== 2).map((c) => c.Path))),
          };
    this.layers.set(ref.containerId, entry);
    entry.paths.catch(() => this.layers.delete(ref.containerId));
    if (!(await entry.paths).has(ref.path)) {
      throw new LayerlensError(`${ref.path} is not a file the container added or changed; only files of its read-write layer open here.`, 'not-found');
    }
    return ref;
  }

  /** Every failure as a FileSystemError with one sentence (never a stack). */
  private async run<T>(uri: vscode.Uri, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      if (error instanceof vscode.FileSystemError) throw error;
      if (error instanceof CancelledError) throw new vscode.CancellationError();
      const message = messageOf(error);
      this.log.warn(`${uri.toString()}: ${message}`);
      if (error instanceof LayerlensError && error.kind === 'not-found') throw vscode.FileSystemError.FileNotFound(message);
      if (error instanceof LayerlensError && error.kind === 'bad-input') throw vscode.FileSystemError.FileIsADirectory(message);
      throw vscode.FileSystemError.Unavailable(message);
    }
  }
}

/** The image's version of a change node's path: the layer whose version the container replaced or hid. */
function imageVersionUri(node: ChangeNode): vscode.Uri | undefined {
  const source = node.attribution.kind === 'known' ? node.attribution.sources.get(node.node.path) : undefined;
  return source && source.type === 'file' ? layerUri(node.container.imageId, source.layer, node.node.path) : undefined;
}

export function registerContainerFiles(context: vscode.ExtensionContext, engines: EngineService, log: vscode.LogOutputChannel): void {
  const files = new ContainerFileSystem(engines, log);
  const guarded = (id: string, run: (node: ChangeNode) => Thenable<unknown>) =>
    vscode.commands.registerCommand(id, async (node?: ChangeNode) => {
      if (node?.kind !== 'change') return void vscode.window.showInformationMessage('Choose a file of a container\'s read-write layer in the Containers view.');
      try {
        await run(node);
      } catch (error) {
        log.error(`${id}: ${messageOf(error)}`);
        void vscode.window.showErrorMessage(messageOf(error));
      }
    });
  const imageVersion = (node: ChangeNode): vscode.Uri => {
    const uri = imageVersionUri(node);
    if (!uri) throw new LayerlensError(`The image's version of ${node.node.path} is not known yet; wait for the image to be indexed, or refresh Containers.`, 'not-found');
    return uri;
  };
  context.subscriptions.push(
    files,
    vscode.workspace.registerFileSystemProvider(CONTAINER_FILE_SCHEME, files, { isReadonly: new vscode.MarkdownString(READ_ONLY_REASON), isCaseSensitive: true }),
    guarded('layerlens.openContainerFile', (node) => vscode.commands.executeCommand('vscode.open', containerFileUri(node.container.id, node.node.path))),
    guarded('layerlens.openImageVersion', (node) => vscode.commands.executeCommand('vscode.open', imageVersion(node))),
    guarded('layerlens.compareWithImageVersion', (node) => {
      const source = node.attribution.kind === 'known' ? node.attribution.sources.get(node.node.path) : undefined;
      const title = `${node.node.name} (image #${source?.layer ?? '?'} ↔ container ${node.container.name})`;
      return vscode.commands.executeCommand('vscode.diff', imageVersion(node), containerFileUri(node.container.id, node.node.path), title);
    }),
  );
}

// The read-only `layerlens:` file system: any file of any layer of an open image, so that Open and Compare
// use VS Code's own editors. URIs are described in layerUri.ts; bytes come from ImageFileService, which
// checks each file against its layer's content hash. Everything that would change a file is refused.
import * as vscode from 'vscode';
import { CancelledError, LayerlensError, messageOf } from '../core/errors';
import { NotAFileError, type ImageDirectoryEntry } from '../core/model/imageFiles';
import { displayName, PathResolutionError } from '../core/model/imagePaths';
import type { EntryType } from '../core/model/types';
import { ImageFileService, type ImageFileServiceOptions, type ImageSource } from '../docker/imageFileService';
import { formatLayerUri, LAYER_SCHEME, parseLayerUri, type LayerFileRef } from './layerUri';

/** Finds an open image by its ID (64 hex digits, no "sha256:"); undefined when none is open. */
export type ImageResolver = (imageId: string) => Promise<ImageSource | undefined> | ImageSource | undefined;

const READ_ONLY_REASON = 'Layerlens shows the files of an image as its layers hold them; images are read-only.';

/** The URI of `path` as the merged view at `layer` of image `imageId` ("sha256:…" or hex) shows it. */
export function layerUri(imageId: string, layer: number, path: string): vscode.Uri {
  return vscode.Uri.from(formatLayerUri({ imageId, layer, path }));
}

/** The image, layer and exact path a `layerlens:` URI names. */
export function parseLayerFileUri(uri: vscode.Uri): LayerFileRef {
  return parseLayerUri(uri);
}

export class LayerFileSystemProvider implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly changes = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  /** Never fires: an image ID names content that cannot change. */
  readonly onDidChangeFile = this.changes.event;

  constructor(
    private readonly resolveImage: ImageResolver,
    readonly service: ImageFileService,
    private readonly log?: vscode.LogOutputChannel,
  ) {}

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    return this.run(uri, async () => {
      const { ref, source } = await this.open(uri);
      const files = this.service.filesOf(source.model);
      const time = files.createdMs;
      if (ref.layer === undefined) return { type: vscode.FileType.Directory, ctime: time, mtime: time, size: 0, permissions: vscode.FilePermission.Readonly };
      const stat = files.stat(ref.layer, ref.path);
      const type = stat.type === 'symlink' ? vscode.FileType.SymbolicLink | fileType(stat.target) : fileType(stat.target);
      return { type, ctime: time, mtime: time, size: stat.size, permissions: vscode.FilePermission.Readonly };
    });
  }

  async readDirectory(uri: vscode.Uri): Promise<[string, vscode.FileType][]> {
    return this.run(uri, async () => {
      const { ref, source } = await this.open(uri);
      if (ref.layer === undefined) return source.model.data.layers.map((_, i): [string, vscode.FileType] => [String(i), vscode.FileType.Directory]);
      return this.service
        .filesOf(source.model)
        .list(ref.layer, ref.path)
        .map((entry): [string, vscode.FileType] => [displayName(entry.name), directoryEntryType(entry)]);
    });
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return this.run(uri, async () => {
      const { ref, source } = await this.open(uri);
      if (ref.layer === undefined) throw vscode.FileSystemError.FileIsADirectory(uri);
      return this.service.readFile(source, ref.layer, ref.path, { onSlowRead: showSlowRead });
    });
  }

  writeFile(uri: vscode.Uri): never {
    throw readOnly(uri, 'be written');
  }

  createDirectory(uri: vscode.Uri): never {
    throw readOnly(uri, 'get new directories');
  }

  delete(uri: vscode.Uri): never {
    throw readOnly(uri, 'lose files');
  }

  rename(uri: vscode.Uri): never {
    throw readOnly(uri, 'have files renamed');
  }

  copy(_source: vscode.Uri, destination: vscode.Uri): never {
    throw readOnly(destination, 'receive copies');
  }

  dispose(): void {
    this.changes.dispose();
    void this.service.dispose();
  }

  private async open(uri: vscode.Uri): Promise<{ ref: LayerFileRef; source: ImageSource }> {
    const ref = parseLayerUri(uri);
    const source = await this.resolveImage(ref.imageId);
    if (!source) {
      throw new LayerlensError(`Image ${ref.imageId.slice(0, 12)} is not open in Layerlens; open it in the Layer Explorer, then open the file again.`, 'not-found');
    }
    return { ref, source };
  }

  /** Turns every failure into a FileSystemError of the right code with one sentence (never a stack). */
  private async run<T>(uri: vscode.Uri, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      if (error instanceof vscode.FileSystemError) throw error;
      if (error instanceof CancelledError) throw new vscode.CancellationError();
      const message = messageOf(error);
      if (!(error instanceof LayerlensError)) this.log?.error(`${uri.toString()}: ${message}`);
      else if (error.kind !== 'not-found') this.log?.warn(`${uri.toString()}: ${message}`);
      throw toFileSystemError(error, message);
    }
  }
}

/** Registers the provider for `layerlens:` URIs; the provider and its temporary containers go with `context`. */
export function registerLayerFileSystem(
  context: vscode.ExtensionContext,
  resolveImage: ImageResolver,
  options: { log?: vscode.LogOutputChannel; service?: ImageFileServiceOptions } = {},
): LayerFileSystemProvider {
  const service = new ImageFileService({ ...options.service, log: options.service?.log ?? ((message) => options.log?.info(message)) });
  const provider = new LayerFileSystemProvider(resolveImage, service, options.log);
  context.subscriptions.push(
    provider,
    vscode.workspace.registerFileSystemProvider(LAYER_SCHEME, provider, { isReadonly: new vscode.MarkdownString(READ_ONLY_REASON), isCaseSensitive: true }),
  );
  return provider;
}

function readOnly(uri: vscode.Uri, what: string): vscode.FileSystemError {
  let where = '';
  try {
    const ref = parseLayerUri(uri);
    where = ref.layer === undefined ? ` (image ${ref.imageId.slice(0, 12)})` : ` (${displayName(ref.path)} at layer ${ref.layer})`;
  } catch {
    // The URI is not ours to describe; the sentence stands without it.
  }
  return vscode.FileSystemError.NoPermissions(`Layerlens images are read-only: their files cannot ${what}${where}.`);
}

function toFileSystemError(error: unknown, message: string): vscode.FileSystemError {
  if (error instanceof PathResolutionError) {
    return error.reason === 'not-a-directory' ? vscode.FileSystemError.FileNotADirectory(message) : vscode.FileSystemError.FileNotFound(message);
  }
  if (error instanceof NotAFileError) {
    return error.type === 'dir' ? vscode.FileSystemError.FileIsADirectory(message) : vscode.FileSystemError.Unavailable(message);
  }
  if (error instanceof LayerlensError) {
    switch (error.kind) {
      case 'not-found':
        return vscode.FileSystemError.FileNotFound(message);
      case 'permission':
        return vscode.FileSystemError.NoPermissions(message);
      case 'unreachable':
        return vscode.FileSystemError.Unavailable(message);
    }
  }
  return new vscode.FileSystemError(message);
}

function fileType(type: EntryType | 'dangling'): vscode.FileType {
  switch (type) {
    case 'file':
    case 'hardlink':
      return vscode.FileType.File;
    case 'dir':
      return vscode.FileType.Directory;
    default:
      // Dangling symlinks, fifos and devices: nothing an editor can open.
      return vscode.FileType.Unknown;
  }
}

function directoryEntryType(entry: ImageDirectoryEntry): vscode.FileType {
  return entry.type === 'symlink' ? vscode.FileType.SymbolicLink | fileType(entry.target) : fileType(entry.target);
}

/** A read that needs an export takes seconds: say so, and let the user cancel it. */
function showSlowRead(description: string, cancel: () => void): () => void {
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: description, cancellable: true }, (_progress, token) => {
    token.onCancellationRequested(cancel);
    return finished;
  });
  return finish;
}

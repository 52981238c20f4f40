// Packages per layer: the package databases captured in each layer (capture.ts), stacked as the filesystem is
// (whiteouts and opaque directories apply), read by every reader wherever they changed, and compared layer to
// layer. Each version a layer installed is measured in that layer (its files there, their bytes) and against
// the top (its bytes a later step deleted or overwrote, which still ship). Plain data, no I/O.
import { FsStack, type FsNode, type StackListener } from '../model/fsStack';
import { formatBytes, printablePath } from '../format';
import { parentOf, segments } from '../model/paths';
import type { CapturedFile, ImageData, LayerEntry, LayerIndex } from '../model/types';
import { CAPTURE_FILE_LIMIT } from './capture';
import { PACKAGE_READERS, prepareReaders } from './readers';
import { SymlinkPaths } from './symlinkPaths';
import type { InstalledPackage, PackageDatabaseReader, PackageManager } from './types';
import { compareVersions } from './versionOrder';

/** One version of one package, as the layer that installed it holds it. */
export interface PackageVersion {
  manager: PackageManager;
  name: string;
  version: string;
  architecture?: string;
  location: string;
  /** The layer that installed this version. */
  layer: number;
  /** The layer whose database no longer has this version (removed, or another version installed), if any. */
  goneIn?: number;
  /** Its non-directory paths found in `layer` (as that layer's tar names them). */
  files: string[];
  /** Σ bytes of those files: what the package ships in `layer`. */
  size: number;
  /** The part of `size` the top of the image does not show: deleted or overwritten by a later layer. */
  deletedLaterBytes: number;
  /** Every path its database lists, resolved through symlinked directories (for ownership). */
  ownedPaths: string[];
}

export type PackageChangeKind = 'installed' | 'upgraded' | 'downgraded' | 'removed';

export interface PackageChange {
  layer: number;
  manager: PackageManager;
  name: string;
  architecture?: string;
  change: PackageChangeKind;
  from: string | null;
  to: string | null;
  /** The version installed here (installed, upgraded, downgraded) or the one removed. */
  version: PackageVersion;
}

export interface UnownedBytes {
  layer: number;
  /** Σ bytes of the layer's regular files that no package present at that layer owns. */
  bytes: number;
  /** The directories holding most of them (up to four levels deep), biggest first. */
  topDirectories: { path: string; bytes: number }[];
}

export interface ImagePackages {
  /** By layer: the package versions in the merged view's databases at that layer, sorted by manager and name. */
  present: PackageVersion[][];
  /** Every layer's changes to the databases, layer by layer. */
  changes: PackageChange[];
  /** By layer. */
  unowned: UnownedBytes[];
  /** One sentence each, prefixed with the layer ("Layer 3: …"); each said once. */
  problems: string[];
}

const TOP_DIRECTORIES = 5;
const TOP_DIRECTORY_DEPTH = 4;

/**
 * Read once per image and process: analyze, explain, lint and the editor's diagnostics each ask for the same
 * model's packages. Keyed by the data object; a model whose layer list was replaced since is read again.
 */
const loaded = new WeakMap<object, { layers: readonly LayerIndex[]; count: number; packages: Promise<ImagePackages> }>();

/** readImagePackages, once the readers that load something first (sql.js for rpm) are ready. Callers share the result: read it, never change it. */
export function loadImagePackages(data: Pick<ImageData, 'layers'>): Promise<ImagePackages> {
  const known = loaded.get(data);
  if (known && known.layers === data.layers && known.count === data.layers.length) return known.packages;
  const packages = prepareReaders(data.layers).then(() => readImagePackages(data));
  loaded.set(data, { layers: data.layers, count: data.layers.length, packages });
  // A failed read is not kept: the next caller tries again.
  packages.catch(() => loaded.get(data)?.packages === packages && loaded.delete(data));
  return packages;
}

export function readImagePackages(data: Pick<ImageData, 'layers'>, readers: readonly PackageDatabaseReader[] = PACKAGE_READERS): ImagePackages {
  // No database anywhere (scratch images, most app layers): every byte is unowned, and nothing needs stacking.
  if (!data.layers.some((l) => l.captured?.length)) {
    const none = new Map<string, number>();
    return { present: data.layers.map(() => []), changes: [], unowned: data.layers.map((l, i) => unownedBytes(i, l.entries, none)), problems: [] };
  }
  const readerOf = (path: string) => readers.find((r) => r.wants(path));
  /** Captured database files visible in the merged view so far, by reader. */
  const views = new Map<PackageDatabaseReader, Map<string, Uint8Array>>(readers.map((r) => [r, new Map()]));
  const packagesOf = new Map<PackageDatabaseReader, InstalledPackage[]>(readers.map((r) => [r, []]));
  const problems = new Set<string>();
  const stack = new FsStack();
  // Which layer's files a later layer deleted or overwrote, as the stack applies them: cheaper than a lookup of
  // every package file at the top, and the same answer (the top shows a file of layer L iff its node was never
  // changed or removed since).
  const replaced = new Map<number, Set<string>>();
  const replacedBy = (node: FsNode, index: number) => {
    if (node.entry.type !== 'file' || node.layer === index) return;
    let paths = replaced.get(node.layer);
    if (!paths) replaced.set(node.layer, (paths = new Set()));
    paths.add(node.entry.path);
  };
  const listener: StackListener = { deleted: (node, _cause, index) => replacedBy(node, index), modified: (before, _after, _kind, index) => replacedBy(before, index) };
  const result: ImagePackages = { present: [], changes: [], unowned: [], problems: [] };
  let previous = new Map<string, PackageVersion>();
  /** Every path a present version owns, with how many own it: kept up to date as versions come and go. */
  const owned = new Map<string, number>();

  data.layers.forEach((layer, index) => {
    const changed = new Set<PackageDatabaseReader>();
    const forget = (matches: (path: string) => boolean) => {
      for (const [reader, view] of views) {
        for (const path of view.keys()) {
          if (matches(path)) {
            view.delete(path);
            changed.add(reader);
          }
        }
      }
    };
    for (const dir of layer.opaqueDirs) forget((p) => p.startsWith(dir === '/' ? '/' : dir + '/'));
    for (const path of layer.whiteouts) forget((p) => p === path || p.startsWith(path + '/'));
    const captured = new Map<string, CapturedFile>((layer.captured ?? []).map((f) => [f.path, f]));
    for (const entry of layer.entries) {
      const reader = readerOf(entry.path);
      if (!reader) continue;
      changed.add(reader);
      const file = entry.type === 'file' ? captured.get(entry.path) : undefined;
      if (file?.bytes) views.get(reader)!.set(entry.path, file.bytes);
      // Over the capture bound: what the layer below recorded stays, rather than every package looking removed.
      else if (file) problems.add(`Layer ${index}: ${printablePath(entry.path)} is ${formatBytes(file.size)}, over what Layerlens captures of a package database (${formatBytes(CAPTURE_FILE_LIMIT)} a file), so this layer's changes to it are not read.`);
      else views.get(reader)!.delete(entry.path);
    }
    stack.apply(layer, listener);

    for (const reader of changed) {
      const read = reader.read(views.get(reader)!);
      packagesOf.set(reader, read.packages);
      for (const problem of read.problems) problems.add(`Layer ${index}: ${problem}`);
    }
    let layerFiles: Map<string, LayerEntry> | undefined;
    const current = new Map<string, PackageVersion>();
    if (changed.size === 0) {
      for (const [key, version] of previous) current.set(key, version);
    } else {
      const symlinks = new SymlinkPaths(stack);
      for (const packages of packagesOf.values()) {
        for (const pkg of packages) {
          const key = packageKey(pkg);
          if (current.has(key)) continue; // the same package twice in one database: the first counts
          const before = previous.get(key);
          if (before && before.version === pkg.version) {
            current.set(key, before);
            continue;
          }
          const version = measure(pkg, index, symlinks, (layerFiles ??= filesOf(layer.entries)));
          current.set(key, version);
          const change: PackageChangeKind = !before ? 'installed' : compareVersions(pkg.version, before.version) >= 0 ? 'upgraded' : 'downgraded';
          if (before) before.goneIn = index;
          result.changes.push(changeOf(index, change, before?.version ?? null, pkg.version, version));
        }
      }
      for (const [key, before] of previous) {
        if (current.has(key)) continue;
        before.goneIn = index;
        result.changes.push(changeOf(index, 'removed', before.version, null, before));
      }
      for (const [key, version] of current) if (previous.get(key) !== version) own(owned, version, 1);
      for (const [key, version] of previous) if (current.get(key) !== version) own(owned, version, -1);
    }
    result.present.push([...current.values()].sort(byManagerAndName));
    result.unowned.push(unownedBytes(index, layer.entries, owned));
    previous = current;
  });

  // Measured against the top: a file of the installing layer still shows only if no later layer replaced it.
  // Every version is installed by a change, so the changes reach them all.
  const sizesByLayer = new Map<number, Map<string, number>>();
  for (const change of result.changes) {
    const version = change.version;
    if (change.change === 'removed' || version.files.length === 0) continue;
    let sizes = sizesByLayer.get(version.layer);
    if (!sizes) sizesByLayer.set(version.layer, (sizes = fileSizes(data.layers[version.layer].entries)));
    version.deletedLaterBytes = hiddenBytes(version, replaced.get(version.layer), sizes);
  }
  result.problems = [...problems];
  return result;
}

/**
 * One package across layers: the same manager, name and architecture in the same place. The place matters for
 * Python and npm, where one image may hold a package in several site-packages or node_modules directories.
 */
export function packageKey(pkg: Pick<InstalledPackage, 'manager' | 'name' | 'architecture' | 'location'>): string {
  return `${pkg.manager}\u0000${placeOf(pkg)}\u0000${pkg.name}\u0000${pkg.architecture ?? ''}`;
}

/** The directory that holds the package's record, without the parts that name its version. */
function placeOf(pkg: Pick<InstalledPackage, 'manager' | 'name' | 'location'>): string {
  if (pkg.manager === 'python') {
    const parts = segments(pkg.location);
    let info = parts.length - 1;
    while (info >= 0 && !/\.(dist|egg)-info$/i.test(parts[info])) info--;
    return '/' + parts.slice(0, info >= 0 ? info : parts.length - 1).join('/');
  }
  if (pkg.manager === 'npm') {
    const suffix = `/${pkg.name}/package.json`;
    return pkg.location.endsWith(suffix) ? pkg.location.slice(0, -suffix.length) : parentOf(parentOf(pkg.location));
  }
  return ''; // dpkg, apk, rpm: one database per image
}

function filesOf(entries: LayerEntry[]): Map<string, LayerEntry> {
  const files = new Map<string, LayerEntry>();
  for (const entry of entries) if (entry.type !== 'dir') files.set(entry.path, entry);
  return files;
}

function measure(pkg: InstalledPackage, layer: number, symlinks: SymlinkPaths, layerFiles: Map<string, LayerEntry>): PackageVersion {
  const ownedPaths: string[] = [];
  const files: string[] = [];
  let size = 0;
  // npm keeps no file list: a package owns the files of its directory, but not those of the packages nested in it.
  const listedFiles = pkg.manager === 'npm' && pkg.files.length === 0 ? npmFilesOf(layerFiles).get(parentOf(pkg.location)) ?? [] : pkg.files;
  for (const listed of new Set(listedFiles)) {
    const path = symlinks.resolve(listed);
    ownedPaths.push(path);
    const entry = layerFiles.get(path);
    if (!entry || (entry.type === 'symlink' && symlinks.isDirectoryLink(path))) continue;
    files.push(path);
    if (entry.type === 'file') size += entry.size;
  }
  const version: PackageVersion = { manager: pkg.manager, name: pkg.name, version: pkg.version, location: pkg.location, layer, files, size, deletedLaterBytes: 0, ownedPaths };
  if (pkg.architecture) version.architecture = pkg.architecture;
  return version;
}

const npmFilesByLayer = new WeakMap<Map<string, LayerEntry>, Map<string, string[]>>();

/** A layer's files by the npm package directory that holds them (the deepest node_modules/<name> or @scope/<name>). */
function npmFilesOf(layerFiles: Map<string, LayerEntry>): Map<string, string[]> {
  let byPackage = npmFilesByLayer.get(layerFiles);
  if (byPackage) return byPackage;
  byPackage = new Map();
  for (const path of layerFiles.keys()) {
    const at = path.lastIndexOf('/node_modules/');
    if (at < 0) continue;
    const rest = path.slice(at + '/node_modules/'.length).split('/');
    const depth = rest[0].startsWith('@') ? 2 : 1;
    if (rest.length <= depth) continue; // node_modules/<name> itself, or a file directly in node_modules
    const dir = path.slice(0, at) + '/node_modules/' + rest.slice(0, depth).join('/');
    const list = byPackage.get(dir);
    if (list) list.push(path);
    else byPackage.set(dir, [path]);
  }
  npmFilesByLayer.set(layerFiles, byPackage);
  return byPackage;
}

function own(owned: Map<string, number>, version: PackageVersion, delta: 1 | -1): void {
  for (const path of version.ownedPaths) {
    const count = (owned.get(path) ?? 0) + delta;
    if (count > 0) owned.set(path, count);
    else owned.delete(path);
  }
}

function changeOf(layer: number, change: PackageChangeKind, from: string | null, to: string | null, version: PackageVersion): PackageChange {
  const result: PackageChange = { layer, manager: version.manager, name: version.name, change, from, to, version };
  if (version.architecture) result.architecture = version.architecture;
  return result;
}

function fileSizes(entries: LayerEntry[]): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const entry of entries) if (entry.type === 'file') sizes.set(entry.path, entry.size);
  return sizes;
}

function hiddenBytes(version: PackageVersion, replaced: ReadonlySet<string> | undefined, sizes: ReadonlyMap<string, number>): number {
  if (!replaced) return 0;
  let hidden = 0;
  for (const path of version.files) {
    const size = sizes.get(path);
    if (size && replaced.has(path)) hidden += size;
  }
  return hidden;
}

function unownedBytes(layer: number, entries: LayerEntry[], owned: { has(path: string): boolean }): UnownedBytes {
  const byDirectory = new Map<string, number>();
  let bytes = 0;
  for (const entry of entries) {
    if (entry.type !== 'file' || owned.has(entry.path)) continue;
    bytes += entry.size;
    const dir = topDirectoryOf(entry.path);
    byDirectory.set(dir, (byDirectory.get(dir) ?? 0) + entry.size);
  }
  const topDirectories = [...byDirectory]
    .filter(([, b]) => b > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, TOP_DIRECTORIES)
    .map(([path, b]) => ({ path, bytes: b }));
  return { layer, bytes, topDirectories };
}

/** The file's directory, cut to TOP_DIRECTORY_DEPTH levels ("/var/lib/apt/lists/x/y" → "/var/lib/apt/lists"). */
function topDirectoryOf(path: string): string {
  const dir = parentOf(path);
  let cut = 0;
  for (let level = 0; level < TOP_DIRECTORY_DEPTH; level++) {
    cut = dir.indexOf('/', cut + 1);
    if (cut === -1) return dir;
  }
  return dir.slice(0, cut);
}

function byManagerAndName(a: PackageVersion, b: PackageVersion): number {
  return cmp(a.manager, b.manager) || cmp(a.name, b.name) || cmp(a.architecture ?? '', b.architecture ?? '') || cmp(a.location, b.location);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

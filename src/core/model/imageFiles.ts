// The files of one image as a read-only file system: what a path at a layer is (stat), what a directory
// holds (list), and where the bytes of a file live (locate: which layer's tar, which member, which hash).
// Symlinks are followed inside the image only (imagePaths.ts); a hardlink's bytes are its target's in the
// hardlink's own layer, since a later layer that rewrites the target does not change the hardlink.
import { LayerlensError } from '../errors';
import type { FsNode } from './fsStack';
import type { ImageModel } from './imageModel';
import { describePath, PathResolutionError, resolveInImage, type ResolvedPath } from './imagePaths';
import { MergedViewCache } from './mergedViewCache';
import type { EntryType, LayerEntry, LayerIndex } from './types';

/** Where the bytes of one file version are: the member `path` of layer `layer`'s tar, with this hash. */
export interface ContentLocation {
  hash: string;
  size: number;
  /** The file's own path in the layer's tar (for a hardlink: its target's). */
  path: string;
  layer: number;
}

export interface ImageFileStat {
  /** The real path of what the name leads to (symlinks followed), or of the symlink itself when it dangles. */
  path: string;
  /** What the name itself is (its last component not followed). */
  type: EntryType;
  /** What it leads to: the same as `type`, 'file' for a hardlink, the target's type for a symlink, 'dangling' for a broken symlink. */
  target: EntryType | 'dangling';
  /** Content bytes of what it leads to. */
  size: number;
}

export interface ImageDirectoryEntry {
  /** The name as stored (bytes that are not UTF-8 kept as U+DC80–U+DCFF). */
  name: string;
  type: EntryType;
  target: EntryType | 'dangling';
}

/** Opening a directory, a fifo or a device as a file. */
export class NotAFileError extends LayerlensError {
  constructor(
    message: string,
    readonly type: EntryType,
  ) {
    super(message, 'bad-input');
    this.name = 'NotAFileError';
  }
}

const MAX_HARDLINK_HOPS = 8;

export class ImageFiles {
  readonly views: MergedViewCache;
  private topPathsByHash: Map<string, string> | undefined;
  private readonly layerEntries = new WeakMap<LayerIndex, Map<string, LayerEntry>>();

  constructor(readonly model: ImageModel) {
    this.views = new MergedViewCache(model);
  }

  /** The image's creation time in ms since the epoch (0 when the config has none), used as every file's mtime. */
  get createdMs(): number {
    const created = Date.parse(this.model.data.config.created ?? '');
    return Number.isFinite(created) ? created : 0;
  }

  resolve(layer: number, path: string, followFinal = true): ResolvedPath<FsNode> {
    return resolveInImage(this.views.at(layer).root, path, { followFinal, matchDisplayNames: true, where: `at layer ${layer}` });
  }

  stat(layer: number, path: string): ImageFileStat {
    const own = this.resolve(layer, path, false);
    const type = own.node.entry.type;
    if (type !== 'symlink') return { path: own.path, type, target: type === 'hardlink' ? 'file' : type, size: this.sizeOf(own.node) };
    const target = this.followOrDangle(layer, path);
    if (!target) return { path: own.path, type, target: 'dangling', size: 0 };
    const targetType = target.node.entry.type;
    return { path: target.path, type, target: targetType === 'hardlink' ? 'file' : targetType, size: this.sizeOf(target.node) };
  }

  /** The entries of a directory (symlinks to directories are followed), in no particular order. */
  list(layer: number, path: string): ImageDirectoryEntry[] {
    const dir = this.resolve(layer, path, true);
    if (!dir.node.children) throw new NotAFileError(`${describePath(dir.path)} is a ${typeName(dir.node.entry.type)}, not a directory.`, dir.node.entry.type);
    const result: ImageDirectoryEntry[] = [];
    for (const [name, child] of dir.node.children) {
      const type = child.entry.type;
      let target: ImageDirectoryEntry['target'] = type === 'hardlink' ? 'file' : type;
      if (type === 'symlink') {
        const followed = this.followOrDangle(layer, (dir.path === '/' ? '' : dir.path) + '/' + name);
        target = followed ? (followed.node.entry.type === 'hardlink' ? 'file' : followed.node.entry.type) : 'dangling';
      }
      result.push({ name, type, target });
    }
    return result;
  }

  /** Where the bytes of the file that `path` leads to at `layer` are. */
  locate(layer: number, path: string): ContentLocation {
    const resolved = this.resolve(layer, path, true);
    let node: { entry: LayerEntry; layer: number } = resolved.node;
    for (let hops = 0; node.entry.type === 'hardlink'; hops++) {
      if (hops >= MAX_HARDLINK_HOPS) throw new LayerlensError(`${describePath(resolved.path)} is a chain of more than ${MAX_HARDLINK_HOPS} hardlinks; the layer is malformed.`, 'corrupt');
      node = this.hardlinkTarget(node.entry, node.layer);
    }
    const entry = node.entry;
    if (entry.type !== 'file') {
      throw new NotAFileError(`${describePath(resolved.path)} is a ${typeName(entry.type)}; only regular files have content to open.`, entry.type);
    }
    if (!entry.hash) throw new LayerlensError(`The index of layer ${node.layer} has no content hash for ${describePath(entry.path)}; reopen the image to index it again.`, 'corrupt');
    return { hash: entry.hash, size: entry.size, path: entry.path, layer: node.layer };
  }

  /**
   * A path where the top of the image shows exactly these bytes (the same path if it still holds them), so
   * they can be read from a container of the image; undefined for versions the top no longer has.
   */
  topPathFor(location: ContentLocation): string | undefined {
    const top = this.views.at(this.model.topLayer).lookup(location.path);
    if (top?.entry.type === 'file' && top.entry.hash === location.hash) return location.path;
    return this.topPaths().get(location.hash);
  }

  /**
   * The last layer whose merged view still shows these bytes at `location.path`: the next layer that writes
   * the path, whites it (or a parent) out, makes a parent opaque or replaces a parent ends it. Cheap: it reads
   * the layers' own entries, never stacks.
   */
  lastLayerShowing(location: ContentLocation): number {
    const path = location.path;
    const parents: string[] = [];
    for (let i = path.indexOf('/', 1); i > 0; i = path.indexOf('/', i + 1)) parents.push(path.slice(0, i));
    const under = (dir: string) => path.startsWith(dir === '/' ? '/' : dir + '/');
    for (let k = location.layer + 1; k <= this.model.topLayer; k++) {
      const layer = this.model.data.layers[k];
      const entries = this.entriesOf(k);
      if (entries.has(path) || layer.whiteouts.some((w) => w === path || under(w)) || layer.opaqueDirs.some(under)) return k - 1;
      if (parents.some((p) => entries.has(p) && entries.get(p)!.type !== 'dir')) return k - 1;
    }
    return this.model.topLayer;
  }

  /**
   * Every file version the top of the image does not show (overwritten or deleted later), up to `maxSize`
   * bytes, keyed by "size:path" in its layer's tar: what an export can collect on the way to another file.
   */
  olderVersions(maxSize: number): Map<string, string> {
    const top = this.topPaths();
    const result = new Map<string, string>();
    for (const layer of this.model.data.layers) {
      for (const entry of layer.entries) {
        if (entry.type === 'file' && entry.hash && entry.size <= maxSize && !top.has(entry.hash)) result.set(memberKey(entry.size, entry.path), entry.hash);
      }
    }
    return result;
  }

  private topPaths(): Map<string, string> {
    if (!this.topPathsByHash) {
      const map = new Map<string, string>();
      for (const node of this.views.at(this.model.topLayer).walk()) {
        if (node.entry.type === 'file' && node.entry.hash && !map.has(node.entry.hash)) map.set(node.entry.hash, node.entry.path);
      }
      this.topPathsByHash = map;
    }
    return this.topPathsByHash;
  }

  private followOrDangle(layer: number, path: string): ResolvedPath<FsNode> | undefined {
    try {
      return this.resolve(layer, path, true);
    } catch (error) {
      if (error instanceof PathResolutionError) return undefined;
      throw error;
    }
  }

  private sizeOf(node: FsNode): number {
    if (node.entry.type === 'file') return node.entry.size;
    if (node.entry.type !== 'hardlink') return 0;
    try {
      return this.hardlinkTarget(node.entry, node.layer).entry.size;
    } catch {
      return 0;
    }
  }

  /** Tar writers store a hardlink's target in the same layer; a malformed layer may rely on a lower one. */
  private hardlinkTarget(link: LayerEntry, layer: number): { entry: LayerEntry; layer: number } {
    const target = link.linkTarget ?? '';
    const own = this.entriesOf(layer).get(target);
    if (own) return { entry: own, layer };
    const below = this.views.at(layer).lookup(target);
    if (below && below.entry !== link) return { entry: below.entry, layer: below.layer };
    throw new PathResolutionError(`The hardlink ${describePath(link.path)} points to ${describePath(target)}, which does not exist at layer ${layer}.`, 'missing');
  }

  private entriesOf(layer: number): Map<string, LayerEntry> {
    const index = this.model.data.layers[layer];
    let map = this.layerEntries.get(index);
    if (!map) {
      map = new Map();
      for (const entry of index.entries) map.set(entry.path, entry);
      this.layerEntries.set(index, map);
    }
    return map;
  }
}

/** How scanners name a file of a layer tar: its size and path (cheap to test before hashing anything). */
export function memberKey(size: number, path: string): string {
  return `${size}:${path}`;
}

function typeName(type: EntryType): string {
  switch (type) {
    case 'dir':
      return 'directory';
    case 'fifo':
      return 'named pipe (fifo)';
    case 'char':
      return 'character device';
    case 'block':
      return 'block device';
    case 'hardlink':
      return 'hardlink';
    default:
      return type;
  }
}

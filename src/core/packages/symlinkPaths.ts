// Package databases name files by the paths the package manager wrote, which may pass through symlinked
// directories: on a merged-/usr Debian, dpkg lists /lib/x86_64-linux-gnu/libc.so.6 while the layer holds
// /usr/lib/x86_64-linux-gnu/libc.so.6 (/lib → usr/lib). This finds the path a layer's tar uses.
import type { FsNode, FsStack } from '../model/fsStack';
import { baseName, joinPath, normalizeMemberPath, parentOf } from '../model/paths';

/** As the kernel's ELOOP limit: a symlink cycle ends here instead of looping. */
const MAX_HOPS = 40;
const UNCLEAN = /\/\.{0,2}(\/|$)/;

/** A directory path with every component resolved, and the stack's node there (undefined: missing). */
interface Resolved {
  path: string;
  node: FsNode | undefined;
}

export class SymlinkPaths {
  private readonly directories = new Map<string, Resolved>();
  private readonly root: Resolved;

  /** `stack` is the merged view to resolve in; make a new resolver when it changes. */
  constructor(stack: FsStack) {
    this.root = { path: '/', node: stack.root };
  }

  /** The path with every directory component resolved; the last component is kept (a package may own a symlink). */
  resolve(path: string): string {
    // Database paths are nearly always clean and absolute: normalise only the rare one that is not.
    const normalized = path.startsWith('/') && !UNCLEAN.test(path) ? path : normalizeMemberPath(path).path;
    if (normalized === '/') return '/';
    return joinPath(this.directory(parentOf(normalized), 0).path, baseName(normalized));
  }

  /** A symlink to a directory (merged /usr's /lib): a database that lists it means the directory, not a file. */
  isDirectoryLink(path: string): boolean {
    const resolved = this.directory(path, 0);
    return resolved.path !== path && resolved.node?.entry.type === 'dir';
  }

  // Each directory is found from its resolved parent's node (one child lookup), never walked again from the root.
  private directory(dir: string, hops: number): Resolved {
    if (dir === '/') return this.root;
    const known = this.directories.get(dir);
    if (known !== undefined) return known;
    const parent = this.directory(parentOf(dir), hops);
    const name = baseName(dir);
    let resolved: Resolved = { path: joinPath(parent.path, name), node: parent.node?.children?.get(name) };
    const entry = resolved.node?.entry;
    if (entry?.type === 'symlink' && entry.linkTarget !== undefined && hops < MAX_HOPS) {
      const target = entry.linkTarget;
      resolved = this.directory(normalizeMemberPath(target.startsWith('/') ? target : joinPath(parent.path, target)).path, hops + 1);
    }
    this.directories.set(dir, resolved);
    return resolved;
  }
}

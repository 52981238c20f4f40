// Resolves a path inside an image's merged view, as the kernel would inside a container whose root is the
// image: `..` stops at the root, symlinks are followed within the view (absolute targets from the image
// root, relative ones from the link's directory), and a loop ends after MAX_SYMLINKS like Linux's ELOOP
// (path_resolution(7): 40). Nothing here touches the host's filesystem: the tree is the layer index.
import { LayerlensError } from '../errors';
import type { EntryType } from './types';

export const MAX_SYMLINKS = 40;

/** What resolution needs of a tree node; FsNode (fsStack.ts) is one. */
export interface PathNode {
  entry: { path: string; type: EntryType; linkTarget?: string };
  children?: Map<string, PathNode>;
}

export interface ResolveOptions {
  /** Follow a symlink in the last component too (stat, read); false for lstat-like questions. Default true. */
  followFinal?: boolean;
  /**
   * When a component is not found and contains U+FFFD, accept the one child whose displayName is that
   * component: names that are not UTF-8 reach us that way after a round trip through an editor.
   */
  matchDisplayNames?: boolean;
  /** Ends the error messages: "at layer 4" gives "There is no /x at layer 4.". */
  where?: string;
}

export interface ResolvedPath<N extends PathNode> {
  /** The real path: no symlink left in it, no `.` or `..`. */
  path: string;
  node: N;
  /** Symlinks followed on the way, outermost first: what the front end can tell the user. */
  via: string[];
}

export type ResolveFailure = 'missing' | 'not-a-directory' | 'loop';

export class PathResolutionError extends LayerlensError {
  constructor(
    message: string,
    readonly reason: ResolveFailure,
  ) {
    super(message, reason === 'loop' ? 'bad-input' : 'not-found');
    this.name = 'PathResolutionError';
  }
}

export function resolveInImage<N extends PathNode>(root: N, path: string, options: ResolveOptions = {}): ResolvedPath<N> {
  const followFinal = options.followFinal ?? true;
  const where = options.where ? ` ${options.where}` : ' in this image';
  // Components still to walk, last one first (so that pop() takes the next).
  const todo = splitReversed(path);
  const names: string[] = [];
  const nodes: N[] = [root];
  const via: string[] = [];
  while (todo.length > 0) {
    const name = todo.pop()!;
    if (name === '' || name === '.') continue;
    if (name === '..') {
      // Clamped at the image root, as chroot does: "/../../etc" is "/etc".
      if (names.length > 0) {
        names.pop();
        nodes.pop();
      }
      continue;
    }
    const dir = nodes[nodes.length - 1];
    const dirPath = joinNames(names);
    if (!dir.children) {
      throw new PathResolutionError(`${describePath(dirPath)} is not a directory, so ${describePath(path)} does not exist${where}.`, 'not-a-directory');
    }
    const child = (dir.children.get(name) ?? (options.matchDisplayNames ? matchByDisplayName(dir, name, dirPath) : undefined)) as N | undefined;
    if (!child) {
      // Through symlinks the name leads elsewhere: say where, or the message would seem wrong.
      const reached = joinNames([...names, name, ...todo.filter((n) => n !== '' && n !== '.').reverse()]);
      const through = via.length === 0 ? '' : ` (through ${via.length === 1 ? 'a symlink' : 'symlinks'} it leads to ${describePath(reached)})`;
      throw new PathResolutionError(`There is no ${describePath(path)}${where}${through}.`, 'missing');
    }
    const isLast = !todo.some((n) => n !== '' && n !== '.');
    if (child.entry.type === 'symlink' && (!isLast || followFinal)) {
      via.push(joinNames([...names, name]));
      if (via.length > MAX_SYMLINKS) {
        throw new PathResolutionError(`Resolving ${describePath(path)} follows more than ${MAX_SYMLINKS} symlinks${where}; they form a loop.`, 'loop');
      }
      const target = child.entry.linkTarget ?? '';
      if (target === '') throw new PathResolutionError(`The symlink ${describePath(joinNames([...names, name]))} is empty, so ${describePath(path)} does not exist${where}.`, 'missing');
      if (target.startsWith('/')) {
        // Absolute targets start again from the image root, never from the host's.
        names.length = 0;
        nodes.length = 1;
      }
      todo.push(...splitReversed(target));
      continue;
    }
    names.push(child === dir.children.get(name) ? name : realName(dir, child));
    nodes.push(child);
  }
  return { path: joinNames(names), node: nodes[nodes.length - 1], via };
}

/** "/a/./b//../c/" → "/a/c", with `..` clamped at the root; the lexical form, no symlink followed. */
export function normalizeImagePath(path: string): string {
  const names: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') names.pop();
    else names.push(part);
  }
  return joinNames(names);
}

/**
 * A name as an editor can show and send back: bytes that were not UTF-8 (kept as U+DC80–U+DCFF by
 * paths.ts decodeTarName) become U+FFFD, since a lone surrogate cannot be percent-encoded in a URI.
 */
export function displayName(name: string): string {
  return hasRawBytes(name) ? name.replace(/[\udc80-\udcff]/g, '\ufffd') : name;
}

export function hasRawBytes(name: string): boolean {
  return /[\udc80-\udcff]/.test(name);
}

/** A path for a message: plain when it is printable, else quoted with escapes ("\n", "\xE9") so it stays on one line. */
export function describePath(path: string): string {
  if (!/[\x00-\x1f\x7f"\\\udc80-\udcff]/.test(path)) return path;
  const escaped = JSON.stringify(path).replace(/\\udc([89a-f][0-9a-f])/gi, (_, hex: string) => `\\x${hex.toUpperCase()}`);
  return escaped;
}

function matchByDisplayName(dir: PathNode, name: string, dirPath: string): PathNode | undefined {
  if (!name.includes('\ufffd')) return undefined;
  const matches = [...dir.children!.entries()].filter(([childName]) => displayName(childName) === name);
  if (matches.length > 1) {
    throw new PathResolutionError(
      `${describePath(joinNames([...dirPath.split('/').filter(Boolean), name]))} matches ${matches.length} names that differ only in bytes that are not UTF-8; open it from the Layer Explorer instead.`,
      'missing',
    );
  }
  return matches[0]?.[1];
}

function realName(dir: PathNode, child: PathNode): string {
  for (const [name, node] of dir.children!) if (node === child) return name;
  return child.entry.path.slice(child.entry.path.lastIndexOf('/') + 1);
}

function splitReversed(path: string): string[] {
  return path.split('/').reverse();
}

function joinNames(names: string[]): string {
  return '/' + names.join('/');
}

// Where the bytes went: each directory's regular-file bytes (recursively) in both final views, and the
// directories that grew or shrank most. A directory whose whole change sits in one child directory is left
// out for that child ("/usr" would head the list otherwise): the deepest one says where. "/" is never listed:
// its change is the size delta of the summary.
import type { FsNode, FsStack } from '../model/fsStack';
import { parentOf } from '../model/paths';
import type { DirectoryGrowth } from './comparison';

/** Bytes of regular files under each directory, "/" included, leaving out ignored paths and what is below them. */
export function directoryBytes(stack: FsStack, ignored?: (path: string) => boolean): Map<string, number> {
  const totals = new Map<string, number>();
  // Depth first with an explicit stack (paths can be very deep): a directory's total is known, and handed to its
  // parent, once all its children are done.
  const open: { node: FsNode; children: Iterator<FsNode>; bytes: number }[] = [{ node: stack.root, children: stack.root.children!.values(), bytes: 0 }];
  while (open.length) {
    const top = open[open.length - 1];
    const next = top.children.next();
    if (next.done) {
      open.pop();
      totals.set(top.node.entry.path, top.bytes);
      if (open.length) open[open.length - 1].bytes += top.bytes;
      continue;
    }
    const child = next.value;
    if (ignored?.(child.entry.path)) continue;
    if (child.children) open.push({ node: child, children: child.children.values(), bytes: 0 });
    else if (child.entry.type === 'file') top.bytes += child.entry.size;
  }
  return totals;
}

/** The `limit` directories that grew most and the `limit` that shrank most, biggest change first. */
export function biggestDirectoryChanges(bytesA: Map<string, number>, bytesB: Map<string, number>, limit: number): DirectoryGrowth[] {
  const changed = new Map<string, DirectoryGrowth>();
  for (const [path, a] of bytesA) {
    const b = bytesB.get(path) ?? 0;
    if (a !== b) changed.set(path, { path, bytesA: a, bytesB: b, delta: b - a });
  }
  for (const [path, b] of bytesB) {
    if (!bytesA.has(path) && b !== 0) changed.set(path, { path, bytesA: 0, bytesB: b, delta: b });
  }
  const explained = new Set<string>();
  for (const d of changed.values()) {
    if (d.path !== '/' && changed.get(parentOf(d.path))?.delta === d.delta) explained.add(parentOf(d.path));
  }
  const kept = [...changed.values()].filter((d) => d.path !== '/' && !explained.has(d.path));
  const byPath = (x: DirectoryGrowth, y: DirectoryGrowth) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0);
  const growths = kept.filter((d) => d.delta > 0).sort((x, y) => y.delta - x.delta || byPath(x, y)).slice(0, limit);
  const shrinks = kept.filter((d) => d.delta < 0).sort((x, y) => x.delta - y.delta || byPath(x, y)).slice(0, limit);
  return [...growths, ...shrinks].sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || byPath(x, y));
}

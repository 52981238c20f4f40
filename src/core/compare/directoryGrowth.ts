// Where the bytes went: each directory's regular-file bytes (recursively) in both final views, and the
// directories that grew or shrank most. A directory whose whole change sits in one child directory is left
// out for that child ("/usr" would head the list otherwise): the deepest one says where. "/" is never listed:
// its change is the size delta of the summary.
import type { MergedEntry } from '../imageModel';
import { parentOf } from '../paths';
import type { DirectoryGrowth } from './comparison';

/** Bytes under each directory, "/" included, from a view sorted by comparePaths (parents before their contents). */
export function directoryBytes(entries: readonly MergedEntry[], ignored?: (path: string) => boolean): Map<string, number> {
  const totals = new Map<string, number>();
  // The open directories, root first: each entry's ancestors. A closed directory hands its total to its parent.
  const open: { path: string; prefix: string; bytes: number }[] = [{ path: '/', prefix: '/', bytes: 0 }];
  const close = () => {
    const done = open.pop()!;
    totals.set(done.path, done.bytes);
    open[open.length - 1].bytes += done.bytes;
  };
  let skippedDir: string | undefined;
  for (const e of entries) {
    if (skippedDir !== undefined && e.path.startsWith(skippedDir)) continue;
    skippedDir = undefined;
    if (ignored?.(e.path)) {
      if (e.type === 'dir') skippedDir = e.path + '/';
      continue;
    }
    while (open.length > 1 && !e.path.startsWith(open[open.length - 1].prefix)) close();
    if (e.type === 'dir') open.push({ path: e.path, prefix: e.path + '/', bytes: 0 });
    else if (e.type === 'file') open[open.length - 1].bytes += e.size;
  }
  while (open.length > 1) close();
  totals.set('/', open[0].bytes);
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

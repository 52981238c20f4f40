// The Layer Explorer's file tree for one layer range, built once and then asked for one directory at a time:
// the webview never receives the whole tree. Pure (no `vscode`): unit-tested on images built in memory.
//
// A range [from, to] compares the merged view just below `from` with the merged view at `to`. A single layer
// (from === to) is "what this step changed". Deleted paths stay in the tree as ghosts at their old place.
import { FsStack, modificationKind, type FsNode } from '../core/model/fsStack';
import { isRealChange, type ImageModel } from '../core/model/imageModel';
import { baseName, comparePaths, parentOf, segments } from '../core/model/paths';
import type { LayerEntry } from '../core/model/types';
import type { FilterSpec, LayerRange, RowChange, SortOrder, TreeMode, TreeRow } from './protocol';
import { compilePathFilter } from './pathFilter';
import type { SecurityMarks } from './securityMarks';

interface Change {
  change: RowChange;
  /** The version shown: the new one, or for a deletion the deleted one. */
  entry: LayerEntry;
  previousType?: LayerEntry['type'];
  /** Layer that made the change. */
  changedIn: number;
}

interface Ghost {
  entry: LayerEntry;
  /** Layer whose version was deleted. */
  layer: number;
}

/** What the range changed below a directory: additions and rewrites apart from deletions. */
interface Rollup {
  count: number;
  bytes: number;
  deletedCount: number;
  deletedBytes: number;
  /** Changed or deleted paths below with a security mark on the version shown. */
  marked: number;
}

/** At most this many matches are returned by a filter (the rest is counted, not sent). */
export const FILTER_LIMIT = 2_000;

export class LayerTree {
  private readonly upper: FsStack;
  private readonly changes = new Map<string, Change>();
  private readonly ghostsByDir = new Map<string, Ghost[]>();
  private readonly ghostByPath = new Map<string, Ghost>();
  private readonly opaque = new Set<string>();
  /** Changed descendants of each directory. */
  private readonly changedBelow = new Map<string, Rollup>();
  /** Bytes of all files below each directory of the upper view (filled on first use). */
  private bytesBelow?: Map<string, number>;

  constructor(
    model: ImageModel,
    readonly range: LayerRange,
    private readonly security?: SecurityMarks,
  ) {
    const { from, to } = range;
    if (from > to || from < 0 || to > model.topLayer) throw new RangeError(`There is no layer range ${from}..${to} in this image.`);
    // One stack: the view below the range, then the range applied with a listener. The first event of a path
    // tells what it was before the range; the stack tells what it is after: together, the net change.
    this.upper = model.stackTo(from - 1);
    const before = new Map<string, Ghost | null>();
    const deletedIn = new Map<string, number>();
    const touch = (path: string, was: Ghost | null) => before.has(path) || before.set(path, was);
    for (let i = from; i <= to; i++) {
      const layer = model.data.layers[i];
      for (const dir of layer.opaqueDirs) this.opaque.add(dir);
      this.upper.apply(layer, {
        added: (node) => touch(node.entry.path, null),
        modified: (old, node) => touch(node.entry.path, { entry: old.entry, layer: old.layer }),
        deleted: (node, _cause, at) => {
          touch(node.entry.path, { entry: node.entry, layer: node.layer });
          deletedIn.set(node.entry.path, at);
        },
      });
    }
    for (const [path, was] of before) {
      const now = this.upper.lookup(path);
      if (now && !was) this.record(path, { change: 'added', entry: now.entry, changedIn: now.layer });
      else if (now && was && now.entry !== was.entry && isRealChange(was.entry, now.entry)) {
        const kind = modificationKind(was.entry, now.entry);
        const change: RowChange = kind === 'type' ? 'type' : kind === 'metadata' ? 'metadata' : 'modified';
        this.record(path, { change, entry: now.entry, changedIn: now.layer, ...(kind === 'type' ? { previousType: was.entry.type } : {}) });
      } else if (!now && was) {
        const ghost = { entry: was.entry, layer: was.layer };
        this.ghostByPath.set(path, ghost);
        const siblings = this.ghostsByDir.get(parentOf(path));
        siblings ? siblings.push(ghost) : this.ghostsByDir.set(parentOf(path), [ghost]);
        this.record(path, { change: 'deleted', entry: was.entry, changedIn: deletedIn.get(path) ?? to, previousType: was.entry.type });
      }
    }
  }

  /** The rows directly below `dir`, at `depth`. In "changes" mode only changed paths and the directories that lead to them. */
  children(dir: string, mode: TreeMode, sort: SortOrder, depth = segments(dir).length): TreeRow[] {
    const rows: TreeRow[] = [];
    const node = this.ghostByPath.has(dir) ? undefined : this.upper.lookup(dir);
    for (const child of node?.children?.values() ?? []) {
      const path = child.entry.path;
      if (mode === 'changes' && !this.changes.has(path) && !this.changedBelow.has(path)) continue;
      rows.push(this.rowOf(child, depth, mode));
    }
    for (const ghost of this.ghostsByDir.get(dir) ?? []) rows.push(this.ghostRow(ghost, depth));
    return sortRows(rows, sort);
  }

  /** The tree with the ancestors of `path` expanded (and nothing else), to select `path` from outside. */
  reveal(path: string, mode: TreeMode, sort: SortOrder): TreeRow[] {
    const chain = new Set<string>(['/']);
    for (let dir = parentOf(path); dir !== '/'; dir = parentOf(dir)) chain.add(dir);
    const out: TreeRow[] = [];
    const expand = (dir: string) => {
      for (const row of this.children(dir, mode, sort)) {
        out.push(row);
        if (chain.has(row.path) && row.hasChildren) expand(row.path);
      }
    };
    expand('/');
    return out;
  }

  /** Matching paths with their ancestors, in tree order (directories before their contents); `only` narrows the paths further. */
  filter(spec: FilterSpec, mode: TreeMode, sort: SortOrder, only?: (path: string) => boolean): { rows: TreeRow[]; total: number; truncated: boolean } {
    const text = compilePathFilter(spec.text);
    const test = only ? (path: string) => only(path) && text(path) : text;
    const kinds = new Set(spec.kinds);
    const onlyChanges = spec.onlyChanges || mode === 'changes' || kinds.size > 0;
    const matches: string[] = [];
    let total = 0;
    const consider = (path: string, entry: LayerEntry) => {
      const change = this.changes.get(path)?.change;
      if (onlyChanges && !change) return;
      if (kinds.size && (!change || !kinds.has(change))) return;
      if (spec.minSize && entry.size < spec.minSize) return;
      if (!test(path)) return;
      if (total++ < FILTER_LIMIT) matches.push(path);
    };
    if (onlyChanges) {
      for (const [path, change] of this.changes) consider(path, change.entry);
    } else {
      for (const node of this.upper.walk()) consider(node.entry.path, node.entry);
      for (const [path, ghost] of this.ghostByPath) consider(path, ghost.entry);
    }

    const shown = new Set<string>();
    for (const path of matches) {
      for (let p = path; p !== '/' && !shown.has(p); p = parentOf(p)) shown.add(p);
    }
    const ordered = [...shown].sort(comparePaths);
    if (sort === 'size') return { rows: this.sizeOrdered(ordered, mode), total, truncated: total > matches.length };
    return { rows: ordered.map((p) => this.rowAt(p, mode)!).filter(Boolean), total, truncated: total > matches.length };
  }

  /** The row of one path (upper view or ghost), or undefined. */
  rowAt(path: string, mode: TreeMode = 'filesystem'): TreeRow | undefined {
    const depth = segments(path).length - 1;
    const ghost = this.ghostByPath.get(path);
    if (ghost) return this.ghostRow(ghost, depth);
    const node = this.upper.lookup(path);
    return node && path !== '/' ? this.rowOf(node, depth, mode) : undefined;
  }

  /** The entry shown for `path` and the layer that holds it (for a ghost: the deleted version). */
  entryAt(path: string): { entry: LayerEntry; layer: number; deleted: boolean } | undefined {
    const ghost = this.ghostByPath.get(path);
    if (ghost) return { entry: ghost.entry, layer: ghost.layer, deleted: true };
    const node = this.upper.lookup(path);
    return node ? { entry: node.entry, layer: node.layer, deleted: false } : undefined;
  }

  /** Counts a change in every directory above it; a deletion apart, as its bytes are hidden, not removed. */
  private record(path: string, change: Change): void {
    this.changes.set(path, change);
    const { entry } = change;
    const deleted = change.change === 'deleted';
    if (deleted && entry.type === 'dir') return; // its files are counted, and a deleted directory ships nothing
    const size = entry.type === 'file' ? entry.size : 0;
    const shownLayer = deleted ? this.ghostByPath.get(path)!.layer : change.changedIn;
    const marked = this.security?.of(path, shownLayer).length ? 1 : 0;
    for (let dir = parentOf(path); ; dir = parentOf(dir)) {
      let rollup = this.changedBelow.get(dir);
      if (!rollup) this.changedBelow.set(dir, (rollup = { count: 0, bytes: 0, deletedCount: 0, deletedBytes: 0, marked: 0 }));
      if (deleted) {
        rollup.deletedCount++;
        rollup.deletedBytes += size;
      } else {
        rollup.count++;
        rollup.bytes += size;
      }
      rollup.marked += marked;
      if (dir === '/') break;
    }
  }

  /** The rolled-up size a directory's row shows, and what changed below it (for its details). */
  dirSummary(path: string, mode: TreeMode): { size: number; below: Rollup | undefined } | undefined {
    const row = this.rowAt(path, mode);
    if (!row || row.type !== 'dir') return undefined;
    return { size: row.size, below: this.changedBelow.get(path) };
  }

  /** Bytes below a directory of the upper view; all directories are summed in one walk, on first use. */
  private bytesOf(dir: string): number {
    if (!this.bytesBelow) {
      const totals = new Map<string, number>();
      const sum = (node: FsNode): number => {
        let bytes = 0;
        for (const child of node.children!.values()) bytes += child.children ? sum(child) : child.entry.type === 'file' ? child.entry.size : 0;
        totals.set(node.entry.path, bytes);
        return bytes;
      };
      sum(this.upper.root);
      this.bytesBelow = totals;
    }
    return this.bytesBelow.get(dir) ?? 0;
  }

  /** In "changes" mode a directory's size is the bytes of its changes; in "filesystem" mode, of everything below it. */
  private rowOf(node: FsNode, depth: number, mode: TreeMode = 'filesystem'): TreeRow {
    const { entry } = node;
    const change = this.changes.get(entry.path);
    const rollup = this.changedBelow.get(entry.path);
    const isDir = entry.type === 'dir';
    const row: TreeRow = {
      path: entry.path,
      name: baseName(entry.path),
      depth,
      type: entry.type,
      size: isDir ? (mode === 'changes' ? (rollup?.bytes ?? 0) : this.bytesOf(entry.path)) : entry.size,
      layer: node.layer,
      hasChildren: isDir && ((node.children?.size ?? 0) > 0 || this.ghostsByDir.has(entry.path)),
      ...countsOf(rollup),
    };
    this.markSecurity(row, rollup);
    if (change) {
      row.change = change.change;
      if (change.change !== 'added') row.changedIn = change.changedIn;
      if (change.previousType) row.previousType = change.previousType;
    }
    if (this.opaque.has(entry.path)) row.opaque = true;
    if (entry.linkTarget !== undefined) row.linkTarget = entry.linkTarget;
    return row;
  }

  private ghostRow(ghost: Ghost, depth: number): TreeRow {
    const { entry } = ghost;
    const change = this.changes.get(entry.path)!;
    const rollup = this.changedBelow.get(entry.path);
    const row: TreeRow = {
      path: entry.path,
      name: baseName(entry.path),
      depth,
      type: entry.type,
      size: entry.type === 'dir' ? (rollup?.deletedBytes ?? 0) : entry.size,
      change: 'deleted',
      previousType: entry.type,
      layer: ghost.layer,
      changedIn: change.changedIn,
      hasChildren: this.ghostsByDir.has(entry.path),
      ...countsOf(rollup),
    };
    this.markSecurity(row, rollup);
    if (entry.linkTarget !== undefined) row.linkTarget = entry.linkTarget;
    return row;
  }

  private markSecurity(row: TreeRow, rollup: Rollup | undefined): void {
    const marks = this.security?.of(row.path, row.layer);
    if (marks?.length) row.security = marks;
    if (rollup?.marked) row.securityBelow = rollup.marked;
  }

  /** Filter results by size: siblings ordered by size under each shown directory, depth-first. */
  private sizeOrdered(paths: string[], mode: TreeMode): TreeRow[] {
    const byParent = new Map<string, TreeRow[]>();
    for (const path of paths) {
      const row = this.rowAt(path, mode);
      if (!row) continue;
      const parent = parentOf(path);
      const list = byParent.get(parent);
      list ? list.push(row) : byParent.set(parent, [row]);
    }
    const out: TreeRow[] = [];
    const emit = (dir: string) => {
      for (const row of sortRows(byParent.get(dir) ?? [], 'size')) {
        out.push(row);
        emit(row.path);
      }
    };
    emit('/');
    return out;
  }
}

function countsOf(rollup: Rollup | undefined): Pick<TreeRow, 'changedCount' | 'changedBytes' | 'deletedCount' | 'deletedBytes'> {
  return { changedCount: rollup?.count ?? 0, changedBytes: rollup?.bytes ?? 0, deletedCount: rollup?.deletedCount ?? 0, deletedBytes: rollup?.deletedBytes ?? 0 };
}

/** By name with directories first, or by size, biggest first (a directory by the bytes below it). */
export function sortRows(rows: TreeRow[], sort: SortOrder): TreeRow[] {
  return rows.sort((a, b) => {
    if (sort === 'size' && a.size !== b.size) return b.size - a.size;
    const dirs = Number(b.type === 'dir') - Number(a.type === 'dir');
    if (dirs) return dirs;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
}


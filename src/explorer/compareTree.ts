// The tree of a comparison for the explorer's compare mode: every changed path of `compareImages`, under the
// directories that lead to it, each directory rolling up what changed below it on both sides. Pure (no
// `vscode`): built once per comparison, so that expanding a directory or filtering is a lookup and a walk.
import type { ImageComparison, PathDifference, PathSide } from '../core/compare/comparison';
import { formatMode } from '../core/format';
import { baseName, comparePaths, parentOf } from '../core/model/paths';
import type { CompareChange, CompareDetails, CompareFilter, CompareRow, CompareSideDetails } from './compareProtocol';
import { compilePathFilter } from './pathFilter';
import type { RowChange, RowType, SortOrder } from './protocol';

/** A filter answers at most this many matches (their directories come with them), as the explorer's does. */
export const COMPARE_FILTER_LIMIT = 2_000;

/** The explorer's marker for each kind of difference: removed reads as its "deleted", content as "modified". */
const MARKER: Record<CompareChange, RowChange> = { added: 'added', removed: 'deleted', content: 'modified', metadata: 'metadata', type: 'type' };

interface Node {
  path: string;
  difference?: PathDifference;
  children: string[];
  /** Changed paths below (not counting itself): present in B, and removed. */
  changedCount: number;
  removedCount: number;
  /** Bytes of the changed paths below on each side (a directory's own entry counts 0). */
  bytesA: number;
  bytesB: number;
}

export class CompareTree {
  private readonly nodes = new Map<string, Node>();
  private readonly sortedChildren = new Map<string, string[]>();

  constructor(readonly comparison: ImageComparison) {
    this.nodes.set('/', emptyNode('/'));
    for (const change of comparison.changes) {
      if (change.path === '/') {
        this.nodes.get('/')!.difference = change;
        continue;
      }
      const node = this.ensure(change.path);
      node.difference = change;
      const sizeA = change.a && change.a.type !== 'dir' ? change.a.size : 0;
      const sizeB = change.b && change.b.type !== 'dir' ? change.b.size : 0;
      for (let dir = parentOf(change.path); ; dir = parentOf(dir)) {
        const up = this.nodes.get(dir)!;
        if (change.change === 'removed') up.removedCount++;
        else up.changedCount++;
        up.bytesA += sizeA;
        up.bytesB += sizeB;
        if (dir === '/') break;
      }
    }
  }

  get changeCount(): number {
    return this.comparison.changes.length;
  }

  /** The rows of a directory's children, at `depth`. */
  children(dir: string, depth: number, sort: SortOrder): CompareRow[] {
    const node = this.nodes.get(dir);
    if (!node) return [];
    return this.ordered(dir, sort).map((path) => this.rowOf(this.nodes.get(path)!, depth));
  }

  /** The matching paths, with the directories that lead to them, in tree order (directories expanded). */
  filter(spec: CompareFilter, sort: SortOrder): { rows: CompareRow[]; total: number; truncated: boolean } {
    const matchesText = compilePathFilter(spec.text);
    const kinds = new Set(spec.kinds);
    const wanted = new Set<string>();
    let total = 0;
    for (const change of this.comparison.changes) {
      if (kinds.size && !kinds.has(changeOf(change))) continue;
      if (spec.minSize > 0 && Math.max(change.a?.size ?? 0, change.b?.size ?? 0) < spec.minSize) continue;
      if (!matchesText(change.path)) continue;
      if (total++ >= COMPARE_FILTER_LIMIT) continue;
      for (let p = change.path; p !== '/' && !wanted.has(p); p = parentOf(p)) wanted.add(p);
    }
    const rows: CompareRow[] = [];
    const walk = (dir: string, depth: number) => {
      for (const path of this.ordered(dir, sort)) {
        if (!wanted.has(path)) continue;
        rows.push(this.rowOf(this.nodes.get(path)!, depth));
        walk(path, depth + 1);
      }
    };
    walk('/', 0);
    return { rows, total, truncated: total > COMPARE_FILTER_LIMIT };
  }

  /** What each image says of a changed path; undefined for a path that is not in the comparison's tree. */
  details(path: string): CompareDetails | undefined {
    const node = this.nodes.get(path);
    if (!node) return undefined;
    const difference = node.difference;
    const a = difference?.a ? sideDetails(difference.a) : undefined;
    const b = difference?.b ? sideDetails(difference.b) : undefined;
    return { path, ...(difference ? { difference: changeOf(difference) } : {}), ...(a ? { a } : {}), ...(b ? { b } : {}), openChanges: openChangesOf(path, difference) };
  }

  /** The changed path itself, if `path` is one. */
  difference(path: string): PathDifference | undefined {
    return this.nodes.get(path)?.difference;
  }

  private ensure(path: string): Node {
    let node = this.nodes.get(path);
    if (node) return node;
    node = emptyNode(path);
    this.nodes.set(path, node);
    this.ensure(parentOf(path)).children.push(path);
    return node;
  }

  private ordered(dir: string, sort: SortOrder): string[] {
    const key = `${sort}:${dir}`;
    let list = this.sortedChildren.get(key);
    if (!list) {
      const children = [...(this.nodes.get(dir)?.children ?? [])];
      if (sort === 'name') children.sort(comparePaths);
      else children.sort((x, y) => magnitude(this.nodes.get(y)!) - magnitude(this.nodes.get(x)!) || comparePaths(x, y));
      list = children;
      this.sortedChildren.set(key, list);
    }
    return list;
  }

  private rowOf(node: Node, depth: number): CompareRow {
    const d = node.difference;
    const shown = d?.b ?? d?.a;
    const type: RowType = shown ? shown.type : 'dir';
    const isDir = type === 'dir';
    const sizeA = isDir ? (d && !d.a ? null : node.bytesA) : (d?.a?.size ?? null);
    const sizeB = isDir ? (d && !d.b ? null : node.bytesB) : (d?.b?.size ?? null);
    const change = d ? changeOf(d) : undefined;
    return {
      path: node.path,
      name: baseName(node.path),
      depth,
      type,
      size: sizeB ?? sizeA ?? 0,
      ...(change ? { change: MARKER[change], difference: change } : {}),
      ...(d?.change === 'modified' && d.kind === 'type' && d.a ? { previousType: d.a.type } : {}),
      layer: shown?.layer ?? 0,
      hasChildren: node.children.length > 0,
      changedCount: node.changedCount,
      changedBytes: node.bytesB,
      deletedCount: node.removedCount,
      deletedBytes: 0,
      ...(shown?.linkTarget != null ? { linkTarget: shown.linkTarget } : {}),
      sizeA,
      sizeB,
      stepA: d?.a?.step ?? null,
      stepB: d?.b?.step ?? null,
    };
  }
}

function emptyNode(path: string): Node {
  return { path, children: [], changedCount: 0, removedCount: 0, bytesA: 0, bytesB: 0 };
}

export function changeOf(d: PathDifference): CompareChange {
  return d.change === 'modified' ? (d.kind ?? 'content') : d.change;
}

/** How much a row changes the image: what sorting by size orders by. */
function magnitude(node: Node): number {
  const d = node.difference;
  if (d && d.a?.type !== 'dir' && d.b?.type !== 'dir') return Math.max(Math.abs((d.b?.size ?? 0) - (d.a?.size ?? 0)), d.a?.size ?? 0, d.b?.size ?? 0);
  return Math.max(node.bytesA, node.bytesB);
}

function sideDetails(side: PathSide): CompareSideDetails {
  return {
    type: side.type,
    size: side.size,
    mode: formatMode(side.mode, side.type),
    owner: `${side.uid}:${side.gid}`,
    ...(side.linkTarget !== null ? { linkTarget: side.linkTarget } : {}),
    layer: side.layer,
    step: side.step,
  };
}

const hasContent = (side: PathSide | null): boolean => side?.type === 'file' || side?.type === 'hardlink';

function openChangesOf(path: string, d: PathDifference | undefined): { enabled: boolean; title: string } {
  if (!d) return { enabled: false, title: 'This directory only leads to changes; its files have versions to compare.' };
  if (hasContent(d.a) && hasContent(d.b)) return { enabled: true, title: `Opens both versions of ${path} in the diff editor.` };
  if (d.change === 'added') return { enabled: hasContent(d.b), title: hasContent(d.b) ? `Only the second image has ${path}: opens its version.` : `Only the second image has ${path}, and it has no content to show.` };
  if (d.change === 'removed') return { enabled: hasContent(d.a), title: hasContent(d.a) ? `Only the first image has ${path}: opens its version.` : `Only the first image has ${path}, and it has no content to show.` };
  return { enabled: false, title: `${path} is not a file in both images (${d.a?.type} → ${d.b?.type}): there is no content to compare.` };
}

// A container's read-write layer as `docker diff` reports it (`GET /containers/{id}/changes`: Kind 0 changed,
// 1 added, 2 deleted), turned into a tree of paths for display, and where its changed paths came from in the image.
import type { MergedEntry } from './imageModel';
import type { EntryType, Step } from './types';

export type ContainerChangeKind = 'added' | 'changed' | 'deleted';

export interface ChangeNode {
  name: string;
  path: string;
  /** Absent for a directory that only holds changes (not itself reported). */
  kind?: ContainerChangeKind;
  children: ChangeNode[];
}

const KINDS: Record<number, ContainerChangeKind> = { 0: 'changed', 1: 'added', 2: 'deleted' };

export function containerChangeTree(changes: { Path: string; Kind: number }[]): ChangeNode[] {
  const root: ChangeNode = { name: '', path: '/', children: [] };
  const index = new Map<string, ChangeNode>([['/', root]]);
  const nodeFor = (path: string): ChangeNode => {
    const existing = index.get(path);
    if (existing) return existing;
    const cut = path.lastIndexOf('/');
    const parent = nodeFor(cut <= 0 ? '/' : path.slice(0, cut));
    const node: ChangeNode = { name: path.slice(cut + 1), path, children: [] };
    parent.children.push(node);
    index.set(path, node);
    return node;
  };
  for (const change of changes) {
    if (!change.Path.startsWith('/') || change.Path === '/') continue;
    nodeFor(change.Path).kind = KINDS[change.Kind] ?? 'changed';
  }
  const sort = (nodes: ChangeNode[]) => {
    nodes.sort((a, b) => a.name.localeCompare(b.name));
    for (const n of nodes) sort(n.children);
    return nodes;
  };
  return sort(root.children);
}

export function countChanges(changes: { Kind: number }[]): Record<ContainerChangeKind, number> {
  const counts = { added: 0, changed: 0, deleted: 0 };
  for (const c of changes) counts[KINDS[c.Kind] ?? 'changed']++;
  return counts;
}

/**
 * Where a path the container changed or deleted came from: the image layer holding the version visible at the
 * top of the image. A change copied that version up into the read-write layer (overlayfs copies a whole file on
 * its first write, even for a chmod); a deletion hides it behind a whiteout.
 */
export interface ImageLayerSource {
  /** The layer holding the visible version (0 = base). */
  layer: number;
  /** That layer's build step, when the image's history names one. */
  instruction?: string;
  type: EntryType;
  /** Bytes of that version: what a copy-up duplicated. */
  size: number;
}

/**
 * For each changed or deleted path of the container layer that exists at the top of its image, the layer it came
 * from. `topView` is the image's merged view at its top layer (ImageModel.mergedViewAt()); added paths, and paths
 * the image does not have, get no entry.
 */
export function imageLayerSources(
  changes: { Path: string; Kind: number }[],
  topView: Iterable<Pick<MergedEntry, 'path' | 'layer' | 'type' | 'size'>>,
  steps: Pick<Step, 'layerIndex' | 'instruction'>[],
): Map<string, ImageLayerSource> {
  const wanted = new Set(changes.filter((c) => KINDS[c.Kind] !== 'added').map((c) => c.Path));
  const instructions = new Map<number, string>();
  for (const step of steps) if (step.layerIndex !== undefined) instructions.set(step.layerIndex, step.instruction);
  const sources = new Map<string, ImageLayerSource>();
  for (const entry of topView) {
    if (!wanted.has(entry.path)) continue;
    sources.set(entry.path, { layer: entry.layer, instruction: instructions.get(entry.layer), type: entry.type, size: entry.size });
  }
  return sources;
}

/** "copied up from #4 RUN chmod 600 /app/big.bin", "whiteout over #3 RUN mkdir -p /app/data"; one line. */
export function describeSource(kind: ContainerChangeKind, source: ImageLayerSource): string {
  const verb = kind === 'deleted' ? 'whiteout over' : 'copied up from';
  const instruction = source.instruction?.replace(/\s*\n\s*/g, ' ');
  return `${verb} #${source.layer}${instruction ? ` ${instruction}` : ''}`;
}

export interface CopyUpTotals {
  /** Changed files (not directories) whose image version was copied up. */
  files: number;
  /** The bytes those copies duplicated. */
  bytes: number;
}

/**
 * Copy-up totals for every directory of the change tree (by path) and for the whole layer ("/"): how many changed
 * files below were copied up from the image, and their bytes. Directories themselves are not counted: copying one
 * up copies its attributes, not its contents.
 */
export function copyUpTotals(tree: ChangeNode[], sources: ReadonlyMap<string, ImageLayerSource>): Map<string, CopyUpTotals> {
  const totals = new Map<string, CopyUpTotals>();
  const visit = (node: ChangeNode): CopyUpTotals => {
    const own = sources.get(node.path);
    const sum = own && node.kind === 'changed' && own.type !== 'dir' ? { files: 1, bytes: own.size } : { files: 0, bytes: 0 };
    if (node.children.length === 0) return sum;
    for (const child of node.children) {
      const below = visit(child);
      sum.files += below.files;
      sum.bytes += below.bytes;
    }
    totals.set(node.path, sum);
    return sum;
  };
  totals.set('/', visit({ name: '', path: '/', children: tree }));
  return totals;
}

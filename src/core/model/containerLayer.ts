// A container's read-write layer as `docker diff` reports it (`GET /containers/{id}/changes`: Kind 0 changed,
// 1 added, 2 deleted), turned into a tree of paths for display, and where its changed paths came from in the image.
import type { MergedEntry } from './imageModel';
import { formatBytes } from '../format';
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
  /** Bytes of that version. */
  size: number;
  /** Its content hash (regular files), to tell a copy-up (same bytes) from a replacement. */
  hash?: string;
}

/**
 * For each changed or deleted path of the container layer that exists at the top of its image, the layer it came
 * from. `topView` is the image's merged view at its top layer (ImageModel.mergedViewAt()); added paths, and paths
 * the image does not have, get no entry.
 */
export function imageLayerSources(
  changes: { Path: string; Kind: number }[],
  topView: Iterable<Pick<MergedEntry, 'path' | 'layer' | 'type' | 'size' | 'hash'>>,
  steps: Pick<Step, 'layerIndex' | 'instruction'>[],
): Map<string, ImageLayerSource> {
  const wanted = new Set(changes.filter((c) => KINDS[c.Kind] !== 'added').map((c) => c.Path));
  const instructions = new Map<number, string>();
  for (const step of steps) if (step.layerIndex !== undefined) instructions.set(step.layerIndex, step.instruction);
  const sources = new Map<string, ImageLayerSource>();
  for (const entry of topView) {
    if (!wanted.has(entry.path)) continue;
    const source: ImageLayerSource = { layer: entry.layer, instruction: instructions.get(entry.layer), type: entry.type, size: entry.size };
    if (entry.hash !== undefined) source.hash = entry.hash;
    sources.set(entry.path, source);
  }
  return sources;
}

/** What the container has at a path, as the engine's archive endpoint reports it (a stat, and a hash once read). */
export interface ContainerFileFacts {
  type: 'file' | 'dir' | 'symlink' | 'other';
  size: number;
  linkTarget?: string;
  /** Content hash (core/index/contentHash.ts) of a regular file, when its bytes were read. */
  hash?: string;
}

// Go's os.FileMode type bits, as the engine's X-Docker-Container-Path-Stat header sends them (io/fs FileMode).
const GO_MODE_DIR = 2 ** 31;
const GO_MODE_SYMLINK = 2 ** 27;
/** Device, named pipe, socket, char device, irregular. */
const GO_MODE_OTHER = [2 ** 26, 2 ** 25, 2 ** 24, 2 ** 21, 2 ** 19];

export function containerFileType(goMode: number): ContainerFileFacts['type'] {
  const bits = (mask: number) => Math.floor(goMode / mask) % 2 === 1;
  if (bits(GO_MODE_DIR)) return 'dir';
  if (bits(GO_MODE_SYMLINK)) return 'symlink';
  if (GO_MODE_OTHER.some(bits)) return 'other';
  return 'file';
}

/**
 * What a changed file of the read-write layer is, from the bytes that can be read. overlayfs copies a file up
 * whole on its first write, even for a chmod; `docker cp` or a rewrite replaces it. Only identical size and
 * content show a copy-up (the change was to metadata, and the bytes are stored twice); anything else is a new
 * version that replaces the image's, whatever the way it was written.
 */
export type ChangedFileVerdict =
  | { kind: 'copied-up'; size: number }
  | { kind: 'replaced'; imageSize: number; containerSize: number }
  /** Same size, bytes not compared (too big to read, or unreadable). */
  | { kind: 'same-size'; size: number }
  /** The image has a file, the container something else (a directory, a symlink…). */
  | { kind: 'retyped'; containerType: ContainerFileFacts['type'] };

export function judgeChangedFile(image: Pick<ImageLayerSource, 'type' | 'size' | 'hash'>, container: ContainerFileFacts): ChangedFileVerdict | undefined {
  if (image.type !== 'file') return undefined;
  if (container.type !== 'file') return { kind: 'retyped', containerType: container.type };
  if (container.size !== image.size) return { kind: 'replaced', imageSize: image.size, containerSize: container.size };
  if (container.hash === undefined || image.hash === undefined) return { kind: 'same-size', size: container.size };
  return container.hash === image.hash ? { kind: 'copied-up', size: container.size } : { kind: 'replaced', imageSize: image.size, containerSize: container.size };
}

/**
 * One line for a path of the read-write layer, its size first so it shows in a narrow view:
 * "2.1 MB · copied up from #4 RUN chmod 600 /app/big.bin", "13 B · replaces #3's version (8 B) · RUN echo…",
 * "whiteout over #3 RUN mkdir -p /app/data", "13 B".
 */
export function describeChange(kind: ContainerChangeKind | undefined, source: ImageLayerSource | undefined, facts: ContainerFileFacts | undefined, verdict: ChangedFileVerdict | undefined): string {
  const step = source ? `#${source.layer}${source.instruction ? ` ${source.instruction.replace(/\s*\n\s*/g, ' ')}` : ''}` : '';
  if (kind === 'deleted') return source ? `whiteout over ${step}` : '';
  const own = facts?.type === 'file' ? formatBytes(facts.size) : facts?.type === 'symlink' ? `→ ${facts.linkTarget ?? '?'}` : '';
  const parts = own ? [own] : [];
  if (kind === 'changed' && source && source.type === 'file') {
    const instruction = source.instruction ? ` · ${source.instruction.replace(/\s*\n\s*/g, ' ')}` : '';
    switch (verdict?.kind) {
      case 'copied-up':
        parts.push(`copied up from ${step}`);
        break;
      case 'replaced':
        parts.push(`replaces #${source.layer}'s version (${formatBytes(verdict.imageSize)})${instruction}`);
        break;
      case 'same-size':
        parts.push(`replaces #${source.layer}'s version (same size, bytes not compared)${instruction}`);
        break;
      case 'retyped':
        parts.push(`replaces #${source.layer}'s file with a ${verdict.containerType === 'dir' ? 'directory' : verdict.containerType}${instruction}`);
        break;
      default:
        parts.push(`over #${source.layer}'s version${instruction}`);
    }
  }
  return parts.join(' · ');
}

export interface CopyUpTotals {
  /** Changed files whose bytes are the image's version's, copied up (a metadata change): stored twice. */
  files: number;
  /** The bytes those copies duplicated. */
  bytes: number;
  /** Changed files whose bytes differ from the image's version (or could not be compared). */
  replaced: number;
}

/**
 * Totals for every directory of the change tree (by path) and for the whole layer ("/"): how many changed files
 * below were copied up unchanged (and their bytes), and how many replace the image's version. Directories
 * themselves are not counted: copying one up copies its attributes, not its contents.
 */
export function copyUpTotals(tree: ChangeNode[], verdicts: ReadonlyMap<string, ChangedFileVerdict>): Map<string, CopyUpTotals> {
  const totals = new Map<string, CopyUpTotals>();
  const visit = (node: ChangeNode): CopyUpTotals => {
    const verdict = node.kind === 'changed' ? verdicts.get(node.path) : undefined;
    const sum = { files: 0, bytes: 0, replaced: 0 };
    if (verdict?.kind === 'copied-up') {
      sum.files = 1;
      sum.bytes = verdict.size;
    } else if (verdict) sum.replaced = 1;
    if (node.children.length === 0) return sum;
    for (const child of node.children) {
      const below = visit(child);
      sum.files += below.files;
      sum.bytes += below.bytes;
      sum.replaced += below.replaced;
    }
    totals.set(node.path, sum);
    return sum;
  };
  totals.set('/', visit({ name: '', path: '/', children: tree }));
  return totals;
}

/** "1 copied up · 2.1 MB duplicated · 1 replaced"; empty when nothing below was judged. */
export function describeTotals(totals: CopyUpTotals | undefined): string {
  if (!totals) return '';
  const parts: string[] = [];
  if (totals.files) parts.push(`${totals.files} copied up · ${formatBytes(totals.bytes)} duplicated`);
  if (totals.replaced) parts.push(`${totals.replaced} replaced`);
  return parts.join(' · ');
}

// The Layer Explorer's compare mode: its messages between the extension host and the webview (types and guards
// only: no `vscode`, no DOM), beside the explorer's own in protocol.ts. The rows are the explorer's TreeRow (so the
// same tree shows them, with its markers and keyboard) plus what each image says of the path.
import type { DifferenceKind, PackageDifference, StepAlignment } from '../core/compare/comparison';
import { cspViolationOf, isInt, isObject, isPath, SORTS } from './messageGuards';
import type { RowType, SortOrder, TreeRow } from './protocol';

/** What happened to a path from image A to image B. */
export type CompareChange = 'added' | 'removed' | DifferenceKind;
export const COMPARE_CHANGES: readonly CompareChange[] = ['added', 'removed', 'content', 'metadata', 'type'];

/** A row of the compare tree. A directory's sizes and counts are those of the changed paths below it. */
export interface CompareRow extends TreeRow {
  /** Undefined for a directory that only leads to changes. */
  difference?: CompareChange;
  /** Bytes on each side (null where the path is absent). */
  sizeA: number | null;
  sizeB: number | null;
  /** The step (index in that image's history) that made each side's version; null when absent or unknown. */
  stepA: number | null;
  stepB: number | null;
}

export interface CompareFilter {
  /** Substring, or a glob when it holds * ? or [ (as the explorer's filter). */
  text: string;
  kinds: CompareChange[];
  /** The bigger of the two sizes must be at least this. */
  minSize: number;
}

export interface CompareQuery {
  sort: SortOrder;
}

/** One image of the pair, as the header shows it. */
export interface ComparedHeader {
  name: string;
  id: string;
  size: number;
  layerCount: number;
}

/** One side of a path in the details pane. */
export interface CompareSideDetails {
  type: RowType;
  size: number;
  mode: string;
  owner: string;
  linkTarget?: string;
  layer: number;
  step: number | null;
}

export interface CompareDetails {
  path: string;
  difference?: CompareChange;
  a?: CompareSideDetails;
  b?: CompareSideDetails;
  /** Open Changes: enabled when both sides have content to show; else why not, in one sentence. */
  openChanges: { enabled: boolean; title: string };
}

// ---- webview → host
export type CompareRequest =
  | { kind: 'children'; id: number; query: CompareQuery; dir: string; depth: number }
  | { kind: 'filter'; id: number; query: CompareQuery; filter: CompareFilter }
  | { kind: 'details'; id: number; path: string };

export type CompareCommand =
  | { kind: 'ready' }
  | { kind: 'openChanges'; path: string }
  | { kind: 'openSide'; path: string; side: 'a' | 'b' }
  | { kind: 'copyPath'; path: string }
  | { kind: 'cspViolation'; directive: string };

export type FromCompareWebview = CompareRequest | CompareCommand;

// ---- host → webview
export type CompareResponse =
  | { kind: 'response'; id: number; rows: CompareRow[]; total?: number; truncated?: boolean; elapsedMs: number }
  | { kind: 'response'; id: number; details: CompareDetails; elapsedMs: number }
  | { kind: 'response'; id: number; error: string; elapsedMs: number };

export type CompareNotification =
  | { kind: 'loading'; state: ComparePanelState; message: string }
  | {
      kind: 'compared';
      a: ComparedHeader;
      b: ComparedHeader;
      sharedLayers: number;
      sizeDelta: number;
      changeCount: number;
      steps: StepAlignment[];
      /** The packages that differ between the two tops (compare --json's `packages`); null if they could not be read. */
      packages: PackageDifference[] | null;
      timings?: Record<string, number>;
    }
  | { kind: 'failed'; message: string };

export type ToCompareWebview = CompareResponse | CompareNotification;

/** Saved by the webview, handed back after a reload: the two references compared. */
export interface ComparePanelState {
  a: { ref: string; label: string };
  b: { ref: string; label: string };
}

// ---- validation of what the webview sends
const isQuery = (v: unknown): v is CompareQuery => isObject(v) && SORTS.includes(v.sort as string);

function isFilter(v: unknown): v is CompareFilter {
  return (
    isObject(v) &&
    typeof v.text === 'string' &&
    v.text.length <= 1_000 &&
    Array.isArray(v.kinds) &&
    v.kinds.every((k) => (COMPARE_CHANGES as readonly unknown[]).includes(k)) &&
    typeof v.minSize === 'number' &&
    v.minSize >= 0
  );
}

/** The message if it is a well-formed compare request or command, else undefined. */
export function parseFromCompareWebview(message: unknown): FromCompareWebview | undefined {
  if (!isObject(message)) return undefined;
  const m = message;
  switch (m.kind) {
    case 'children':
      return isInt(m.id) && isQuery(m.query) && isPath(m.dir) && isInt(m.depth) ? (m as FromCompareWebview) : undefined;
    case 'filter':
      return isInt(m.id) && isQuery(m.query) && isFilter(m.filter) ? (m as FromCompareWebview) : undefined;
    case 'details':
      return isInt(m.id) && isPath(m.path) ? (m as FromCompareWebview) : undefined;
    case 'ready':
      return { kind: 'ready' };
    case 'openChanges':
    case 'copyPath':
      return isPath(m.path) ? (m as FromCompareWebview) : undefined;
    case 'openSide':
      return isPath(m.path) && (m.side === 'a' || m.side === 'b') ? (m as FromCompareWebview) : undefined;
    case 'cspViolation':
      return cspViolationOf(m);
    default:
      return undefined;
  }
}

export function isComparePanelState(v: unknown): v is ComparePanelState {
  const side = (s: unknown) => isObject(s) && typeof s.ref === 'string' && s.ref.length < 4096 && typeof s.label === 'string' && s.label.length < 4096;
  return isObject(v) && side(v.a) && side(v.b);
}

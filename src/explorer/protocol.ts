// The Layer Explorer's message protocol, shared by the extension host and the webview (types and guards only:
// no `vscode`, no DOM). Webview → host: requests (answered with a response of the same id) and commands.
// Host → webview: responses and notifications. The host validates every incoming message with `parseRequest`.
import { cspViolationOf, isInt, isObject, isPath, SORTS } from './messageGuards';

export type TreeMode = 'changes' | 'filesystem';
export type SortOrder = 'name' | 'size';
/** What happened to a path in the selected layer range. */
export type RowChange = 'added' | 'modified' | 'metadata' | 'type' | 'deleted';
export type RowType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'fifo' | 'char' | 'block';

/** A layer range: one layer (from === to) or the cumulative change from the view below `from` up to `to`. */
export interface LayerRange {
  from: number;
  to: number;
}

export interface TreeQuery {
  mode: TreeMode;
  range: LayerRange;
  sort: SortOrder;
}

export interface FilterSpec {
  /** Substring, or a glob when it holds * ? or [ (matched against the whole path when it holds a slash). */
  text: string;
  kinds: RowChange[];
  minSize: number;
  onlyChanges: boolean;
  /** Only the files of this package (a PackageRow's id), from the Packages tab. */
  package?: number;
}

/** One row of the file tree, as shown. Names are raw data: the webview renders them as text only. */
export interface TreeRow {
  path: string;
  name: string;
  depth: number;
  type: RowType;
  /**
   * File bytes. A directory: in "filesystem" mode the bytes of all files below it; in "changes" mode the bytes
   * the range adds or rewrites below it (deleted bytes are counted apart, in `deletedBytes`). A deleted
   * directory: the bytes it hid.
   */
  size: number;
  change?: RowChange;
  /** For type changes and deletions: the type before. */
  previousType?: RowType;
  /** A directory made opaque in the range: everything below it from lower layers is hidden. */
  opaque?: boolean;
  /** Layer that holds the version shown (for a deletion: the layer whose version was deleted). */
  layer: number;
  /** For a modification or deletion: the layer that made it. */
  changedIn?: number;
  /** Directories: whether there is anything to expand, and what changed below. */
  hasChildren: boolean;
  /** Paths below that the range adds or changes, and their bytes. */
  changedCount: number;
  changedBytes: number;
  /** Files below that the range deletes, and their bytes: hidden from the view, still shipped in lower layers. */
  deletedCount: number;
  deletedBytes: number;
  linkTarget?: string;
  /** Security findings on the version shown (a secret, a setuid program), from Explain This Layer's tests. */
  security?: SecurityMark[];
  /** Directories: how many marked paths are below, in the range's changes. */
  securityBelow?: number;
}

export type SecurityKind = 'secret' | 'setuid';

export interface SecurityMark {
  kind: SecurityKind;
  /** The layer whose version of the path the finding is about. */
  layer: number;
  /** The finding's sentence (our own text, never a file's content). */
  title: string;
}

/** A layer's security findings, one entry per kind. */
export interface LayerSecurity {
  kind: SecurityKind;
  paths: number;
  title: string;
}

export interface LayerInfo {
  /** Step index in the image's history. */
  step: number;
  instruction: string;
  /** Layer index (0 = base) or undefined for a metadata-only step. */
  layer?: number;
  size: number;
  created?: string;
  added?: number;
  modified?: number;
  metadataOnly?: number;
  deleted?: number;
  /** Layerlens' exact figure: bytes of this layer the final filesystem does not use. */
  wastedBytes?: number;
  security?: LayerSecurity[];
}

export interface ImageHeader {
  name: string;
  id: string;
  engine: string;
  totalSize: number;
  /** Layerlens' exact figure, shown as "wasted": Σ of the layers' wastedBytes and of the Wasted space list. */
  exactWastedBytes?: number;
  /** dive's efficiency and wasted bytes, shown labelled as dive's (see src/core/analysis/analysis.ts). */
  efficiency?: number;
  wastedBytes?: number;
}

export interface WastedRow {
  path: string;
  layer: number;
  size: number;
  reason: 'overwritten' | 'deleted' | 'metadata-only';
  by: number;
}

export interface FileDetails {
  path: string;
  type: RowType;
  /** A directory: the rolled-up size its row shows. */
  size: number;
  mode: string;
  owner: string;
  linkTarget?: string;
  layer: number;
  /** Directories: what the range changed below it, in words ("+3 changed · 1.2 kB · −2 deleted (…)"). */
  below?: string;
  security?: SecurityMark[];
  /** The packages whose database lists this file in the view shown: "Owned by dpkg package libc6 2.36-9, installed in #0". */
  owners?: string[];
  /** Readable history: "added by #3 RUN …", "rewritten by #4 RUN chmod … (metadata only, 700 kB duplicated)". */
  history: string[];
  /** Whether a previous version exists to compare with. */
  canCompare: boolean;
  canOpen: boolean;
  /** What Open (Enter) and Compare (D) do here: the button, the key and the context menu all follow these. */
  open: FileAction;
  compare: FileAction;
}

/**
 * One action on a path, decided by the host (src/explorer/fileActions.ts): open the file, open what a symlink
 * leads to, reveal the directory it leads to, compare versions — or nothing, with the reason in `title`.
 */
export interface FileAction {
  kind: 'open' | 'openTarget' | 'revealTarget' | 'compare' | 'compareTarget' | 'none';
  label: string;
  enabled: boolean;
  /** Where it leads, or why it is disabled: one sentence, shown as the tooltip. */
  title: string;
  /** The layer whose merged view it reads: the selected one, or for a deleted path the one that held it. */
  layer: number;
  /** A symlink's real target inside the image (symlinks followed). */
  target?: string;
}

/** The Packages tab's list: what the selected layers changed, or what is present at the selection's top. */
export type PackagesView = 'changes' | 'present';

/** One package version in the Packages tab. Names and versions are raw data: the webview renders them as text. */
export interface PackageRow {
  /** Names this version in `filter.package` (stable for the panel's life). */
  id: number;
  manager: string;
  name: string;
  version: string;
  architecture?: string;
  /** In the "changes" view: what the layer `changedIn` did to it, and the version before. */
  change?: 'installed' | 'upgraded' | 'downgraded' | 'removed';
  from?: string;
  changedIn?: number;
  /** The layer that installed this version. */
  layer: number;
  /** Bytes of its files in `layer`, and how many files those are. */
  size: number;
  files: number;
  /** Of `size`, the bytes a later layer deleted or overwrote (still shipped). */
  deletedLaterBytes: number;
}

export interface PackagesAnswer {
  view: PackagesView;
  range: LayerRange;
  rows: PackageRow[];
  /** Packages present at the selection's top. */
  present: number;
  /** Whether any layer of the image holds a package database. */
  hasDatabase: boolean;
  /** The readers' sentences: databases that could not be read (in part), up to the selection's top. */
  problems: string[];
}

// ---- webview → host
export type Request =
  | { kind: 'children'; id: number; query: TreeQuery; dir: string; depth: number }
  | { kind: 'filter'; id: number; query: TreeQuery; filter: FilterSpec }
  | { kind: 'reveal'; id: number; query: TreeQuery; path: string }
  | { kind: 'details'; id: number; query: TreeQuery; path: string }
  | { kind: 'packages'; id: number; range: LayerRange; view: PackagesView };

export type Command =
  | { kind: 'ready' }
  | { kind: 'open'; path: string; layer: number }
  | { kind: 'compare'; path: string; layer: number }
  | { kind: 'copyPath'; path: string }
  | { kind: 'explain'; layer: number }
  | { kind: 'copyInstruction'; layer: number }
  | { kind: 'cspViolation'; directive: string };

export type FromWebview = Request | Command;

// ---- host → webview
export type Response =
  | { kind: 'response'; id: number; rows: TreeRow[]; total?: number; truncated?: boolean; elapsedMs: number }
  | { kind: 'response'; id: number; details: FileDetails; elapsedMs: number }
  | { kind: 'response'; id: number; packages: PackagesAnswer; elapsedMs: number }
  | { kind: 'response'; id: number; error: string; elapsedMs: number };

export type Notification =
  | { kind: 'overview'; header: ImageHeader; layers: LayerInfo[]; state: PanelState }
  | { kind: 'progress'; done: number; expected: number }
  | { kind: 'indexed'; header: ImageHeader; layers: LayerInfo[]; wasted: WastedRow[]; timings?: Record<string, number> }
  | { kind: 'failed'; message: string }
  | { kind: 'select'; path: string; layer: number }
  /** The packages are read (lazily, after the first tree): file details name their owners from now on. */
  | { kind: 'packagesLoaded' };

export type ToWebview = Response | Notification;

// ---- validation of what the webview sends (it renders untrusted names; treat it as untrusted too)
const MODES: readonly string[] = ['changes', 'filesystem'];
const CHANGES: readonly string[] = ['added', 'modified', 'metadata', 'type', 'deleted'];

function isRange(v: unknown): v is LayerRange {
  return isObject(v) && isInt(v.from) && isInt(v.to) && v.from <= v.to;
}

function isQuery(v: unknown): v is TreeQuery {
  return isObject(v) && MODES.includes(v.mode as string) && SORTS.includes(v.sort as string) && isRange(v.range);
}

function isFilter(v: unknown): v is FilterSpec {
  return (
    isObject(v) &&
    typeof v.text === 'string' &&
    v.text.length <= 1_000 &&
    Array.isArray(v.kinds) &&
    v.kinds.every((k) => CHANGES.includes(k as string)) &&
    typeof v.minSize === 'number' &&
    v.minSize >= 0 &&
    typeof v.onlyChanges === 'boolean' &&
    (v.package === undefined || isInt(v.package))
  );
}

/** The message if it is a well-formed request or command, else undefined. */
export function parseFromWebview(message: unknown): FromWebview | undefined {
  if (!isObject(message)) return undefined;
  const m = message;
  switch (m.kind) {
    case 'children':
      return isInt(m.id) && isQuery(m.query) && isPath(m.dir) && isInt(m.depth) ? (m as FromWebview) : undefined;
    case 'filter':
      return isInt(m.id) && isQuery(m.query) && isFilter(m.filter) ? (m as FromWebview) : undefined;
    case 'reveal':
    case 'details':
      return isInt(m.id) && isQuery(m.query) && isPath(m.path) ? (m as FromWebview) : undefined;
    case 'packages':
      return isInt(m.id) && isRange(m.range) && (m.view === 'changes' || m.view === 'present') ? (m as FromWebview) : undefined;
    case 'ready':
      return { kind: 'ready' };
    case 'open':
    case 'compare':
      return isPath(m.path) && isInt(m.layer) ? (m as FromWebview) : undefined;
    case 'copyPath':
      return isPath(m.path) ? (m as FromWebview) : undefined;
    case 'explain':
    case 'copyInstruction':
      return isInt(m.layer) ? (m as FromWebview) : undefined;
    case 'cspViolation':
      return cspViolationOf(m);
    default:
      return undefined;
  }
}

/** Restored state of a panel (saved by the webview, handed back by the serializer after a reload). */
export interface PanelState {
  imageRef: string;
  imageId?: string;
  label: string;
}

export function isPanelState(v: unknown): v is PanelState {
  return isObject(v) && typeof v.imageRef === 'string' && v.imageRef.length < 4096 && typeof v.label === 'string';
}

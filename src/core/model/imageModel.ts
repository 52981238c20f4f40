// Queries over one image: the merged view at any layer, a path's history, the changes of a layer or
// between two layers. Each query stacks the layers it needs afresh (milliseconds for 50,000 files);
// nothing here knows where the image came from.
import { FsStack, modificationKind, type DeletionCause, type FsNode, type ModificationKind } from './fsStack';
import { mapSteps } from './history';
import { comparePaths } from './paths';
import { scanImageConfig, type BuildSecret } from '../secrets/buildSecrets';
import type { EntryType, ImageData, LayerEntry, Step } from './types';

/** A path of the merged filesystem at some layer, with where it came from. */
export interface MergedEntry extends LayerEntry {
  /** Layer where this path (this incarnation) appeared. */
  addedIn: number;
  /** Later layers that rewrote it (content, type or metadata only). */
  modifiedIn: number[];
  /** Whether any of those rewrites changed content or type (false: metadata only, e.g. chmod). */
  contentChanged: boolean;
  /** Layer that holds the visible version. */
  layer: number;
}

export type ChangeKind = 'added' | 'modified' | 'deleted';

export interface PathChange {
  path: string;
  change: ChangeKind;
  type: EntryType;
  size: number;
  /** The layer that made the change. */
  layer: number;
  /** For modifications: what changed. */
  kind?: ModificationKind;
  /** For deletions: a whiteout, an opaque directory, or a replacement of a parent by a non-directory. */
  cause?: DeletionCause;
  /** For type changes and deletions: the type before. */
  previousType?: EntryType;
}

export interface PathEvent {
  layer: number;
  change: ChangeKind;
  kind?: ModificationKind;
  cause?: DeletionCause;
  entry: LayerEntry;
}

/** What reports need to name an image and its steps, without its layers (e.g. from the cache). */
export interface ImageOverview {
  data: Pick<ImageData, 'id' | 'repoTags'>;
  /** Masked: no secret of the build metadata is in their texts (core/secrets). */
  steps: Step[];
  layerCount: number;
  /** Secrets in the config and history, by name and step (never their values). */
  buildSecrets: BuildSecret[];
}

export class ImageModel implements ImageOverview {
  readonly steps: Step[];
  readonly buildSecrets: BuildSecret[];

  constructor(readonly data: ImageData) {
    this.steps = mapSteps(data.config, data.layers.length);
    this.buildSecrets = scanImageConfig(data.config).secrets;
  }

  get layerCount(): number {
    return this.data.layers.length;
  }

  get topLayer(): number {
    return this.data.layers.length - 1;
  }

  /** Applies layers 0..upTo (inclusive). */
  stackTo(upTo: number): FsStack {
    const stack = new FsStack();
    for (let i = 0; i <= upTo && i < this.data.layers.length; i++) stack.apply(this.data.layers[i]);
    return stack;
  }

  /** What a container made from layer `layer` would see, sorted by path. */
  mergedViewAt(layer: number = this.topLayer): MergedEntry[] {
    this.checkLayer(layer);
    const stack = this.stackTo(layer);
    const result: MergedEntry[] = [];
    for (const node of stack.walk()) result.push(toMergedEntry(node));
    return result.sort((a, b) => comparePaths(a.path, b.path));
  }

  /** Every change to `path` through the stack, oldest first (a parent's deletion counts as the path's). */
  pathHistory(path: string): PathEvent[] {
    return this.histories(path).get(path) ?? [];
  }

  /**
   * The history of every path that ever existed, in one pass over the stack (for views that ask about many
   * paths: one pass costs what one `pathHistory` costs). With `only`, just that path's events are kept.
   */
  histories(only?: string): Map<string, PathEvent[]> {
    const events = new Map<string, PathEvent[]>();
    const record = (path: string, event: PathEvent) => {
      if (only !== undefined && path !== only) return;
      const list = events.get(path);
      list ? list.push(event) : events.set(path, [event]);
    };
    const stack = new FsStack();
    for (const layer of this.data.layers) {
      stack.apply(layer, {
        added: (node, i) => record(node.entry.path, { layer: i, change: 'added', entry: node.entry }),
        modified: (_before, after, kind, i) => record(after.entry.path, { layer: i, change: 'modified', kind, entry: after.entry }),
        deleted: (node, cause, i) => record(node.entry.path, { layer: i, change: 'deleted', cause, entry: node.entry }),
      });
    }
    return events;
  }

  /** What layer `layer` changed relative to the merged view just below it. */
  layerChanges(layer: number): PathChange[] {
    this.checkLayer(layer);
    const stack = this.stackTo(layer - 1);
    const changes: PathChange[] = [];
    stack.apply(this.data.layers[layer], {
      added: (node, i) => changes.push({ path: node.entry.path, change: 'added', type: node.entry.type, size: node.entry.size, layer: i }),
      modified: (before, after, kind, i) =>
        changes.push({
          path: after.entry.path,
          change: 'modified',
          type: after.entry.type,
          size: after.entry.size,
          layer: i,
          kind,
          ...(kind === 'type' ? { previousType: before.entry.type } : {}),
        }),
      deleted: (node, cause, i) =>
        changes.push({ path: node.entry.path, change: 'deleted', type: node.entry.type, size: node.entry.size, layer: i, cause, previousType: node.entry.type }),
    });
    return changes.sort((a, b) => comparePaths(a.path, b.path));
  }

  /** The net changes from the merged view at `from` to the one at `to` (either may be lower; -1 is the empty filesystem). */
  diff(from: number, to: number): PathChange[] {
    if (from !== -1) this.checkLayer(from);
    if (to !== -1) this.checkLayer(to);
    if (from > to) {
      // Backwards: the forward changes, each described as the path is at `to` (the lower view).
      const lower = snapshot(this.stackTo(to));
      return this.diff(to, from).map((c) => invertChange(c, lower.get(c.path)));
    }
    const stack = this.stackTo(from);
    const before = snapshot(stack);
    const deletedBy = new Map<string, number>();
    for (let i = from + 1; i <= to; i++) {
      stack.apply(this.data.layers[i], { deleted: (node, _cause, layer) => deletedBy.set(node.entry.path, layer) });
    }
    const after = snapshot(stack);
    const changes: PathChange[] = [];
    for (const [path, node] of after) {
      const old = before.get(path);
      if (!old) changes.push({ path, change: 'added', type: node.entry.type, size: node.entry.size, layer: node.layer });
      else if (old.entry !== node.entry && isRealChange(old.entry, node.entry)) {
        changes.push({ path, change: 'modified', type: node.entry.type, size: node.entry.size, layer: node.layer, ...describeModification(old.entry, node.entry) });
      }
    }
    for (const [path, node] of before) {
      if (!after.has(path)) {
        changes.push({ path, change: 'deleted', type: node.entry.type, size: node.entry.size, layer: deletedBy.get(path) ?? to, previousType: node.entry.type });
      }
    }
    return changes.sort((a, b) => comparePaths(a.path, b.path));
  }

  private checkLayer(layer: number): void {
    if (!Number.isInteger(layer) || layer < 0 || layer > this.topLayer) {
      throw new RangeError(`There is no layer ${layer}; this image has layers 0 to ${this.topLayer}.`);
    }
  }
}

function toMergedEntry(node: FsNode): MergedEntry {
  // Object.assign, not a spread: V8 gave each spread copy a dictionary of properties (~500 bytes an entry,
  // 100 MB more heap for a 200,000-entry tree); assigned copies keep fast properties (~150 bytes).
  return Object.assign({}, node.entry, { addedIn: node.addedIn, modifiedIn: node.modifiedIn ?? [], contentChanged: !!node.contentChanged, layer: node.layer });
}

function snapshot(stack: FsStack): Map<string, FsNode> {
  const map = new Map<string, FsNode>();
  for (const node of stack.walk()) map.set(node.entry.path, { ...node });
  return map;
}

/** A directory re-listed by a layer with the same attributes is not a change. */
export function isRealChange(a: LayerEntry, b: LayerEntry): boolean {
  if (a.type !== b.type) return true;
  if (a.type === 'dir') return a.mode !== b.mode || a.uid !== b.uid || a.gid !== b.gid;
  return true;
}

function describeModification(a: LayerEntry, b: LayerEntry): Pick<PathChange, 'kind' | 'previousType'> {
  const kind = modificationKind(a, b);
  return kind === 'type' ? { kind, previousType: a.type } : { kind };
}

/** `lower` is the path's node in the lower view: what a backward addition or modification leads to. */
function invertChange(c: PathChange, lower: FsNode | undefined): PathChange {
  if (c.change === 'added') return { ...c, change: 'deleted', previousType: c.type };
  const { cause: _cause, previousType: _previousType, ...rest } = c;
  if (!lower) return rest;
  const back: PathChange = { ...rest, change: c.change === 'deleted' ? 'added' : 'modified', type: lower.entry.type, size: lower.entry.size, layer: lower.layer };
  if (c.kind === 'type') back.previousType = c.type;
  return back;
}

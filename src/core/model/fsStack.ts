// The union filesystem in memory: layers applied one over another as overlay2 would
// (OCI image-spec layer.md "Applying Changesets"): whiteouts and opaque markers first, affecting only
// lower layers, then the layer's own entries. A directory over a directory replaces its attributes;
// anything else over a path deletes and recreates it (its subtree goes with it).
import type { LayerEntry, LayerIndex } from './types';
import { segments } from './paths';

export interface FsNode {
  /** The version visible now. */
  entry: LayerEntry;
  /** Layer the visible version came from (for a directory: the last layer that changed its attributes). */
  layer: number;
  /** Layer where this incarnation of the path appeared. */
  addedIn: number;
  /** Layers that changed it since (content, type or metadata). */
  modifiedIn?: number[];
  /** Whether any of those changes touched content (or type), as opposed to metadata only. */
  contentChanged?: boolean;
  children?: Map<string, FsNode>;
}

export type ModificationKind = 'content' | 'metadata' | 'type';
export type DeletionCause = 'whiteout' | 'opaque' | 'replaced';

/** Notified of every change, in order; deletions are reported for each path of a removed subtree, parents first. */
export interface StackListener {
  added?(node: FsNode, layer: number): void;
  modified?(before: FsNode, after: FsNode, kind: ModificationKind, layer: number): void;
  deleted?(node: FsNode, cause: DeletionCause, layer: number): void;
  /** Called before layer `layer` is applied, while the stack still holds layers below it. */
  beforeLayer?(stack: FsStack, layerIndex: LayerIndex, layer: number): void;
}

export class FsStack {
  private rootNode: FsNode = {
    entry: { path: '/', type: 'dir', size: 0, mode: 0o755, uid: 0, gid: 0 },
    layer: -1,
    addedIn: -1,
    children: new Map(),
  };
  /** Problems met while stacking (e.g. a hardlink to a file that does not exist). */
  readonly warnings: string[] = [];
  private nextLayer = 0;
  /** In a fork, the nodes it made or copied, which it may change in place; undefined: every node is its own. */
  private owned: Set<FsNode> | undefined;
  /** Set once a fork shares this stack's nodes: applying a layer here would change the forks too. */
  private forked = false;
  /**
   * Whether a hardlink of some layer applied names a target that layer does not hold (its bytes then come from
   * the merged view, which may differ between two forks that share the link).
   */
  linksOutsideTheirLayer = false;

  get root(): FsNode {
    return this.rootNode;
  }

  /** Number of layers applied so far. */
  get height(): number {
    return this.nextLayer;
  }

  /**
   * A stack that starts as this one and takes its own further layers, sharing every node it does not change
   * (copy on write, along the path of each change). Two images with common lower layers stack those once: a
   * node both forks still share is the same object, so a comparison can skip it, subtree and all. This stack
   * takes no more layers once forked.
   */
  fork(): FsStack {
    this.forked = true;
    const fork = new FsStack();
    fork.rootNode = copyOf(this.rootNode);
    fork.owned = new Set([fork.rootNode]);
    fork.warnings.push(...this.warnings);
    fork.nextLayer = this.nextLayer;
    fork.linksOutsideTheirLayer = this.linksOutsideTheirLayer;
    return fork;
  }

  apply(layer: LayerIndex, listener: StackListener = {}): void {
    if (this.forked) throw new Error('A forked stack takes no more layers: apply them to a fork of it.');
    const index = this.nextLayer++;
    listener.beforeLayer?.(this, layer, index);
    for (const dir of layer.opaqueDirs) {
      if (!this.lookup(dir)?.children?.size) continue;
      const node = this.changeablePath(segments(dir))!;
      for (const child of node.children!.values()) this.reportDeleted(child, 'opaque', index, listener);
      node.children!.clear();
    }
    for (const path of layer.whiteouts) {
      const parts = segments(path);
      const name = parts[parts.length - 1];
      const node = this.lookupParts(parts, parts.length - 1)?.children?.get(name);
      if (!node) continue;
      this.reportDeleted(node, 'whiteout', index, listener);
      this.changeablePath(parts.slice(0, -1))!.children!.delete(name);
    }
    for (const entry of layer.entries) this.place(entry, index, listener);
    for (const entry of layer.entries) {
      if (entry.type !== 'hardlink' || !entry.linkTarget) continue;
      const target = this.lookup(entry.linkTarget);
      if (!target) this.warnings.push(`Layer ${index}: hardlink ${entry.path} points to ${entry.linkTarget}, which does not exist.`);
      else if (target.layer !== index || target.entry.type === 'dir') this.linksOutsideTheirLayer = true;
    }
  }

  lookup(path: string): FsNode | undefined {
    const parts = segments(path);
    return this.lookupParts(parts, parts.length);
  }

  /** Every visible path below the root, depth first, each directory before its contents (children unordered). */
  *walk(from: FsNode = this.root): Generator<FsNode> {
    // An explicit stack, not recursion: a path thousands of levels deep would nest as many generators.
    if (!from.children) return;
    const pending: Iterator<FsNode>[] = [from.children.values()];
    while (pending.length) {
      const next = pending[pending.length - 1].next();
      if (next.done) {
        pending.pop();
        continue;
      }
      yield next.value;
      if (next.value.children) pending.push(next.value.children.values());
    }
  }

  private lookupParts(parts: string[], count: number): FsNode | undefined {
    let node: FsNode | undefined = this.root;
    for (let i = 0; i < count && node; i++) node = node.children?.get(parts[i]);
    return node;
  }

  /** The node at `parts`, and every node above it, made this stack's own to change; undefined when missing. */
  private changeablePath(parts: string[]): FsNode | undefined {
    let node = this.root;
    for (const name of parts) {
      const child = node.children?.get(name);
      if (!child) return undefined;
      node = this.changeable(node, name, child);
    }
    return node;
  }

  /** `child` (named `name` in `parent`, which is this stack's own), or in a fork its copy, put in its place. */
  private changeable(parent: FsNode, name: string, child: FsNode): FsNode {
    if (!this.owned || this.owned.has(child)) return child;
    const copy = copyOf(child);
    this.owned.add(copy);
    parent.children!.set(name, copy);
    return copy;
  }

  /** A node this stack made: a fork may change it in place. */
  private made(node: FsNode): FsNode {
    this.owned?.add(node);
    return node;
  }

  private place(entry: LayerEntry, index: number, listener: StackListener): void {
    if (entry.path === '/') {
      if (entry.type === 'dir') this.updateDirectory(this.root, entry, index, listener);
      return;
    }
    const parts = segments(entry.path);
    const parent = this.ensureDirectory(parts, index, listener);
    const name = parts[parts.length - 1];
    const existing = parent.children!.get(name);
    if (!existing) {
      const node = this.made(newNode(entry, index));
      parent.children!.set(name, node);
      listener.added?.(node, index);
      return;
    }
    if (existing.entry.type === 'dir' && entry.type === 'dir') {
      this.updateDirectory(this.changeable(parent, name, existing), entry, index, listener);
      return;
    }
    if (existing.children) for (const child of existing.children.values()) this.reportDeleted(child, 'replaced', index, listener);
    const kind = modificationKind(existing.entry, entry);
    const node: FsNode = this.made({
      entry,
      layer: index,
      addedIn: existing.addedIn,
      modifiedIn: [...(existing.modifiedIn ?? []), index],
      contentChanged: existing.contentChanged || kind !== 'metadata',
    });
    if (entry.type === 'dir') node.children = new Map();
    parent.children!.set(name, node);
    listener.modified?.(existing, node, kind, index);
  }

  /** A directory over a directory: the new attributes win and the contents stay. */
  private updateDirectory(node: FsNode, entry: LayerEntry, index: number, listener: StackListener): void {
    const old = node.entry;
    if (old.mode === entry.mode && old.uid === entry.uid && old.gid === entry.gid) {
      node.entry = entry;
      return;
    }
    const before: FsNode = { ...node };
    node.entry = entry;
    node.layer = index;
    node.modifiedIn = [...(node.modifiedIn ?? []), index];
    listener.modified?.(before, node, 'metadata', index);
  }

  /**
   * Walks to the parent of parts[-1], creating directories a (malformed) layer left out, or that a non-directory
   * blocks. The parent, and the path to it, are this stack's own to change.
   */
  private ensureDirectory(parts: string[], index: number, listener: StackListener): FsNode {
    let node = this.root;
    for (let i = 0; i < parts.length - 1; i++) {
      let child = node.children!.get(parts[i]);
      if (!child || child.entry.type !== 'dir') {
        // Rare (a malformed layer): only here is the parent's path spelled out.
        const path = '/' + parts.slice(0, i + 1).join('/');
        if (child) this.reportDeleted(child, 'replaced', index, listener);
        this.warnings.push(`Layer ${index} has ${parts.join('/')} without its parent directory ${path}; it is assumed.`);
        child = this.made(newNode({ path, type: 'dir', size: 0, mode: 0o755, uid: 0, gid: 0 }, index));
        node.children!.set(parts[i], child);
        listener.added?.(child, index);
      } else child = this.changeable(node, parts[i], child);
      node = child;
    }
    return node;
  }

  private reportDeleted(node: FsNode, cause: DeletionCause, index: number, listener: StackListener): void {
    if (!listener.deleted) return;
    listener.deleted(node, cause, index);
    for (const child of this.walk(node)) listener.deleted(child, cause, index);
  }
}

/** A node's own copy: its children (shared still) in a map of its own. */
function copyOf(node: FsNode): FsNode {
  const copy: FsNode = { entry: node.entry, layer: node.layer, addedIn: node.addedIn };
  if (node.modifiedIn) copy.modifiedIn = node.modifiedIn;
  if (node.contentChanged !== undefined) copy.contentChanged = node.contentChanged;
  if (node.children) copy.children = new Map(node.children);
  return copy;
}

function newNode(entry: LayerEntry, index: number): FsNode {
  const node: FsNode = { entry, layer: index, addedIn: index };
  if (entry.type === 'dir') node.children = new Map();
  return node;
}

/** How a path changed when a layer rewrote it (copy-up makes even a chmod a full copy of the file). */
export function modificationKind(before: LayerEntry, after: LayerEntry): ModificationKind {
  if (before.type !== after.type) return 'type';
  switch (after.type) {
    case 'file':
      return before.hash === after.hash && before.size === after.size ? 'metadata' : 'content';
    case 'symlink':
    case 'hardlink':
      return before.linkTarget === after.linkTarget ? 'metadata' : 'content';
    case 'char':
    case 'block':
      return before.devMajor === after.devMajor && before.devMinor === after.devMinor ? 'metadata' : 'content';
    default:
      return 'metadata';
  }
}

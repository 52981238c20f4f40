// What the explorer does with a tree row: Open (Enter, double-click), Compare (D), Copy Path (Ctrl+C), Explain (E),
// from the keyboard, the context menu and the details' buttons alike. What Open and Compare mean for a path (a
// file, a symlink's target, nothing and why) comes from the host with the path's details, so all three agree.
import type { FileAction, FileDetails, TreeQuery, TreeRow } from '../src/explorer/protocol';
import { ContextMenu, type MenuItem } from './contextMenu';
import { request, send } from './rpc';

export interface RowActionDeps {
  query(): TreeQuery;
  /** Selects a path in the tree (a symlink's target directory). */
  reveal(path: string): Promise<void>;
  /** Where focus returns when the menu closes. */
  tree: HTMLElement;
}

export class RowActions {
  readonly menu = new ContextMenu();
  private last?: { key: string; details: Promise<FileDetails | string> };

  constructor(private readonly deps: RowActionDeps) {}

  /** The row's details (the last ones are kept: selecting a row already asked for them). */
  details(row: Pick<TreeRow, 'path'>): Promise<FileDetails | string> {
    const query = this.deps.query();
    const key = JSON.stringify([row.path, query]);
    if (this.last?.key !== key) {
      const details = request({ kind: 'details', query, path: row.path }).then((r) => ('details' in r ? r.details : 'error' in r ? r.error : 'No details for this path.'));
      this.last = { key, details };
    }
    return this.last.details;
  }

  async open(row: TreeRow): Promise<void> {
    const details = await this.details(row);
    if (typeof details !== 'string') this.runOpen(details);
  }

  /** Reveals a link's target directory here; anything else goes to the host, which opens it or says why not. */
  runOpen(d: FileDetails): void {
    if (d.open.kind === 'revealTarget' && d.open.target) void this.deps.reveal(d.open.target);
    else send({ kind: 'open', path: d.path, layer: d.open.layer });
  }

  runCompare(d: FileDetails): void {
    send({ kind: 'compare', path: d.path, layer: d.compare.layer });
  }

  copyPath(path: string): void {
    send({ kind: 'copyPath', path });
  }

  explain(): void {
    send({ kind: 'explain', layer: this.deps.query().range.to });
  }

  /** Keys the tree leaves to us; true when one acted. */
  key(row: TreeRow, e: KeyboardEvent): boolean {
    const key = e.key.toLowerCase();
    const plain = !e.ctrlKey && !e.metaKey && !e.altKey;
    if (key === 'd' && plain) send({ kind: 'compare', path: row.path, layer: this.rowLayer(row) });
    else if (key === 'c' && (e.ctrlKey || e.metaKey)) this.copyPath(row.path);
    else if (key === 'e' && plain) this.explain();
    else return false;
    return true;
  }

  /** The menu of a row, its Open and Compare items as the details describe them (disabled ones say why). */
  async openMenu(row: TreeRow, x: number, y: number): Promise<void> {
    const details = row.type === 'dir' ? undefined : await this.details(row);
    const actionItem = (action: FileAction, keybinding: string, value: string): MenuItem => ({ label: action.label, keybinding, value, enabled: action.enabled, title: action.title });
    const items: MenuItem[] = [
      ...(details && typeof details !== 'string' ? [actionItem(details.open, 'Enter', 'open'), actionItem(details.compare, 'D', 'compare')] : []),
      { label: 'Copy Path', keybinding: 'Ctrl+C', value: 'copyPath' },
      { separator: true },
      { label: 'Explain This Layer', keybinding: 'E', value: 'explain' },
    ];
    this.menu.open(items, x, y, this.deps.tree, (value) => {
      if (value === 'open' && details && typeof details !== 'string') this.runOpen(details);
      else if (value === 'compare' && details && typeof details !== 'string') this.runCompare(details);
      else if (value === 'copyPath') this.copyPath(row.path);
      else if (value === 'explain') this.explain();
    });
  }

  /** A deleted path is read at the layer that held it; anything else in the view the tree shows. */
  private rowLayer(row: TreeRow): number {
    return row.change === 'deleted' ? row.layer : this.deps.query().range.to;
  }
}

// The file tree: a flat list of visible rows (expanded directories inline), of which only the rows in the
// viewport exist in the DOM. Keyboard first (arrows, Home/End, PageUp/Down, Enter), with tree/treeitem roles.
import type { RowChange, TreeRow } from '../src/explorer/protocol';
import { describeBelow } from '../src/explorer/rollupText';
import { el, formatBytes, icon, printableName } from './dom';

const ROW_HEIGHT = 22;
const OVERSCAN = 10;

const CHANGE_LABEL: Record<RowChange, string> = {
  added: 'Added',
  modified: 'Modified',
  metadata: 'Metadata only',
  type: 'Type changed',
  deleted: 'Deleted',
};
const CHANGE_LETTER: Record<RowChange, string> = { added: 'A', modified: 'M', metadata: 'm', type: 'T', deleted: 'D' };
const TYPE_ICON: Record<string, string> = { dir: 'folder', file: 'file', symlink: 'file-symlink-file', hardlink: 'references', fifo: 'debug-disconnect', char: 'symbol-event', block: 'database' };

export interface FileTreeEvents {
  /** Load the children of a directory (the tree inserts them). */
  loadChildren(row: TreeRow): Promise<TreeRow[]>;
  select(row: TreeRow | undefined): void;
  open(row: TreeRow): void;
  contextMenu(row: TreeRow, x: number, y: number): void;
  /** A key the tree does not use itself (actions like compare or copy). */
  actionKey(row: TreeRow, event: KeyboardEvent): boolean;
  /** A directory's children are on screen: how long it took from the click or key, and how many rows came. */
  expanded(row: TreeRow, ms: number, count: number): void;
  /** Cells shown instead of the size (the compare mode shows both images' sizes and steps). */
  cells?(row: TreeRow): HTMLElement[];
  /** A row's tooltip, when the layer-by-layer one does not fit (the compare mode's). */
  tooltip?(row: TreeRow): string;
}

export class FileTree {
  readonly element: HTMLElement;
  private readonly spacer: HTMLElement;
  private rows: TreeRow[] = [];
  private readonly expanded = new Set<string>();
  private focused = -1;
  private rendered = new Map<number, HTMLElement>();
  private frame = 0;
  private emptyText = '';

  constructor(private readonly events: FileTreeEvents) {
    this.spacer = el('div', { class: 'tree-spacer' });
    this.element = el('div', { class: 'tree', role: 'tree', tabindex: 0, 'aria-label': 'Files' }, this.spacer);
    this.element.addEventListener('scroll', () => this.schedule());
    this.element.addEventListener('keydown', (e) => this.onKey(e));
    this.element.addEventListener('click', (e) => this.onClick(e));
    this.element.addEventListener('dblclick', (e) => {
      const row = this.rowFromEvent(e);
      if (row && row.type !== 'dir') this.events.open(row);
    });
    this.element.addEventListener('contextmenu', (e) => {
      // Never VS Code's generic Cut/Copy/Paste menu here. Shift+F10 and the menu key fire this event on the
      // focused tree itself (no row under it): the menu is opened by onKey then, for the focused row.
      e.preventDefault();
      const index = this.indexFromEvent(e);
      if (index < 0) return;
      this.focus(index);
      this.events.contextMenu(this.rows[index], e.clientX, e.clientY);
    });
    new ResizeObserver(() => this.schedule()).observe(this.element);
  }

  /** Replaces all rows (a new layer, mode, sort or filter). Rows of a filter result arrive expanded. */
  setRows(rows: TreeRow[], expandedPaths: Iterable<string> = [], emptyText = 'Nothing here.'): void {
    this.rows = rows;
    this.emptyText = emptyText;
    this.expanded.clear();
    for (const path of expandedPaths) this.expanded.add(path);
    this.focused = rows.length ? 0 : -1;
    this.element.scrollTop = 0;
    this.redraw();
    this.events.select(this.rows[this.focused]);
  }

  get rowCount(): number {
    return this.rows.length;
  }

  get selected(): TreeRow | undefined {
    return this.rows[this.focused];
  }

  /** Selects a path if it is among the rows (after a reveal). */
  selectPath(path: string): boolean {
    const index = this.rows.findIndex((r) => r.path === path);
    if (index < 0) return false;
    this.focus(index, 'center');
    return true;
  }

  async toggle(index: number, open = !this.expanded.has(this.rows[index].path)): Promise<void> {
    const row = this.rows[index];
    if (!row?.hasChildren || open === this.expanded.has(row.path)) return;
    if (!open) {
      let end = index + 1;
      while (end < this.rows.length && this.rows[end].depth > row.depth) this.expanded.delete(this.rows[end++].path);
      this.rows.splice(index + 1, end - index - 1);
      this.expanded.delete(row.path);
      this.redraw();
      return;
    }
    const started = performance.now();
    this.expanded.add(row.path);
    const children = await this.events.loadChildren(row);
    const at = this.rows.indexOf(row); // rows may have moved while loading
    if (at < 0 || !this.expanded.has(row.path)) return;
    this.rows.splice(at + 1, 0, ...children);
    this.redraw();
    this.events.expanded(row, performance.now() - started, children.length);
  }

  private redraw(): void {
    for (const node of this.rendered.values()) node.remove();
    this.rendered.clear();
    this.spacer.style.height = `${this.rows.length * ROW_HEIGHT}px`;
    this.element.setAttribute('aria-activedescendant', this.focused >= 0 ? `row-${this.focused}` : '');
    this.element.querySelector('.tree-empty')?.remove();
    if (!this.rows.length) this.element.append(el('div', { class: 'tree-empty', text: this.emptyText }));
    this.render();
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  /** Creates the rows in (and near) the viewport, removes the others. */
  private render(): void {
    const first = Math.max(0, Math.floor(this.element.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(this.rows.length - 1, Math.ceil((this.element.scrollTop + this.element.clientHeight) / ROW_HEIGHT) + OVERSCAN);
    for (const [index, node] of this.rendered) {
      if (index < first || index > last) {
        node.remove();
        this.rendered.delete(index);
      }
    }
    for (let i = first; i <= last; i++) {
      if (this.rendered.has(i)) continue;
      const node = this.renderRow(this.rows[i], i);
      this.rendered.set(i, node);
      this.spacer.append(node);
    }
  }

  private renderRow(row: TreeRow, index: number): HTMLElement {
    const isDir = row.type === 'dir';
    const expanded = this.expanded.has(row.path);
    const classes = ['tree-row', row.change ? `change-${row.change}` : '', index === this.focused ? 'focused' : ''].join(' ');
    const node = el(
      'div',
      {
        class: classes,
        role: 'treeitem',
        id: `row-${index}`,
        'aria-level': row.depth + 1,
        'aria-selected': String(index === this.focused),
        'aria-expanded': isDir && row.hasChildren ? String(expanded) : undefined,
        'data-index': index,
        'data-path': row.path,
        title: this.events.tooltip ? this.events.tooltip(row) : tooltip(row),
      },
      el('span', { class: 'indent' }),
      icon(isDir && row.hasChildren ? (expanded ? 'chevron-down' : 'chevron-right') : 'blank', 'twistie'),
      icon(TYPE_ICON[row.type] ?? 'file', 'type-icon'),
      el('span', { class: 'name', text: printableName(row.name) }),
      row.linkTarget !== undefined ? el('span', { class: 'link-target', text: `→ ${printableName(row.linkTarget)}` }) : undefined,
      row.opaque ? el('span', { class: 'badge opaque', text: 'opaque', title: 'Opaque directory: everything below it from lower layers is hidden' }) : undefined,
      ...securityBadges(row),
      isDir && (row.changedCount || row.deletedCount) ? el('span', { class: 'rollup', text: describeBelow(row) }) : undefined,
      ...(this.events.cells ? this.events.cells(row) : [sizeCell(row)]),
      row.change ? el('span', { class: `marker marker-${row.change}`, text: CHANGE_LETTER[row.change], 'aria-label': CHANGE_LABEL[row.change] }) : el('span', { class: 'marker' }),
    );
    node.style.top = `${index * ROW_HEIGHT}px`;
    (node.firstElementChild as HTMLElement).style.width = `${row.depth * 14}px`;
    return node;
  }

  private focus(index: number, align: 'nearest' | 'center' = 'nearest'): void {
    if (index < 0 || index >= this.rows.length) return;
    const previous = this.rendered.get(this.focused);
    previous?.classList.remove('focused');
    previous?.setAttribute('aria-selected', 'false');
    this.focused = index;
    const top = index * ROW_HEIGHT;
    const view = this.element;
    if (align === 'center') view.scrollTop = Math.max(0, top - view.clientHeight / 2);
    else if (top < view.scrollTop) view.scrollTop = top;
    else if (top + ROW_HEIGHT > view.scrollTop + view.clientHeight) view.scrollTop = top + ROW_HEIGHT - view.clientHeight;
    this.render();
    const node = this.rendered.get(index);
    node?.classList.add('focused');
    node?.setAttribute('aria-selected', 'true');
    view.setAttribute('aria-activedescendant', `row-${index}`);
    this.events.select(this.rows[index]);
  }

  private onKey(e: KeyboardEvent): void {
    const row = this.rows[this.focused];
    const page = Math.max(1, Math.floor(this.element.clientHeight / ROW_HEIGHT) - 1);
    switch (e.key) {
      case 'ArrowDown':
        this.focus(this.focused + 1);
        break;
      case 'ArrowUp':
        this.focus(this.focused - 1);
        break;
      case 'PageDown':
        this.focus(Math.min(this.rows.length - 1, this.focused + page));
        break;
      case 'PageUp':
        this.focus(Math.max(0, this.focused - page));
        break;
      case 'Home':
        this.focus(0);
        break;
      case 'End':
        this.focus(this.rows.length - 1);
        break;
      case 'ArrowRight':
        if (!row) return;
        if (row.hasChildren && !this.expanded.has(row.path)) void this.toggle(this.focused, true);
        else if (row.hasChildren) this.focus(this.focused + 1);
        break;
      case 'ArrowLeft': {
        if (!row) return;
        if (row.hasChildren && this.expanded.has(row.path)) void this.toggle(this.focused, false);
        else {
          let parent = this.focused - 1;
          while (parent >= 0 && this.rows[parent].depth >= row.depth) parent--;
          this.focus(parent);
        }
        break;
      }
      case 'Enter':
        if (!row) return;
        if (row.type === 'dir') void this.toggle(this.focused);
        else this.events.open(row);
        break;
      case 'F10':
        // Shift+F10 is the keyboard's context menu key, as in VS Code's own trees.
        if (!row || !e.shiftKey || e.ctrlKey || e.altKey || e.metaKey) return;
        this.openMenuOnFocused(row);
        break;
      case 'ContextMenu':
        if (!row) return;
        this.openMenuOnFocused(row);
        break;
      default:
        if (!row || !this.events.actionKey(row, e)) return;
    }
    e.preventDefault();
  }

  private openMenuOnFocused(row: TreeRow): void {
    const rect = this.rendered.get(this.focused)?.getBoundingClientRect();
    this.events.contextMenu(row, (rect?.left ?? 0) + 24, rect?.bottom ?? 0);
  }

  private onClick(e: MouseEvent): void {
    const index = this.indexFromEvent(e);
    if (index < 0) return;
    const onTwistie = (e.target as Element).closest('.twistie');
    this.focus(index);
    if (onTwistie || this.rows[index].type === 'dir') void this.toggle(index);
  }

  private indexFromEvent(e: Event): number {
    const node = (e.target as Element).closest<HTMLElement>('.tree-row');
    return node ? Number(node.dataset.index) : -1;
  }

  private rowFromEvent(e: Event): TreeRow | undefined {
    return this.rows[this.indexFromEvent(e)];
  }
}

/** A directory whose every change below is a deletion ships nothing new there: it says so instead of "0 B". */
function sizeCell(row: TreeRow): HTMLElement {
  if (row.type === 'dir' && row.change === 'deleted') return el('span', { class: 'size size-deleted', text: `deleted · ${formatBytes(row.size)}`, title: `Deleted with everything below it; its ${formatBytes(row.size)} still ship in #${row.layer}` });
  if (row.type === 'dir' && !row.changedCount && row.deletedCount) return el('span', { class: 'size size-deleted', text: 'deletions only', title: describeBelow(row) });
  if (row.change === 'deleted') return el('span', { class: 'size size-deleted', text: formatBytes(row.size), title: `Hidden, still shipped in #${row.layer}` });
  return el('span', { class: 'size', text: formatBytes(row.size) });
}

/** A badge per security finding on the row's version, and a count on directories that lead to one. */
function securityBadges(row: TreeRow): HTMLElement[] {
  const badges = (row.security ?? []).map((mark) =>
    el(
      'span',
      { class: `badge security security-${mark.kind}`, title: mark.title, 'aria-label': `Security: ${mark.kind === 'secret' ? 'secret' : 'setuid program'}. ${mark.title}` },
      icon(mark.kind === 'secret' ? 'key' : 'shield'),
      mark.kind === 'secret' ? ' secret' : ' setuid',
    ),
  );
  if (row.type === 'dir' && row.securityBelow) {
    const what = `${row.securityBelow} ${row.securityBelow === 1 ? 'path' : 'paths'} below with a security finding`;
    badges.push(el('span', { class: 'badge security security-below', title: what, 'aria-label': what }, icon('shield'), ` ${row.securityBelow}`));
  }
  return badges;
}

function tooltip(row: TreeRow): string {
  const parts = [printableName(row.path)];
  if (row.change) parts.push(CHANGE_LABEL[row.change] + (row.change === 'type' && row.previousType ? ` (was a ${row.previousType})` : ''));
  if (row.change === 'deleted') parts.push(`deleted by #${row.changedIn}, from #${row.layer}`);
  else parts.push(`version from #${row.layer}`);
  if (row.opaque) parts.push('opaque directory: everything below it from lower layers is hidden');
  for (const mark of row.security ?? []) parts.push(mark.title);
  return parts.join('\n');
}

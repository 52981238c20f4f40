// The "Packages" tab: for the selected layer, what it installed, upgraded or removed; for the top or a range,
// the packages present (as `layerlens packages --layer N` lists them). Sorted by bytes or name, filtered by
// text. Keyboard: arrows, Home/End, PageUp/Down move; Enter (or a click) shows the package's files in the tree;
// "/" focuses the filter and Escape comes back.
import type { LayerRange, PackageRow, PackagesAnswer, PackagesView } from '../src/explorer/protocol';
import { clear, el, formatBytes, printableName } from './dom';

/** Rows put in the DOM at once; a filter narrows the rest. */
const SHOWN = 1_000;
const PAGE = 10;

type Sort = 'size' | 'name';
type Select = HTMLElement & { value: string };

const CHANGE_TEXT: Record<NonNullable<PackageRow['change']>, string> = {
  installed: 'installed',
  upgraded: 'upgraded',
  downgraded: 'downgraded',
  removed: 'removed',
};

export class PackagesTab {
  readonly element: HTMLElement;
  private readonly list = el('div', { class: 'package-list', role: 'listbox', tabindex: 0, 'aria-label': 'Packages' });
  private readonly summary = el('p', { class: 'packages-summary', role: 'status' });
  private readonly warnings = el('div', { class: 'packages-warnings' });
  private readonly viewSelect: Select;
  private readonly sortSelect: Select;
  private readonly filterField: HTMLElement & { value: string };
  private answer?: PackagesAnswer;
  private shown: PackageRow[] = [];
  private active = -1;
  /** The view the user picked; until then it follows the selection (one layer: its changes; top or range: present). */
  private chosenView?: PackagesView;

  constructor(
    private readonly onPick: (row: PackageRow) => void,
    private readonly onViewChange: () => void,
  ) {
    const option = (value: string, label: string) => el('vscode-option', { value, text: label });
    this.viewSelect = el('vscode-single-select', { 'aria-label': 'Which packages', title: 'Which packages' }, option('changes', 'Changed in the selected layers'), option('present', 'Present at the selected layer')) as Select;
    this.sortSelect = el('vscode-single-select', { 'aria-label': 'Sort packages', title: 'Sort packages' }, option('size', 'Sort by size'), option('name', 'Sort by name')) as Select;
    this.filterField = el('vscode-textfield', { placeholder: 'Filter packages by name or version', 'aria-label': 'Filter packages' }) as HTMLElement & { value: string };
    this.element = el('div', { class: 'packages' }, el('div', { class: 'toolbar' }, el('div', { class: 'toolbar-group' }, this.viewSelect, this.sortSelect), el('div', { class: 'toolbar-group filters' }, this.filterField)), this.summary, this.warnings, this.list);
    this.viewSelect.addEventListener('change', () => {
      // Setting the value to the answer's view fires this too: only a different choice is the user's.
      if (this.viewSelect.value === this.answer?.view) return;
      this.chosenView = this.viewSelect.value as PackagesView;
      this.onViewChange();
    });
    this.sortSelect.addEventListener('change', () => this.render());
    this.filterField.addEventListener('input', () => this.render());
    // Escape returns to this list (the page's own handler would focus the Files tab's tree, hidden here).
    this.filterField.addEventListener('keydown', (e) => {
      if (e.key !== 'Escape') return;
      e.stopPropagation();
      this.list.focus();
    });
    this.list.addEventListener('click', (e) => {
      const index = this.indexOf(e.target);
      if (index < 0) return;
      this.focus(index);
      this.onPick(this.shown[index]);
    });
    this.list.addEventListener('keydown', (e) => this.onKey(e));
    this.waiting('Reading the image…');
  }

  /** The view to ask for, for this selection. */
  viewFor(range: LayerRange, topLayer: number): PackagesView {
    return this.chosenView ?? (range.from === range.to && range.to !== topLayer ? 'changes' : 'present');
  }

  waiting(text: string): void {
    this.answer = undefined;
    this.shown = [];
    this.active = -1;
    this.summary.textContent = text;
    this.element.dataset.view = '';
    clear(this.warnings);
    clear(this.list);
  }

  failed(message: string): void {
    this.waiting(message);
    this.summary.classList.add('error');
  }

  show(answer: PackagesAnswer): void {
    this.summary.classList.remove('error');
    this.answer = answer;
    this.viewSelect.value = answer.view;
    clear(this.warnings);
    // The readers' own sentences: a database that could not be read (in part) says so once, nothing else fails.
    for (const problem of answer.problems) this.warnings.append(el('p', { class: 'packages-warning', role: 'note', text: printableName(problem) }));
    this.render();
    // Which answer the list shows, for tests and tools that must not act on the previous selection's rows.
    this.element.dataset.view = `${answer.view} ${answer.range.from}:${answer.range.to}`;
  }

  private render(): void {
    const answer = this.answer;
    if (!answer) return;
    const wanted = this.filterField.value.trim().toLowerCase();
    const sort = this.sortSelect.value as Sort;
    const matching = answer.rows.filter((r) => !wanted || r.name.toLowerCase().includes(wanted) || r.version.toLowerCase().includes(wanted));
    matching.sort((a, b) => (sort === 'size' && b.size !== a.size ? b.size - a.size : 0) || compare(a.name, b.name) || compare(a.manager, b.manager) || compare(a.version, b.version));
    this.shown = matching.slice(0, SHOWN);
    this.active = this.shown.length ? 0 : -1;
    this.summary.textContent = summaryOf(answer, matching.length, this.shown.length);
    clear(this.list);
    this.list.removeAttribute('aria-activedescendant');
    if (!answer.hasDatabase) return void this.list.append(el('p', { class: 'hint', text: 'This image has no package database that Layerlens reads (dpkg, apk, rpm, Python, npm).' }));
    if (!matching.length) return void this.list.append(el('p', { class: 'hint', text: answer.rows.length ? 'No package matches this filter.' : answer.view === 'changes' ? 'These layers change no package.' : 'No package is installed at this layer.' }));
    this.shown.forEach((row, index) => this.list.append(this.rowElement(row, index)));
    this.focus(0, false);
  }

  private rowElement(row: PackageRow, index: number): HTMLElement {
    const arch = row.architecture ? `:${row.architecture}` : '';
    const hidden = row.deletedLaterBytes ? ` · ${formatBytes(row.deletedLaterBytes)} deleted later, still shipped` : '';
    return el(
      'div',
      {
        class: `package-row${row.change ? ` package-change-${row.change}` : ''}`,
        role: 'option',
        id: `package-${index}`,
        'aria-selected': 'false',
        'data-index': index,
        'data-id': row.id,
        'data-name': row.name,
        'data-version': row.version,
        title: `${row.manager} package ${printableName(row.name + arch)} ${printableName(row.version)}: ${row.files.toLocaleString('en')} files, ${formatBytes(row.size)} in #${row.layer}${hidden}. Enter shows its files in the tree.`,
      },
      el('span', { class: 'size', text: formatBytes(row.size) }),
      el('span', { class: 'package-name', text: printableName(row.name) }),
      el('span', { class: 'package-version', text: printableName(row.from !== undefined ? `${row.from} → ${row.version}` : row.version) }),
      el('span', { class: 'package-manager', text: row.manager }),
      el('span', { class: 'package-files', text: `${row.files.toLocaleString('en')} ${row.files === 1 ? 'file' : 'files'}` }),
      el('span', { class: 'package-where', text: whereOf(row) }),
      el('span', { class: 'package-deleted', text: row.deletedLaterBytes ? `${formatBytes(row.deletedLaterBytes)} deleted later` : '' }),
    );
  }

  private focus(index: number, scroll = true): void {
    if (index < 0 || index >= this.shown.length) return;
    const rows = this.list.querySelectorAll<HTMLElement>('.package-row');
    rows[this.active]?.classList.remove('focused');
    rows[this.active]?.setAttribute('aria-selected', 'false');
    this.active = index;
    rows[index].classList.add('focused');
    rows[index].setAttribute('aria-selected', 'true');
    this.list.setAttribute('aria-activedescendant', rows[index].id);
    if (scroll) rows[index].scrollIntoView({ block: 'nearest' });
  }

  private onKey(e: KeyboardEvent): void {
    const last = this.shown.length - 1;
    const moves: Record<string, number> = { ArrowDown: this.active + 1, ArrowUp: this.active - 1, Home: 0, End: last, PageDown: Math.min(last, this.active + PAGE), PageUp: Math.max(0, this.active - PAGE) };
    if (e.key in moves) this.focus(moves[e.key]);
    else if (e.key === 'Enter' && this.shown[this.active]) this.onPick(this.shown[this.active]);
    else if (e.key === '/') {
      // This tab's filter, not the Files tab's.
      e.stopPropagation();
      this.filterField.focus();
    } else return;
    e.preventDefault();
  }

  private indexOf(target: EventTarget | null): number {
    const row = (target as Element | null)?.closest<HTMLElement>('.package-row');
    return row ? Number(row.dataset.index) : -1;
  }
}

/** "installed in #2", "upgraded in #3", "removed in #4 (from #2)", or for a present package "from #0". */
function whereOf(row: PackageRow): string {
  if (!row.change) return `from #${row.layer}`;
  return row.change === 'removed' ? `removed in #${row.changedIn} (from #${row.layer})` : `${CHANGE_TEXT[row.change]} in #${row.changedIn}`;
}

function summaryOf(answer: PackagesAnswer, matching: number, shown: number): string {
  if (!answer.hasDatabase) return '';
  const { from, to } = answer.range;
  const where = from === to ? `#${to}` : `#${from}–#${to}`;
  const counts = new Map<string, number>();
  for (const row of answer.rows) counts.set(row.change ?? 'present', (counts.get(row.change ?? 'present') ?? 0) + 1);
  const head =
    answer.view === 'present'
      ? `${answer.present.toLocaleString('en')} ${answer.present === 1 ? 'package' : 'packages'} present at #${to}`
      : `${where}: ${['installed', 'upgraded', 'downgraded', 'removed'].filter((c) => counts.get(c)).map((c) => `${counts.get(c)} ${c}`).join(', ') || 'no package changed'} · ${answer.present.toLocaleString('en')} present at #${to}`;
  const bytes = answer.rows.filter((r) => r.change !== 'removed').reduce((sum, r) => sum + r.size, 0);
  const filtered = matching !== answer.rows.length ? ` · ${matching.toLocaleString('en')} match` : '';
  const cut = shown < matching ? ` (first ${shown.toLocaleString('en')} shown)` : '';
  return `${head} · ${formatBytes(bytes)}${filtered}${cut}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

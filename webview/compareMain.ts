// The Layer Explorer's compare mode, front end: the explorer's tree (its markers, keyboard and filters) over the
// paths that differ between two images, both sizes and both steps on every row, and the two build histories
// aligned beside it, with the packages that differ. View state only; the host answers every question from the comparison.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { StepAlignment } from '../src/core/compare/comparison';
import type { CompareChange, CompareFilter, ComparePanelState, CompareRow } from '../src/explorer/compareProtocol';
import type { SortOrder, TreeRow } from '../src/explorer/protocol';
import { CHANGE_TEXT, CompareDetailsPane } from './compareDetails';
import { compareRequest, listenCompare, sendCompare, vscode } from './compareRpc';
import { ComparePackages } from './comparePackages';
import { CompareSteps } from './compareSteps';
import { ContextMenu } from './contextMenu';
import { clear, el, formatBytes, printableName } from './dom';
import { FileTree } from './fileTree';
import { filterKeys, plural, reportCspViolations, StatusLine, watchFilter } from './pageShell';
import { splitter } from './splitter';

interface SavedState {
  panel?: ComparePanelState;
  paneWidth?: number;
}

const saved = (vscode.getState() ?? {}) as SavedState;
let sort: SortOrder = 'name';
let compared = false;
let filter: CompareFilter = { text: '', kinds: [], minSize: 0 };
let generation = 0;
/** Step index → instruction, per image (from the aligned histories). */
const instructions = { a: new Map<number, string>(), b: new Map<number, string>() };

// ---- header
const title = el('h1', { class: 'title', text: 'Compare' });
const subtitle = el('div', { class: 'subtitle' });
const status = el('div', { class: 'status', role: 'status' });
const statusLine = new StatusLine(status);
const header = el('header', {}, title, subtitle);

// ---- tree, details, steps
const menu = new ContextMenu();
const details = new CompareDetailsPane(
  {
    openChanges: (path) => sendCompare({ kind: 'openChanges', path }),
    openSide: (path, side) => sendCompare({ kind: 'openSide', path, side }),
    copyPath: (path) => sendCompare({ kind: 'copyPath', path }),
  },
  (side, step) => instructions[side].get(step),
);
let detailsTimer = 0;
const asCompare = (row: TreeRow) => row as CompareRow;
const tree = new FileTree({
  loadChildren: async (row) => {
    const response = await compareRequest({ kind: 'children', query: { sort }, dir: row.path, depth: row.depth + 1 });
    if ('error' in response) return statusLine.fail(response.error), [];
    return 'rows' in response ? response.rows : [];
  },
  expanded: (_row, ms, count) => statusLine.measure('expand', ms, plural(count, 'row')),
  select: (row) => {
    clearTimeout(detailsTimer);
    if (!row) return details.clear('Select a path to see both versions.');
    detailsTimer = window.setTimeout(() => void showDetails(row), 80);
  },
  open: (row) => sendCompare({ kind: 'openChanges', path: row.path }),
  contextMenu: (row, x, y) => openMenu(asCompare(row), x, y),
  actionKey: (row, e) => {
    const key = e.key.toLowerCase();
    const plain = !e.ctrlKey && !e.metaKey && !e.altKey;
    if (key === 'd' && plain && row.type !== 'dir') sendCompare({ kind: 'openChanges', path: row.path });
    else if (key === 'c' && (e.ctrlKey || e.metaKey)) sendCompare({ kind: 'copyPath', path: row.path });
    else return false;
    return true;
  },
  cells: (row) => sideCells(asCompare(row)),
  tooltip: (row) => rowTooltip(asCompare(row)),
});
const steps = new CompareSteps();
const packages = new ComparePackages();

// ---- toolbar
const option = (value: string, label: string) => el('vscode-option', { value, text: label });
const filterField = el('vscode-textfield', { placeholder: 'Filter: text or glob (/ to focus)', 'aria-label': 'Filter by text or glob' }) as HTMLElement & { value: string };
const kindSelect = el(
  'vscode-single-select',
  { 'aria-label': 'Change kind', title: 'Change kind' },
  option('', 'Any change'),
  ...(Object.keys(CHANGE_TEXT) as CompareChange[]).map((k) => option(k, CHANGE_TEXT[k])),
) as HTMLElement & { value: string };
const minSizeField = el('vscode-textfield', { placeholder: 'Min size (e.g. 1MB)', 'aria-label': 'Minimum size', class: 'min-size' }) as HTMLElement & { value: string };
const sortSelect = el('vscode-single-select', { 'aria-label': 'Sort', title: 'Sort' }, option('name', 'Sort by name'), option('size', 'Sort by size change')) as HTMLElement & { value: string };
const toolbar = el('div', { class: 'toolbar' }, el('div', { class: 'toolbar-group' }, sortSelect), el('div', { class: 'toolbar-group filters' }, filterField, kindSelect, minSizeField));
const columns = el('div', { class: 'compare-columns', 'aria-hidden': 'true' }, el('span', { text: 'A' }), el('span', { text: 'B' }), el('span', { text: 'steps A · B' }));

sortSelect.addEventListener('change', () => {
  sort = sortSelect.value as SortOrder;
  void reload();
});
watchFilter({ typed: [filterField, minSizeField], picked: [kindSelect], minSize: minSizeField }, (minSize) => {
  filter = { text: filterField.value, kinds: kindSelect.value ? [kindSelect.value as CompareChange] : [], minSize };
  void reload();
});

// ---- layout
const filesPanel = el('div', { class: 'files compare-files' }, toolbar, columns, tree.element, status, details.element);
const stepPane = el('aside', { class: 'layer-pane' }, el('h2', { class: 'pane-title', text: 'Build steps, aligned' }), steps.element, packages.element);
const grid = el('main', { class: 'compare' });
grid.append(stepPane, splitter(grid, stepPane, (width) => vscode.setState({ ...(vscode.getState() as SavedState), paneWidth: width }), saved.paneWidth), filesPanel);
document.body.append(header, grid, menu.element);
document.body.dataset.mode = 'compare';
const pageLabel = document.querySelector<HTMLMetaElement>('meta[name="layerlens-image"]')?.content;
if (pageLabel) title.textContent = printableName(pageLabel);
status.textContent = 'Reading both images…';
tree.setRows([], [], 'Reading both images…');

// ---- behaviour
async function reload(): Promise<void> {
  if (!compared) return;
  const mine = ++generation;
  const started = performance.now();
  const filtering = filter.text.trim() !== '' || filter.kinds.length > 0 || filter.minSize > 0;
  const response = filtering ? await compareRequest({ kind: 'filter', query: { sort }, filter }) : await compareRequest({ kind: 'children', query: { sort }, dir: '/', depth: 0 });
  if (mine !== generation) return;
  if ('error' in response) return statusLine.fail(response.error);
  if (!('rows' in response)) return;
  const expanded = filtering ? response.rows.filter((r) => r.type === 'dir').map((r) => r.path) : [];
  tree.setRows(response.rows, expanded, filtering ? 'No changed path matches this filter.' : 'The two images have the same files.');
  tree.element.dataset.view = `compare${filtering ? ' filtered' : ''} ${sort}`;
  const what = filtering
    ? `${plural(response.total ?? 0, 'match', 'matches')}${response.truncated ? ` (first ${response.rows.length.toLocaleString('en')} rows shown)` : ''}`
    : plural(response.rows.length, 'row');
  statusLine.measure(filtering ? 'filter' : 'load', performance.now() - started, what);
}

async function showDetails(row: TreeRow): Promise<void> {
  const response = await compareRequest({ kind: 'details', path: row.path });
  if ('details' in response) details.show(response.details);
  else details.clear('error' in response ? response.error : 'No details for this path.');
}

function openMenu(row: CompareRow, x: number, y: number): void {
  const file = row.type !== 'dir' || row.difference !== undefined;
  menu.open(
    [
      ...(file ? [{ label: 'Open Changes', keybinding: 'Enter', value: 'openChanges', enabled: row.type !== 'dir' }] : []),
      ...(row.sizeA !== null && row.type !== 'dir' ? [{ label: 'Open A’s Version', value: 'openA' }] : []),
      ...(row.sizeB !== null && row.type !== 'dir' ? [{ label: 'Open B’s Version', value: 'openB' }] : []),
      { label: 'Copy Path', keybinding: 'Ctrl+C', value: 'copyPath' },
    ],
    x,
    y,
    tree.element,
    (value) => {
      if (value === 'openChanges') sendCompare({ kind: 'openChanges', path: row.path });
      else if (value === 'openA' || value === 'openB') sendCompare({ kind: 'openSide', path: row.path, side: value === 'openA' ? 'a' : 'b' });
      else if (value === 'copyPath') sendCompare({ kind: 'copyPath', path: row.path });
    },
  );
}

/** Both sizes (a dash where the path is absent) and the step of each image that made its version. */
function sideCells(row: CompareRow): HTMLElement[] {
  const size = (bytes: number | null, side: string) => el('span', { class: `size size-${side}`, text: bytes === null ? '—' : formatBytes(bytes), 'data-bytes': bytes ?? undefined });
  const step = (n: number | null) => (n === null ? '—' : `#${n}`);
  const isDir = row.type === 'dir';
  return [size(row.sizeA, 'a'), size(row.sizeB, 'b'), el('span', { class: 'compare-step-cell', text: isDir && row.stepA === null && row.stepB === null ? '' : `${step(row.stepA)} · ${step(row.stepB)}` })];
}

function rowTooltip(row: CompareRow): string {
  const parts = [printableName(row.path)];
  if (row.difference) parts.push(CHANGE_TEXT[row.difference] + (row.difference === 'type' && row.previousType ? ` (was a ${row.previousType})` : ''));
  const made = (side: 'a' | 'b', n: number | null) => (n === null ? undefined : `${side.toUpperCase()}: made by #${n} ${printableName(instructions[side].get(n) ?? '')}`);
  for (const line of [made('a', row.stepA), made('b', row.stepB)]) if (line) parts.push(line);
  return parts.join('\n');
}

filterKeys(filterField, tree.element);

reportCspViolations(sendCompare);

function showSummary(m: { a: { name: string; size: number; layerCount: number }; b: { name: string; size: number; layerCount: number }; sharedLayers: number; sizeDelta: number; changeCount: number }): void {
  title.textContent = `${printableName(m.a.name)} ↔ ${printableName(m.b.name)}`;
  clear(subtitle);
  const delta = `${m.sizeDelta >= 0 ? '+' : '−'}${formatBytes(Math.abs(m.sizeDelta))}`;
  const facts: [string, string, string][] = [
    [`A ${formatBytes(m.a.size)} → B ${formatBytes(m.b.size)} (${delta})`, 'size', `${m.a.size.toLocaleString('en')} → ${m.b.size.toLocaleString('en')} bytes of files over all layers`],
    [`${m.sharedLayers} of ${m.a.layerCount} → ${m.b.layerCount} layers shared`, 'shared', 'Length of the common prefix of both images’ layers'],
    [plural(m.changeCount, 'changed path'), 'changes', 'Paths that differ between the two final filesystems'],
  ];
  subtitle.append(...facts.map(([text, kind, t]) => el('span', { class: `fact fact-${kind}`, text, title: t })));
}

function learnSteps(list: StepAlignment[]): void {
  for (const s of list) {
    if (s.a) instructions.a.set(s.a.index, s.a.instruction);
    if (s.b) instructions.b.set(s.b.index, s.b.instruction);
  }
}

listenCompare((message) => {
  switch (message.kind) {
    case 'loading':
      vscode.setState({ ...(vscode.getState() as SavedState), panel: message.state });
      title.textContent = `${printableName(message.state.a.label)} ↔ ${printableName(message.state.b.label)}`;
      status.textContent = message.message;
      break;
    case 'compared':
      compared = true;
      if (message.timings) document.body.dataset.loadTimings = JSON.stringify(message.timings);
      showSummary(message);
      learnSteps(message.steps);
      steps.show(message.steps);
      packages.show(message.packages);
      void reload();
      break;
    case 'failed':
      tree.setRows([], [], message.message);
      statusLine.fail(message.message);
      break;
  }
});

sendCompare({ kind: 'ready' });

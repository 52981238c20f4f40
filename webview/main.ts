// The Layer Explorer's front end. It holds view state only (selected range, mode, filter, expanded rows) and
// asks the extension for everything else: the rows of one directory at a time, filter results, file details.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { FilterSpec, ImageHeader, LayerInfo, LayerRange, PackageRow, PanelState, RowChange, SortOrder, TreeMode, TreeQuery, TreeRow } from '../src/explorer/protocol';
import { DetailsPane } from './details';
import { headerFacts } from './headerFacts';
import { clear, el, formatBytes, printableName } from './dom';
import { FileTree } from './fileTree';
import { filterKeys, plural, reportCspViolations, StatusLine, watchFilter } from './pageShell';
import { LayerDetails } from './layerDetails';
import { LayerList } from './layerList';
import { PackagesTab } from './packagesTab';
import { splitter } from './splitter';
import { RowActions } from './rowActions';
import { listen, request, send, vscode } from './rpc';
import { WastedList } from './wastedList';

interface SavedState {
  panel?: PanelState;
  range?: LayerRange;
  mode?: TreeMode;
  layerPaneWidth?: number;
}

const saved = (vscode.getState() ?? {}) as SavedState;
let mode: TreeMode = saved.mode ?? 'changes';
let sort: SortOrder = 'name';
let indexed = false;
let filter: FilterSpec = { text: '', kinds: [], minSize: 0, onlyChanges: false };
let generation = 0; // drops answers to superseded questions

const query = (): TreeQuery => ({ mode, sort, range: layers.selection });
const saveState = (panel?: PanelState) => vscode.setState({ ...(vscode.getState() as SavedState), ...(panel ? { panel } : {}), range: layers.selection, mode });

// ---- header
const title = el('h1', { class: 'title', text: 'Layer Explorer' });
const subtitle = el('div', { class: 'subtitle' });
const progress = el('vscode-progress-bar', { class: 'progress', 'aria-label': 'Reading the image' }) as HTMLElement & { value?: number; max: number };
const status = el('div', { class: 'status', role: 'status' });
const statusLine = new StatusLine(status);
const header = el('header', {}, title, subtitle, progress);

// ---- layers, tree, details, wasted
const layerDetails = new LayerDetails();
const layers = new LayerList(
  () => {
    saveState();
    layerDetails.show(layers.selectedInfo);
    // A package's files are those of one version, picked for the layers selected then: another selection shows all.
    setPackageFilter(undefined);
    void reload();
    if (tabs.selectedIndex === PACKAGES_TAB) void loadPackages();
  },
  (layer, x, y) =>
    rowActions.menu.open(
      [
        { label: 'Explain This Layer', value: 'explain' },
        { label: 'Copy Instruction', value: 'copyInstruction' },
      ],
      x,
      y,
      layers.element,
      (value) => send(value === 'explain' ? { kind: 'explain', layer } : { kind: 'copyInstruction', layer }),
    ),
);
const details = new DetailsPane({
  open: (d) => rowActions.runOpen(d),
  compare: (d) => rowActions.runCompare(d),
  copyPath: (d) => send({ kind: 'copyPath', path: d.path }),
  explain: () => send({ kind: 'explain', layer: layers.selection.to }),
});
let detailsTimer = 0;
const tree = new FileTree({
  loadChildren: async (row) => {
    const response = await request({ kind: 'children', query: query(), dir: row.path, depth: row.depth + 1 });
    if ('error' in response) return statusLine.fail(response.error), [];
    return 'rows' in response ? response.rows : [];
  },
  expanded: (_row, ms, count) => statusLine.measure('expand', ms, plural(count, 'row')),
  select: (row) => {
    clearTimeout(detailsTimer);
    if (!row) return details.clear('Select a file to see where it came from.');
    detailsTimer = window.setTimeout(() => void showDetails(row), 80);
  },
  open: (row) => (row.type === 'dir' ? undefined : void rowActions.open(row)),
  contextMenu: (row, x, y) => void rowActions.openMenu(row, x, y),
  actionKey: (row, e) => rowActions.key(row, e),
});
const rowActions: RowActions = new RowActions({ query, reveal: (path) => revealAnywhere(path), tree: tree.element });
const wasted = new WastedList((row) => {
  tabs.selectedIndex = 0;
  layers.choose(row.layer);
  void reveal(row.path);
});
const PACKAGES_TAB = 2;
const packagesTab = new PackagesTab(
  (row) => void showPackageFiles(row),
  () => void loadPackages(),
);
/** The package whose files the tree shows (from the Packages tab), with a button to show every file again. */
let packageShown: PackageRow | undefined;
const packageFilterText = el('span', { class: 'package-filter-text' });
const packageFilterClear = el('vscode-button', { secondary: true, text: 'Show All Files', title: 'Show every file again' });
const packageFilter = el('div', { class: 'package-filter', hidden: true }, packageFilterText, packageFilterClear);
packageFilterClear.addEventListener('click', () => {
  setPackageFilter(undefined);
  void reload();
  tree.element.focus();
});

// ---- toolbar
const option = (value: string, label: string) => el('vscode-option', { value, text: label });
const modeSelect = el('vscode-single-select', { 'aria-label': 'Tree mode', title: 'Tree mode' }, option('changes', 'Changes in this layer'), option('filesystem', 'Whole filesystem at this layer')) as HTMLElement & { value: string };
const filterField = el('vscode-textfield', { placeholder: 'Filter: text or glob (/ to focus)', 'aria-label': 'Filter by text or glob' }) as HTMLElement & { value: string };
const kindSelect = el('vscode-single-select', { 'aria-label': 'Change kind', title: 'Change kind' }, option('', 'Any change'), option('added', 'Added'), option('modified', 'Modified'), option('metadata', 'Metadata only'), option('type', 'Type changed'), option('deleted', 'Deleted')) as HTMLElement & { value: string };
const minSizeField = el('vscode-textfield', { placeholder: 'Min size (e.g. 1MB)', 'aria-label': 'Minimum size', class: 'min-size' }) as HTMLElement & { value: string };
const onlyChanges = el('vscode-checkbox', { label: 'Only changes', title: 'Only changed paths' }) as HTMLElement & { checked: boolean };
const sortSelect = el('vscode-single-select', { 'aria-label': 'Sort', title: 'Sort' }, option('name', 'Sort by name'), option('size', 'Sort by size')) as HTMLElement & { value: string };
const toolbar = el('div', { class: 'toolbar' }, el('div', { class: 'toolbar-group' }, modeSelect, sortSelect), el('div', { class: 'toolbar-group filters' }, filterField, kindSelect, minSizeField, onlyChanges));

modeSelect.addEventListener('change', () => {
  mode = modeSelect.value as TreeMode;
  saveState();
  void reload();
});
sortSelect.addEventListener('change', () => {
  sort = sortSelect.value as SortOrder;
  void reload();
});
watchFilter({ typed: [filterField, minSizeField], picked: [kindSelect, onlyChanges], minSize: minSizeField }, (minSize) => {
  filter = { text: filterField.value, kinds: kindSelect.value ? [kindSelect.value as RowChange] : [], minSize, onlyChanges: onlyChanges.checked, ...(packageShown ? { package: packageShown.id } : {}) };
  void reload();
});

// ---- layout
const filesPanel = el('div', { class: 'files' }, toolbar, packageFilter, tree.element, status, details.element);
const tabs = el(
  'vscode-tabs',
  { class: 'tabs' },
  el('vscode-tab-header', { slot: 'header', text: 'Files' }),
  el('vscode-tab-panel', {}, filesPanel),
  el('vscode-tab-header', { slot: 'header', text: 'Wasted space' }),
  el('vscode-tab-panel', {}, wasted.element),
  el('vscode-tab-header', { slot: 'header', text: 'Packages' }),
  el('vscode-tab-panel', {}, packagesTab.element),
) as HTMLElement & { selectedIndex: number };
// The packages are asked for when their tab shows (the host reads them lazily, never before the first tree).
tabs.addEventListener('vsc-tabs-select', () => tabs.selectedIndex === PACKAGES_TAB && void loadPackages());
const layerPane = el('aside', { class: 'layer-pane' }, layers.element, layerDetails.element);
const grid = el('main', {});
grid.append(layerPane, splitter(grid, layerPane, (width) => vscode.setState({ ...(vscode.getState() as SavedState), layerPaneWidth: width }), saved.layerPaneWidth), tabs);
document.body.append(header, grid, rowActions.menu.element);
// The shell shows at once, before the extension answers: the image's name is in the page (or the saved state).
// When this script started (wall clock): the e2e bench tells the webview's own start-up from ours by it.
document.body.dataset.scriptStartedAt = String(Date.now());
const pageLabel = document.querySelector<HTMLMetaElement>('meta[name="layerlens-image"]')?.content || saved.panel?.label;
if (pageLabel) title.textContent = printableName(pageLabel);
status.textContent = 'Opening the image…';
tree.setRows([], [], 'Reading the image…');

// ---- behaviour
async function reload(): Promise<void> {
  if (!indexed) return;
  const mine = ++generation;
  const started = performance.now();
  const filtering = filter.text.trim() !== '' || filter.kinds.length > 0 || filter.minSize > 0 || filter.onlyChanges || filter.package !== undefined;
  const response = filtering ? await request({ kind: 'filter', query: query(), filter }) : await request({ kind: 'children', query: query(), dir: '/', depth: 0 });
  if (mine !== generation) return;
  if ('error' in response) return statusLine.fail(response.error);
  if (!('rows' in response)) return;
  const expanded = filtering ? response.rows.filter((r) => r.type === 'dir').map((r) => r.path) : [];
  tree.setRows(response.rows, expanded, filtering ? 'No path matches this filter.' : mode === 'changes' ? 'This layer changes no files.' : 'This filesystem is empty.');
  // A package's files: its first file is selected, so that its details (and owner) show at once.
  const firstFile = filter.package !== undefined ? response.rows.find((r) => r.type !== 'dir') : undefined;
  if (firstFile) tree.selectPath(firstFile.path);
  // Which view the rows show, for tests and tools that must not act on the previous layer's rows.
  tree.element.dataset.view = `${mode} ${layers.selection.from}:${layers.selection.to}${filtering ? ' filtered' : ''}`;
  if (filter.package !== undefined) tree.element.dataset.package = String(filter.package);
  else delete tree.element.dataset.package;
  const what = filtering
    ? `${plural(response.total ?? 0, 'match', 'matches')}${response.truncated ? ` (first ${response.rows.length.toLocaleString('en')} rows shown)` : ''}`
    : plural(response.rows.length, 'row');
  statusLine.measure(filtering ? 'filter' : 'load', performance.now() - started, what);
  // When the first tree was on screen, in ms since the page started (the e2e bench reads it).
  document.body.dataset.firstTreeMs ??= String(Math.round(performance.now()));
}

/** Selects `path` in the tree (its ancestors expanded); true when it is there. */
async function reveal(path: string): Promise<boolean> {
  filterField.value = '';
  setPackageFilter(undefined);
  filter = { ...filter, text: '' };
  const mine = ++generation;
  const response = await request({ kind: 'reveal', query: query(), path });
  if (mine !== generation || !('rows' in response)) return false;
  const chain: string[] = [];
  for (let p = path; p.lastIndexOf('/') > 0; ) chain.push((p = p.slice(0, p.lastIndexOf('/'))));
  tree.setRows(response.rows, chain);
  if (!tree.selectPath(path)) return false;
  tree.element.focus();
  return true;
}

/** A symlink's target directory: "changes" mode shows only what the layer changed, so it may need the whole filesystem. */
async function revealAnywhere(path: string): Promise<void> {
  if ((await reveal(path)) || mode !== 'changes') return;
  mode = 'filesystem';
  modeSelect.value = mode;
  saveState();
  await reveal(path);
}

async function loadPackages(): Promise<void> {
  if (!indexed) return;
  const range = layers.selection;
  const mine = ++packagesGeneration;
  packagesTab.waiting('Reading the package databases…');
  const response = await request({ kind: 'packages', range, view: packagesTab.viewFor(range, layers.layerCount - 1) });
  if (mine !== packagesGeneration) return;
  if ('error' in response) packagesTab.failed(response.error);
  else if ('packages' in response) packagesTab.show(response.packages);
}
let packagesGeneration = 0;

function setPackageFilter(row: PackageRow | undefined): void {
  packageShown = row;
  filter = { ...filter, package: row?.id };
  if (row === undefined) delete filter.package;
  packageFilter.hidden = row === undefined;
  packageFilterText.textContent = row ? `Files of ${row.manager} package ${printableName(row.name)} ${printableName(row.version)} (${row.files.toLocaleString('en')} ${row.files === 1 ? 'file' : 'files'}, installed in #${row.layer})` : '';
}

/**
 * A package picked in the Packages tab: the tree shows only its files, in "changes" mode when the selected layers
 * hold them, else in the whole filesystem at the selected layer (where a package installed below shows).
 */
async function showPackageFiles(row: PackageRow): Promise<void> {
  tabs.selectedIndex = 0;
  setPackageFilter(row);
  await reload();
  if (mode === 'changes' && tree.rowCount === 0 && packageShown === row) {
    mode = 'filesystem';
    modeSelect.value = mode;
    saveState();
    await reload();
  }
  tree.element.focus();
}

async function showDetails(row: TreeRow): Promise<void> {
  const answer = await rowActions.details(row);
  if (typeof answer === 'string') details.clear(answer);
  else details.show(answer);
}

// "/" shows the Files tab before it focuses the filter.
filterKeys(filterField, tree.element, () => (tabs.selectedIndex = 0));

reportCspViolations(send);

function showHeader(h: ImageHeader): void {
  title.textContent = printableName(h.name);
  document.title = h.name;
  clear(subtitle);
  subtitle.append(...headerFacts(h).map(({ text, title, kind, bytes }) => el('span', { class: `fact${kind ? ` fact-${kind}` : ''}`, text, title, 'data-bytes': bytes })));
}

function showLayers(list: LayerInfo[], interactive: boolean): void {
  layers.show(list, interactive);
}

listen((message) => {
  switch (message.kind) {
    case 'overview':
      showHeader(message.header);
      showLayers(message.layers, false);
      saveState(message.state);
      wasted.show(undefined);
      tree.setRows([], [], 'Reading the image…');
      break;
    case 'progress':
      if (message.expected > 0) {
        progress.max = message.expected;
        progress.value = Math.min(message.done, message.expected);
      }
      status.textContent = `Reading the image: ${formatBytes(message.done)}${message.expected > 0 ? ` of ~${formatBytes(message.expected)} (${Math.min(99, Math.floor((message.done / message.expected) * 100))} %)` : ''}`;
      break;
    case 'indexed': {
      indexed = true;
      if (message.timings) document.body.dataset.loadTimings = JSON.stringify(message.timings);
      progress.remove();
      status.classList.remove('error');
      showHeader(message.header);
      showLayers(message.layers, true);
      wasted.show(message.wasted);
      const top = layers.layerCount - 1;
      const restored = saved.range && saved.range.to <= top ? saved.range : undefined;
      modeSelect.value = mode;
      if (restored) {
        layers.choose(restored.from);
        if (restored.to !== restored.from) layers.choose(restored.to, true);
      } else layers.choose(top);
      break;
    }
    case 'failed':
      progress.remove();
      packagesTab.failed(message.message);
      tree.setRows([], [], message.message);
      statusLine.fail(message.message);
      break;
    case 'packagesLoaded':
      // The details of the selected file name its owner from now on.
      if (tree.selected) void showDetails(tree.selected);
      break;
    case 'select':
      tabs.selectedIndex = 0;
      layers.choose(message.layer);
      void reveal(message.path);
      break;
  }
});

send({ kind: 'ready' });

// The "Wasted space" tab: every wasted file version, biggest first, with why. Clicking one reveals it in the
// tree at the layer that holds the wasted bytes.
import type { WastedRow } from '../src/explorer/protocol';
import { clear, el, formatBytes, printableName } from './dom';

const REASON: Record<WastedRow['reason'], string> = {
  overwritten: 'overwritten by',
  deleted: 'deleted by',
  'metadata-only': 'duplicated (metadata-only rewrite) by',
};

/** Rows rendered per "Show more": the DOM stays small on images with thousands of wasted files. */
const PAGE = 200;

export class WastedList {
  readonly element = el('div', { class: 'wasted', role: 'list', 'aria-label': 'Wasted space' });
  private rows: WastedRow[] = [];
  private shown = 0;

  constructor(private readonly onPick: (row: WastedRow) => void) {}

  show(rows: WastedRow[] | undefined): void {
    clear(this.element);
    this.rows = rows ?? [];
    this.shown = 0;
    if (!rows) return void this.element.append(el('p', { class: 'hint', text: 'Reading the image…' }));
    if (!rows.length) return void this.element.append(el('p', { class: 'hint', text: 'Nothing is wasted: every byte shipped is in the final filesystem.' }));
    this.more();
  }

  private more(): void {
    this.element.querySelector('.more')?.remove();
    const next = this.rows.slice(this.shown, this.shown + PAGE);
    this.shown += next.length;
    for (const row of next) {
      const item = el(
        'div',
        { class: 'wasted-row', role: 'listitem', tabindex: 0, 'data-path': row.path },
        el('span', { class: 'size', text: formatBytes(row.size) }),
        el('span', { class: 'name', text: printableName(row.path) }),
        el('span', { class: 'reason', text: `in #${row.layer}, ${REASON[row.reason]} #${row.by}` }),
      );
      item.addEventListener('click', () => this.onPick(row));
      item.addEventListener('keydown', (e) => e.key === 'Enter' && this.onPick(row));
      this.element.append(item);
    }
    const rest = this.rows.slice(this.shown);
    if (!rest.length) return;
    const bytes = rest.reduce((sum, r) => sum + r.size, 0);
    const button = el('vscode-button', { class: 'more', secondary: true, text: `Show ${Math.min(PAGE, rest.length)} more of ${rest.length.toLocaleString('en')} (${formatBytes(bytes)})` });
    button.addEventListener('click', () => this.more());
    this.element.append(button);
  }
}

// The compare mode's Packages section: the package difference of `layerlens compare --json` (packageDifferences.ts),
// one row per package with its change, both versions, the layer of each image that installed it and its bytes.
// Names and versions go in as text only. Keyboard: Tab reaches the list, arrows, Home and End move between rows.
import type { PackageDifference, PackageSide } from '../src/core/compare/comparison';
import { clear, el, formatBytes, printableName } from './dom';

const MARK: Record<PackageDifference['change'], string> = { added: '+', removed: '−', upgraded: '↑', downgraded: '↓' };

export class ComparePackages {
  readonly summary = el('div', { class: 'compare-packages-summary', role: 'status' });
  readonly list = el('div', { class: 'compare-packages', role: 'table', 'aria-label': 'Packages that differ between A and B' });
  readonly element = el('section', { class: 'compare-packages-section' }, el('h2', { class: 'pane-title', text: 'Packages' }), this.summary, this.list);

  constructor() {
    this.list.addEventListener('keydown', (e) => this.move(e));
  }

  show(packages: PackageDifference[] | null): void {
    clear(this.list);
    if (!packages) {
      this.summary.textContent = 'Packages were not read.';
      return;
    }
    const count = (change: PackageDifference['change']) => packages.filter((p) => p.change === change).length;
    const parts = (Object.keys(MARK) as PackageDifference['change'][]).filter((c) => count(c) > 0).map((c) => `${MARK[c]}${count(c)} ${c}`);
    this.summary.textContent = packages.length === 0 ? 'No package differs.' : parts.join(' · ');
    packages.forEach((p, k) => this.list.append(row(p, k === 0)));
  }

  private move(e: KeyboardEvent): void {
    const rows = [...this.list.querySelectorAll<HTMLElement>('.compare-package')];
    const at = rows.indexOf(document.activeElement as HTMLElement);
    const to = e.key === 'ArrowDown' ? at + 1 : e.key === 'ArrowUp' ? at - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? rows.length - 1 : -2;
    if (to === -2 || rows.length === 0) return;
    e.preventDefault();
    const target = rows[Math.max(0, Math.min(rows.length - 1, to))];
    for (const r of rows) r.tabIndex = r === target ? 0 : -1;
    target.focus();
  }
}

function row(p: PackageDifference, first: boolean): HTMLElement {
  const versions = p.a && p.b ? `${p.a.version} → ${p.b.version}` : (p.b ?? p.a)!.version;
  const where = `${layerOf(p.a)} → ${layerOf(p.b)}`;
  const bytes = p.a && p.b ? `${formatBytes(p.a.size)} → ${formatBytes(p.b.size)}` : formatBytes((p.b ?? p.a)!.size);
  return el(
    'div',
    {
      class: `compare-package compare-package-${p.change}`,
      role: 'row',
      tabindex: first ? 0 : -1,
      title: `${printableName(p.name)} (${p.manager}, ${printableName(p.location)}): ${p.change}`,
      'data-change': p.change,
      'data-manager': p.manager,
      'data-name': p.name,
      'data-version-a': p.a?.version,
      'data-version-b': p.b?.version,
      'data-layer-a': p.a?.layer,
      'data-layer-b': p.b?.layer,
      'data-bytes-a': p.a?.size,
      'data-bytes-b': p.b?.size,
    },
    el('span', { class: 'compare-package-mark', role: 'cell', text: MARK[p.change], 'aria-label': p.change }),
    el('span', { class: 'compare-package-manager', role: 'cell', text: p.manager }),
    el('span', { class: 'compare-package-name', role: 'cell', text: printableName(p.name) }),
    el('span', { class: 'compare-package-versions', role: 'cell', text: printableName(versions) }),
    el('span', { class: 'compare-package-where', role: 'cell', text: where, title: 'The layer of A → of B that installed the version' }),
    el('span', { class: 'compare-package-bytes', role: 'cell', text: bytes }),
  );
}

function layerOf(side: PackageSide | null): string {
  return side ? `L${side.layer}` : '—';
}

// The layer list: every build step in order, with size (and a bar relative to the largest layer), counts and
// waste. Click selects a layer, shift-click a range; arrows move, shift+arrows extend. Metadata steps are dimmed.
// Right-click, Shift+F10 or the menu key open the layer's menu (never VS Code's generic Cut/Copy/Paste).
import type { LayerInfo, LayerRange } from '../src/explorer/protocol';
import { clear, el, formatBytes, icon, printableName } from './dom';

export class LayerList {
  readonly element: HTMLElement;
  private layers: LayerInfo[] = [];
  private anchor = 0;
  private range: LayerRange = { from: 0, to: 0 };
  /** Nothing is selected (nor looks it) until the image is indexed and a layer's tree can be shown. */
  private interactive = false;

  constructor(
    private readonly onSelect: (range: LayerRange) => void,
    private readonly onContextMenu: (layer: number, x: number, y: number) => void,
  ) {
    this.element = el('div', { class: 'layers', role: 'listbox', 'aria-label': 'Layers', 'aria-multiselectable': 'true', tabindex: 0 });
    this.element.addEventListener('click', (e) => {
      const item = (e.target as Element).closest<HTMLElement>('.layer[data-layer]');
      if (item) this.choose(Number(item.dataset.layer), e.shiftKey);
    });
    this.element.addEventListener('contextmenu', (e) => {
      e.preventDefault();
      const item = (e.target as Element).closest<HTMLElement>('.layer[data-layer]');
      // The keyboard's menu key fires this on the list itself: onKey opens the menu for the selection then.
      if (!item || !this.interactive) return;
      const layer = Number(item.dataset.layer);
      if (layer < this.range.from || layer > this.range.to) this.choose(layer);
      this.onContextMenu(layer, e.clientX, e.clientY);
    });
    this.element.addEventListener('keydown', (e) => {
      if ((e.key === 'F10' && e.shiftKey && !e.ctrlKey && !e.altKey && !e.metaKey) || e.key === 'ContextMenu') {
        e.preventDefault();
        if (!this.interactive) return;
        const rect = this.element.querySelector(`[data-layer="${this.range.to}"]`)?.getBoundingClientRect();
        this.onContextMenu(this.range.to, (rect?.left ?? 0) + 24, rect?.bottom ?? 0);
        return;
      }
      const delta = e.key === 'ArrowDown' ? 1 : e.key === 'ArrowUp' ? -1 : 0;
      if (!delta) return;
      e.preventDefault();
      const current = e.shiftKey ? (this.range.from === this.anchor ? this.range.to : this.range.from) : this.range.to;
      const next = current + delta;
      if (next >= 0 && next < this.layerCount) this.choose(next, e.shiftKey);
    });
  }

  get layerCount(): number {
    return this.layers.filter((l) => l.layer !== undefined).length;
  }

  get selection(): LayerRange {
    return this.range;
  }

  show(layers: LayerInfo[], interactive: boolean): void {
    this.layers = layers;
    this.interactive = interactive;
    this.element.classList.toggle('waiting', !interactive);
    this.render();
  }

  /** Selects one layer, or the range from the anchor to it. */
  choose(layer: number, extend = false): void {
    if (extend) this.range = { from: Math.min(this.anchor, layer), to: Math.max(this.anchor, layer) };
    else {
      this.anchor = layer;
      this.range = { from: layer, to: layer };
    }
    this.render();
    this.element.querySelector(`[data-layer="${layer}"]`)?.scrollIntoView({ block: 'nearest' });
    this.onSelect(this.range);
  }

  /** The selected layers' steps, for the details box under the list. */
  get selectedInfo(): LayerInfo[] {
    return this.interactive ? this.layers.filter((l) => l.layer !== undefined && l.layer >= this.range.from && l.layer <= this.range.to) : [];
  }

  private render(): void {
    clear(this.element);
    const largest = Math.max(1, ...this.layers.map((l) => l.size));
    for (const info of this.layers) {
      const isLayer = info.layer !== undefined;
      const selected = this.interactive && isLayer && info.layer! >= this.range.from && info.layer! <= this.range.to;
      const counts =
        info.added === undefined
          ? undefined
          : el(
              'span',
              { class: 'counts' },
              el('span', { class: 'count-added', text: `+${info.added}`, title: 'added' }),
              el('span', { class: 'count-modified', text: ` ~${(info.modified ?? 0) + (info.metadataOnly ?? 0)}`, title: `modified (${info.metadataOnly ?? 0} metadata only)` }),
              el('span', { class: 'count-deleted', text: ` −${info.deleted}`, title: 'deleted' }),
            );
      const bar = el('span', { class: 'bar' });
      bar.style.width = `${(info.size / largest) * 100}%`;
      this.element.append(
        el(
          'div',
          {
            class: `layer ${isLayer ? '' : 'metadata'} ${selected ? 'selected' : ''}`,
            role: 'option',
            'aria-selected': String(selected),
            'aria-disabled': isLayer ? undefined : 'true',
            'data-layer': isLayer ? info.layer : undefined,
            title: printableName(info.instruction),
          },
          el('span', { class: 'layer-number', text: isLayer ? `#${info.layer}` : '' }),
          el('span', { class: 'instruction', text: printableName(info.instruction) }),
          el('span', { class: 'layer-size', text: isLayer ? formatBytes(info.size) : 'metadata' }),
          counts,
          info.wastedBytes ? el('span', { class: 'layer-wasted', 'data-bytes': info.wastedBytes, text: `${formatBytes(info.wastedBytes)} wasted`, title: 'Bytes of this layer that the final filesystem does not use (see the Wasted space tab)' }) : undefined,
          info.security?.length ? securityBadge(info) : undefined,
          isLayer ? el('span', { class: 'bar-track' }, bar) : undefined,
        ),
      );
    }
  }
}

/** "2 secrets · 1 setuid", with the findings' sentences for the tooltip and screen readers. */
function securityBadge(info: LayerInfo): HTMLElement {
  const parts = info.security!.map((s) => (s.kind === 'secret' ? `${s.paths} ${s.paths === 1 ? 'secret' : 'secrets'}` : `${s.paths} setuid`));
  const sentences = info.security!.map((s) => s.title).join(' ');
  return el('span', { class: 'layer-security', title: sentences, 'aria-label': `Security findings: ${parts.join(', ')}. ${sentences}` }, icon('shield'), ` ${parts.join(' · ')}`);
}

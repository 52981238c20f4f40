// The selected layer's details under the layer list: its full command (the list cuts it to one line), when it
// was built (as people read dates, the ISO time in a tooltip), its size, counts, waste and security findings.
import type { LayerInfo } from '../src/explorer/protocol';
import { formatAge } from '../src/core/format';
import { clear, el, formatBytes, icon, printableName } from './dom';

export class LayerDetails {
  readonly element = el('section', { class: 'layer-details', 'aria-label': 'Selected layer', 'aria-live': 'polite' });

  constructor() {
    this.show([]);
  }

  show(selected: LayerInfo[]): void {
    clear(this.element);
    if (!selected.length) return void this.element.append(el('p', { class: 'hint', text: 'Reading the image…' }));
    const first = selected[0];
    const last = selected[selected.length - 1];
    const heading = selected.length === 1 ? `Layer #${first.layer} · step ${first.step}` : `Layers #${first.layer} to #${last.layer}`;
    this.element.append(el('h2', { text: heading }));
    for (const info of selected) this.element.append(el('pre', { class: 'command', text: printableName(info.instruction) }));
    const sum = (pick: (l: LayerInfo) => number | undefined) => selected.reduce((n, l) => n + (pick(l) ?? 0), 0);
    const facts: [string, string, string?][] = [
      ['Size', `${formatBytes(sum((l) => l.size))} (${sum((l) => l.size).toLocaleString('en')} bytes)`],
      ['Files', `+${sum((l) => l.added)} added · ~${sum((l) => (l.modified ?? 0) + (l.metadataOnly ?? 0))} modified (${sum((l) => l.metadataOnly)} metadata only) · −${sum((l) => l.deleted)} deleted`],
    ];
    const wasted = sum((l) => l.wastedBytes);
    if (wasted) facts.push(['Wasted', `${formatBytes(wasted)} that the final filesystem does not use`]);
    const created = selected.length === 1 && first.created ? Date.parse(first.created) : NaN;
    if (Number.isFinite(created)) facts.push(['Created', formatAge(created), new Date(created).toISOString()]);
    this.element.append(el('dl', {}, ...facts.flatMap(([k, v, title]) => [el('dt', { text: k }), el('dd', { text: v, title })])));
    for (const info of selected) {
      for (const s of info.security ?? []) {
        this.element.append(el('p', { class: `security-finding security-${s.kind}`, role: 'note' }, icon(s.kind === 'secret' ? 'key' : 'shield'), ` #${info.layer}: ${s.title} (${s.paths} ${s.paths === 1 ? 'path' : 'paths'})`));
      }
    }
  }
}

// The selected path in the compare mode: what each image has there (type, size, mode, owner, link target) and
// the step of each that made its version; Open Changes opens both in VS Code's diff editor.
import type { CompareChange, CompareDetails, CompareSideDetails } from '../src/explorer/compareProtocol';
import { clear, el, formatBytes, printableName } from './dom';

export const CHANGE_TEXT: Record<CompareChange, string> = {
  added: 'Added in B',
  removed: 'Removed in B',
  content: 'Content differs',
  metadata: 'Metadata only (mode, owner)',
  type: 'Type changed',
};

export interface CompareDetailActions {
  openChanges(path: string): void;
  openSide(path: string, side: 'a' | 'b'): void;
  copyPath(path: string): void;
}

export class CompareDetailsPane {
  readonly element = el('section', { class: 'details', 'aria-label': 'Path details', 'aria-live': 'polite' });

  constructor(
    private readonly actions: CompareDetailActions,
    /** The instruction of a step of image A or B, for "made by". */
    private readonly instruction: (side: 'a' | 'b', step: number) => string | undefined,
  ) {
    this.clear('Select a path to see both versions.');
  }

  clear(text: string): void {
    clear(this.element);
    this.element.append(el('p', { class: 'hint', text }));
  }

  show(d: CompareDetails): void {
    clear(this.element);
    const button = (label: string, key: string, enabled: boolean, run: () => void, why?: string) => {
      const title = why ? `${why} (${key})` : `${label} (${key})`;
      const b = el('vscode-button', { secondary: true, disabled: !enabled, title, text: label });
      b.addEventListener('click', () => enabled && run());
      return el('span', { class: 'action', title }, b);
    };
    this.element.append(
      el('h3', { class: 'details-path', text: printableName(d.path) }),
      el('p', { class: 'compare-change', text: d.difference ? CHANGE_TEXT[d.difference] : 'Changes below' }),
      d.difference ? el('div', { class: 'compare-sides' }, this.sideFacts('A', 'a', d.a), this.sideFacts('B', 'b', d.b)) : el('p', { class: 'hint', text: 'The same directory in both images; the paths below it differ.' }),
      el(
        'div',
        { class: 'actions' },
        button('Open Changes', 'Enter', d.openChanges.enabled, () => this.actions.openChanges(d.path), d.openChanges.title),
        button('Copy Path', 'Ctrl+C', true, () => this.actions.copyPath(d.path)),
      ),
    );
  }

  private sideFacts(title: string, side: 'a' | 'b', s: CompareSideDetails | undefined): HTMLElement {
    if (!s) return el('div', { class: `compare-side compare-side-${side}` }, el('h4', { text: title }), el('p', { class: 'hint', text: 'Not in this image.' }));
    const facts: [string, string][] = [
      ['Type', s.type],
      ['Size', `${formatBytes(s.size)} (${s.size.toLocaleString('en')} bytes)`],
      ['Mode', s.mode],
      ['Owner', s.owner],
    ];
    if (s.linkTarget !== undefined) facts.push(['Link target', printableName(s.linkTarget)]);
    const instruction = s.step === null ? undefined : this.instruction(side, s.step);
    facts.push(['Made by', s.step === null ? `layer #${s.layer}` : `#${s.step} ${printableName(instruction ?? '')} (layer ${s.layer})`]);
    return el('div', { class: `compare-side compare-side-${side}` }, el('h4', { text: title }), el('dl', {}, ...facts.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v, class: k === 'Made by' ? 'made-by' : undefined })])));
  }
}

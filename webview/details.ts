// The selected file's details: path, type, size, mode, owner, link target, its history across the stack, actions.
import type { FileDetails } from '../src/explorer/protocol';
import { clear, el, formatBytes, printableName } from './dom';

export interface DetailActions {
  open(details: FileDetails): void;
  compare(details: FileDetails): void;
  copyPath(details: FileDetails): void;
  explain(details: FileDetails): void;
}

export class DetailsPane {
  readonly element = el('section', { class: 'details', 'aria-label': 'File details', 'aria-live': 'polite' });

  constructor(private readonly actions: DetailActions) {
    this.clear('Select a file to see where it came from.');
  }

  clear(text: string): void {
    clear(this.element);
    this.element.append(el('p', { class: 'hint', text }));
  }

  show(d: FileDetails): void {
    clear(this.element);
    const facts: [string, string][] = [
      ['Type', d.type],
      ['Size', `${formatBytes(d.size)} (${d.size.toLocaleString('en')} bytes)`],
      ['Mode', d.mode],
      ['Owner', d.owner],
    ];
    if (d.linkTarget !== undefined) facts.push(['Link target', printableName(d.linkTarget)]);
    const button = (label: string, key: string, enabled: boolean, run: () => void) => {
      const b = el('vscode-button', { secondary: true, disabled: !enabled, title: `${label} (${key})`, text: label });
      b.addEventListener('click', () => enabled && run());
      return b;
    };
    this.element.append(
      el('h3', { class: 'details-path', text: printableName(d.path) }),
      el('dl', {}, ...facts.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v })])),
      el('ol', { class: 'history', 'aria-label': 'History' }, ...d.history.map((line) => el('li', { text: printableName(line) }))),
      el(
        'div',
        { class: 'actions' },
        button('Open', 'Enter', d.canOpen, () => this.actions.open(d)),
        button('Compare with Previous Version', 'D', d.canCompare, () => this.actions.compare(d)),
        button('Copy Path', 'Ctrl+C', true, () => this.actions.copyPath(d)),
        button('Explain This Layer', 'E', true, () => this.actions.explain(d)),
      ),
    );
  }
}

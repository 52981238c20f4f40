// The selected file's details: path, type, size, mode, owner, link target, its history across the stack, actions.
import type { FileDetails } from '../src/explorer/protocol';
import { clear, el, formatBytes, icon, printableName } from './dom';

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
      ['Size', `${formatBytes(d.size)} (${d.size.toLocaleString('en')} bytes${d.type === 'dir' ? ', the files below it' : ''})`],
      ['Mode', d.mode],
      ['Owner', d.owner],
    ];
    // The packages whose database lists the file (usually one; dpkg diversions or pip over dpkg make two).
    for (const owner of d.owners ?? []) facts.push(['Package', printableName(owner)]);
    if (d.linkTarget !== undefined) facts.push(['Link target', printableName(d.linkTarget)]);
    // Where the link really leads inside the image (symlinks followed), or why it leads nowhere.
    if (d.type === 'symlink') facts.push(['Leads to', d.open.target !== undefined ? printableName(d.open.target) : d.open.title]);
    if (d.below) facts.push(['Changes below', d.below]);
    const button = (label: string, key: string, enabled: boolean, run: () => void, why?: string) => {
      const title = why ? `${why} (${key})` : `${label} (${key})`;
      const b = el('vscode-button', { secondary: true, disabled: !enabled, title, text: label });
      b.addEventListener('click', () => enabled && run());
      // A disabled button gets no pointer events: its wrapper carries the reason as a tooltip.
      return el('span', { class: 'action', title }, b);
    };
    this.element.append(
      el('h3', { class: 'details-path', text: printableName(d.path) }),
      el('dl', {}, ...facts.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v })])),
      ...(d.security ?? []).map((mark) =>
        el('p', { class: `security-finding security-${mark.kind}`, role: 'note' }, icon(mark.kind === 'secret' ? 'key' : 'shield'), ` ${mark.kind === 'secret' ? 'Secret' : 'Setuid/setgid program'} (the version in #${mark.layer}): ${mark.title}`),
      ),
      el('ol', { class: 'history', 'aria-label': 'History' }, ...d.history.map((line) => el('li', { text: printableName(line) }))),
      el(
        'div',
        { class: 'actions' },
        button(d.open.label, 'Enter', d.open.enabled, () => this.actions.open(d), d.open.title),
        button(d.compare.label, 'D', d.compare.enabled, () => this.actions.compare(d), d.compare.title),
        button('Copy Path', 'Ctrl+C', true, () => this.actions.copyPath(d)),
        button('Explain This Layer', 'E', true, () => this.actions.explain(d)),
      ),
    );
  }
}

// The explorer's context menu: a role=menu list whose items can be disabled with a reason (the tooltip), driven
// by the keyboard like VS Code's menus (arrows skip disabled items, Home/End, Enter or Space, Escape or Tab
// closes). When it closes, for whatever reason, focus goes back to where it was opened from: the tree row.
import { el } from './dom';

export type MenuItem = { label: string; keybinding?: string; value: string; enabled?: boolean; title?: string } | { separator: true };

export class ContextMenu {
  readonly element = el('div', { class: 'menu', role: 'menu', hidden: true });
  private returnFocus?: HTMLElement;
  private onChoose?: (value: string) => void;

  constructor() {
    this.element.addEventListener('keydown', (e) => this.onKey(e));
    this.element.addEventListener('click', (e) => {
      const item = (e.target as Element).closest<HTMLElement>('[role="menuitem"]');
      if (item && item.getAttribute('aria-disabled') !== 'true') this.choose(item);
    });
    this.element.addEventListener('mousemove', (e) => {
      const item = (e.target as Element).closest<HTMLElement>('[role="menuitem"]');
      if (item && item !== document.activeElement) item.focus();
    });
    // VS Code's own webview menu (Cut, Copy, Paste) must not open over ours.
    this.element.addEventListener('contextmenu', (e) => e.preventDefault());
    document.addEventListener('mousedown', (e) => {
      if (this.isOpen && !this.element.contains(e.target as Node)) this.close(false);
    });
    this.element.addEventListener('focusout', (e) => {
      if (this.isOpen && !this.element.contains(e.relatedTarget as Node | null) && e.relatedTarget !== null) this.close(false);
    });
  }

  get isOpen(): boolean {
    return !this.element.hidden;
  }

  /** Shows the menu at (x, y), kept inside the window; `returnFocus` gets the focus back when it closes. */
  open(items: MenuItem[], x: number, y: number, returnFocus: HTMLElement, onChoose: (value: string) => void): void {
    this.returnFocus = returnFocus;
    this.onChoose = onChoose;
    this.element.replaceChildren(
      ...items.map((item) => {
        if ('separator' in item) return el('div', { class: 'menu-separator', role: 'separator' });
        const enabled = item.enabled ?? true;
        return el(
          'div',
          { class: 'menu-item', role: 'menuitem', tabindex: -1, 'data-value': item.value, 'aria-disabled': String(!enabled), title: item.title },
          el('span', { class: 'menu-label', text: item.label }),
          item.keybinding ? el('span', { class: 'menu-key', text: item.keybinding }) : undefined,
        );
      }),
    );
    this.element.hidden = false;
    const { width, height } = this.element.getBoundingClientRect();
    this.element.style.left = `${Math.max(0, Math.min(x, window.innerWidth - width - 4))}px`;
    this.element.style.top = `${Math.max(0, Math.min(y, window.innerHeight - height - 4))}px`;
    (this.items()[0] ?? this.element).focus();
  }

  /** Hides the menu; with `refocus`, focus returns to where it was opened from. */
  close(refocus = true): void {
    if (!this.isOpen) return;
    this.element.hidden = true;
    this.element.replaceChildren();
    if (refocus) this.returnFocus?.focus();
    this.returnFocus = undefined;
  }

  private items(): HTMLElement[] {
    return [...this.element.querySelectorAll<HTMLElement>('[role="menuitem"][aria-disabled="false"]')];
  }

  private choose(item: HTMLElement): void {
    const choose = this.onChoose;
    this.close();
    choose?.(item.dataset.value ?? '');
  }

  private onKey(e: KeyboardEvent): void {
    const items = this.items();
    const at = items.indexOf(document.activeElement as HTMLElement);
    switch (e.key) {
      case 'ArrowDown':
        items[(at + 1) % items.length]?.focus();
        break;
      case 'ArrowUp':
        items[(at - 1 + items.length) % items.length]?.focus();
        break;
      case 'Home':
        items[0]?.focus();
        break;
      case 'End':
        items[items.length - 1]?.focus();
        break;
      case 'Enter':
      case ' ':
        if (at >= 0) this.choose(items[at]);
        break;
      case 'Escape':
      case 'Tab':
        this.close();
        break;
      default:
        return;
    }
    e.preventDefault();
    e.stopPropagation();
  }
}

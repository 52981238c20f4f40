// DOM building for the explorer. Every piece of image data (file names, instructions, link targets) goes in as
// text (textContent / title), never as markup: a file named <img src=x onerror=…> shows literally.

type Attrs = Record<string, string | number | boolean | undefined>;

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs, ...children: (Node | string | undefined)[]): HTMLElementTagNameMap[K];
export function el(tag: string, attrs?: Attrs, ...children: (Node | string | undefined)[]): HTMLElement;
export function el(tag: string, attrs: Attrs = {}, ...children: (Node | string | undefined)[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (name === 'text') node.textContent = String(value);
    else if (name === 'class') node.className = String(value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== undefined) node.append(child); // strings become text nodes
  return node;
}

export function icon(name: string, extra = ''): HTMLElement {
  return el('span', { class: `codicon codicon-${name} ${extra}`.trim(), 'aria-hidden': 'true' });
}

export function clear(node: Element): void {
  node.replaceChildren();
}

// The CLI's own formatting, so numbers and escaped names read the same everywhere.
export { formatBytes, parseBytes, printablePath as printableName } from '../src/core/format';

// What the explorer's page (main.ts) and the compare mode's (compareMain.ts) both do at startup: report CSP
// violations, the filter's keys and controls, and the status line with its timings (on the body, for the e2e bench).
import { parseBytes } from './dom';

/** Counts each Content-Security-Policy violation on the body (the e2e tests read it) and tells the host. */
export function reportCspViolations(send: (command: { kind: 'cspViolation'; directive: string }) => void): void {
  document.addEventListener('securitypolicyviolation', (e) => {
    document.body.dataset.cspViolations = String(Number(document.body.dataset.cspViolations ?? 0) + 1);
    send({ kind: 'cspViolation', directive: e.violatedDirective });
  });
}

/** "/" focuses the filter (when not typing already; `beforeFocus` may first show it), Escape goes back to the tree. */
export function filterKeys(filterField: HTMLElement, tree: HTMLElement, beforeFocus?: () => void): void {
  document.addEventListener('keydown', (e) => {
    const typing = (e.target as Element).closest('vscode-textfield, input, textarea');
    if (e.key === '/' && !typing) {
      e.preventDefault();
      beforeFocus?.();
      filterField.focus();
    } else if (e.key === 'Escape' && typing) tree.focus();
  });
}

/**
 * The filter's controls: `apply` runs 150 ms after the last input (`typed`) or change (`picked`), with the minimum
 * size read from its field (0 when empty; the field marked invalid, and 0, when unreadable).
 */
export function watchFilter(controls: { typed: HTMLElement[]; picked: HTMLElement[]; minSize: HTMLElement & { value: string } }, apply: (minSize: number) => void): void {
  let timer = 0;
  const changed = () => {
    clearTimeout(timer);
    timer = window.setTimeout(() => {
      const minSize = controls.minSize.value.trim() ? parseBytes(controls.minSize.value) : 0;
      controls.minSize.toggleAttribute('invalid', minSize === undefined);
      apply(minSize ?? 0);
    }, 150);
  };
  for (const control of controls.typed) control.addEventListener('input', changed);
  for (const control of controls.picked) control.addEventListener('change', changed);
}

/** The line under the tree: how long the last load, expand or filter took, or what failed. */
export class StatusLine {
  constructor(readonly element: HTMLElement) {}

  /** Also sets data-last-<what>-ms on the body. */
  measure(what: 'load' | 'expand' | 'filter', ms: number, detail: string): void {
    const rounded = Math.round(ms);
    document.body.dataset[`last${what[0].toUpperCase()}${what.slice(1)}Ms`] = String(rounded);
    this.element.classList.remove('error');
    this.element.textContent = `${detail} · ${what === 'expand' ? 'expanded' : what === 'filter' ? 'filtered' : 'loaded'} in ${rounded} ms`;
  }

  fail(message: string): void {
    this.element.textContent = message;
    this.element.classList.add('error');
  }
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

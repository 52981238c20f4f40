// What the explorer's page (main.ts) and the compare mode's (compareMain.ts) both do at startup: report CSP
// violations, the filter's keys, and the status line with its timings (on the body, for the e2e bench).

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

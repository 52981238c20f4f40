// The two build histories side by side, aligned (src/core/compare/stepAlignment.ts): shared steps, changed ones,
// steps only one image has, each with its layer's size. The first step that is not the same is where the
// histories diverge; it is marked and scrolled to.
import type { StepAlignment, StepSide } from '../src/core/compare/comparison';
import { clear, el, formatBytes, printableName } from './dom';

const STATUS_LABEL: Record<StepAlignment['status'], string> = { same: 'same', changed: 'changed', onlyA: 'only in A', onlyB: 'only in B' };

export class CompareSteps {
  readonly element = el('div', { class: 'compare-steps', role: 'table', 'aria-label': 'Build steps of both images, aligned' });

  show(steps: StepAlignment[]): void {
    clear(this.element);
    const diverges = steps.findIndex((s) => s.status !== 'same');
    this.element.append(
      el('div', { class: 'compare-step compare-step-head', role: 'row' }, el('span', { role: 'columnheader', text: 'A' }), el('span', { role: 'columnheader', text: '' }), el('span', { role: 'columnheader', text: 'B' })),
    );
    steps.forEach((step, k) => {
      if (k === diverges) this.element.append(el('div', { class: 'compare-diverge', role: 'row', text: 'The histories diverge here' }));
      this.element.append(
        el(
          'div',
          { class: `compare-step step-${step.status}`, role: 'row', 'data-status': step.status, title: STATUS_LABEL[step.status] },
          side(step.a),
          el('span', { class: 'step-status', role: 'cell', text: step.status === 'same' ? '=' : step.status === 'changed' ? '≠' : step.status === 'onlyA' ? '−' : '+', 'aria-label': STATUS_LABEL[step.status] }),
          side(step.b),
        ),
      );
    });
  }
}

function side(s: StepSide | null): HTMLElement {
  if (!s) return el('span', { class: 'step-side step-absent', role: 'cell' });
  return el(
    'span',
    { class: 'step-side', role: 'cell', title: printableName(s.instruction) },
    el('span', { class: 'step-number', text: `#${s.index}` }),
    el('span', { class: 'step-instruction', text: printableName(s.instruction) }),
    el('span', { class: 'step-size', text: s.size === null ? '—' : formatBytes(s.size) }),
  );
}

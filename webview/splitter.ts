// The splitter between the layer list and the tree: drag it, or focus it and press the arrow keys. It resizes
// the first column of the page's grid (set through the CSSOM, which the Content-Security-Policy allows).
import { el } from './dom';

const MIN = 200;
const STEP = 24;

export function splitter(grid: HTMLElement, first: HTMLElement, onResize: (width: number) => void, initial?: number): HTMLElement {
  const bar = el('div', { class: 'splitter', role: 'separator', 'aria-orientation': 'vertical', 'aria-label': 'Resize the layer list', tabindex: 0 });
  const set = (width: number) => {
    const max = Math.max(MIN, grid.clientWidth - 320);
    const clamped = Math.round(Math.min(max, Math.max(MIN, width)));
    grid.style.gridTemplateColumns = `${clamped}px 5px minmax(0, 1fr)`;
    bar.setAttribute('aria-valuenow', String(clamped));
    onResize(clamped);
  };
  if (initial) requestAnimationFrame(() => set(initial));
  bar.addEventListener('pointerdown', (e) => {
    e.preventDefault();
    bar.setPointerCapture(e.pointerId);
    bar.classList.add('dragging');
    const start = e.clientX;
    const width = first.getBoundingClientRect().width;
    const move = (m: PointerEvent) => set(width + m.clientX - start);
    const up = () => {
      bar.classList.remove('dragging');
      bar.removeEventListener('pointermove', move);
      bar.removeEventListener('pointerup', up);
    };
    bar.addEventListener('pointermove', move);
    bar.addEventListener('pointerup', up);
  });
  bar.addEventListener('keydown', (e) => {
    const delta = e.key === 'ArrowLeft' ? -STEP : e.key === 'ArrowRight' ? STEP : 0;
    if (!delta) return;
    e.preventDefault();
    set(first.getBoundingClientRect().width + delta);
  });
  return bar;
}

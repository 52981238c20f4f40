// "+12.1 MB since the previous build": how a step's layer changed from the tag's previous image to the linked one,
// from the two histories aligned (src/core/compare/stepAlignment.ts). Plain data in, one phrase out (no vscode).
import type { StepAlignment } from '../core/compare/comparison';
import { formatBytes } from '../core/format';

/** The phrase for the linked image's step `stepIndex`; undefined when that step made no layer. */
export function sinceBuildText(steps: readonly StepAlignment[], stepIndex: number): string | undefined {
  const step = steps.find((s) => s.b?.index === stepIndex);
  if (!step?.b || step.b.size === null) return undefined;
  if (step.status === 'same') return 'same layer as the previous build';
  const before = step.a?.size ?? null;
  if (before === null) return `${signed(step.b.size)} since the previous build (a new step)`;
  return `${signed(step.b.size - before)} since the previous build`;
}

/** The byte difference of a step's layer (B − A), as `layerlens compare --json`'s steps give it; null where none. */
export function sinceBuildBytes(steps: readonly StepAlignment[], stepIndex: number): number | null {
  const step = steps.find((s) => s.b?.index === stepIndex);
  if (!step?.b || step.b.size === null) return null;
  return step.b.size - (step.a?.size ?? 0);
}

function signed(bytes: number): string {
  return `${bytes < 0 ? '−' : '+'}${formatBytes(Math.abs(bytes))}`;
}

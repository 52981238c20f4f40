// How two build histories line up. A weighted longest common subsequence over the steps: the same
// instruction with the same layer weighs most, then the same instruction, then the same Dockerfile keyword
// (so "RUN apt-get install x=1" → "RUN … x=2" reads as one changed step, not one removed and one added).
// Unmatched steps are only in A or only in B. Histories are short (dozens of steps), so O(n·m) is nothing.
import type { Step } from '../model/types';
import type { StepAlignment, StepSide } from './comparison';

export interface StepsOf {
  steps: Step[];
  diffIds: string[];
  layerSizes: number[];
}

/** Beyond this many cells the histories are matched position by position (no real image comes near). */
const MAX_CELLS = 4_000_000;

export function alignSteps(a: StepsOf, b: StepsOf): StepAlignment[] {
  const n = a.steps.length;
  const m = b.steps.length;
  const weight = (i: number, j: number) => matchWeight(a.steps[i], a.diffIds, b.steps[j], b.diffIds);
  const pairs: [number, number][] = [];
  if (n * m > MAX_CELLS) {
    for (let k = 0; k < Math.min(n, m); k++) if (weight(k, k) > 0) pairs.push([k, k]);
  } else {
    // best[i][j]: the heaviest matching of a[i..] and b[j..].
    const best = Array.from({ length: n + 1 }, () => new Float64Array(m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        const w = weight(i, j);
        best[i][j] = Math.max(best[i + 1][j], best[i][j + 1], w > 0 ? w + best[i + 1][j + 1] : 0);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      const w = weight(i, j);
      if (w > 0 && best[i][j] === w + best[i + 1][j + 1]) pairs.push([i++, j++]);
      else if (best[i][j] === best[i + 1][j]) i++;
      else j++;
    }
  }
  const result: StepAlignment[] = [];
  let i = 0;
  let j = 0;
  for (const [pi, pj] of [...pairs, [n, m] as [number, number]]) {
    while (i < pi) result.push({ status: 'onlyA', a: sideOf(a, a.steps[i++]), b: null });
    while (j < pj) result.push({ status: 'onlyB', a: null, b: sideOf(b, b.steps[j++]) });
    if (pi === n && pj === m) break;
    const sa = sideOf(a, a.steps[i++]);
    const sb = sideOf(b, b.steps[j++]);
    const same = sa.instruction === sb.instruction && sa.diffId === sb.diffId;
    result.push({ status: same ? 'same' : 'changed', a: sa, b: sb });
  }
  return result;
}

function matchWeight(sa: Step, diffIdsA: string[], sb: Step, diffIdsB: string[]): number {
  const layerA = sa.layerIndex === undefined ? undefined : diffIdsA[sa.layerIndex];
  const layerB = sb.layerIndex === undefined ? undefined : diffIdsB[sb.layerIndex];
  if (sa.instruction === sb.instruction) return layerA === layerB ? 4 : 3;
  // A step that made a layer is not the same step as a metadata-only one, whatever its keyword.
  if ((layerA === undefined) !== (layerB === undefined)) return 0;
  return keyword(sa.instruction) === keyword(sb.instruction) ? 1 : 0;
}

function keyword(instruction: string): string {
  return /^\S+/.exec(instruction)?.[0] ?? '';
}

function sideOf(of: StepsOf, step: Step): StepSide {
  const layer = step.layerIndex ?? null;
  return {
    index: step.index,
    instruction: step.instruction,
    layer,
    diffId: layer === null ? null : (of.diffIds[layer] ?? null),
    size: layer === null ? null : (of.layerSizes[layer] ?? null),
  };
}

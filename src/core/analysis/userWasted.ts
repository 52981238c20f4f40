// dive's user-wasted percent: wasted bytes ÷ the bytes of every layer but the first (wagoodman/dive
// image/analysis.go). Go divides floats, so waste over zero user bytes is +Inf, and dive's
// highestUserWastedPercent rule fails on it. 0 ÷ 0 is NaN in Go; Layerlens gives 0 (nothing wasted, nothing to
// fail). JSON has no Infinity: JSON.stringify writes null, so the --json outputs say "+Inf" and the cache's
// reader restores the value from the figures it derives from.
import type { ImageAnalysis } from './analysis';
import { formatPercent } from '../format';

export function userWastedRatio(wastedBytes: number, userBytes: number): number {
  if (userBytes > 0) return wastedBytes / userBytes;
  return wastedBytes > 0 ? Infinity : 0;
}

/** The ratio in the --json outputs: a number, or the string "+Inf" (as Go's strconv writes it). */
export type JsonRatio = number | '+Inf';

export function jsonRatio(ratio: number): JsonRatio {
  return ratio === Infinity ? '+Inf' : ratio;
}

/** "48.3 %", or "∞" when there is waste but no user bytes. */
export function formatUserWastedRatio(ratio: number): string {
  return ratio === Infinity ? '∞' : formatPercent(ratio);
}

/** The figure with what it is a share of, for a sentence or a table cell. */
export function describeUserWasted(ratio: number): string {
  return ratio === Infinity ? '∞ (waste, but no bytes above the first layer)' : `${formatPercent(ratio)} of all layers but the first`;
}

/**
 * For an analysis read back from JSON: true when its userWastedPercent is what its other figures give, a +Inf
 * (stored as null) being put back. False for anything else, such as an entry written before +Inf was computed.
 */
export function reviveUserWastedPercent(a: ImageAnalysis): boolean {
  const firstLayer = a.layers.length ? (a.layers[0] as { size?: unknown } | null)?.size : 0;
  if (typeof firstLayer !== 'number' || typeof a.wastedBytes !== 'number' || typeof a.totalSize !== 'number') return false;
  const ratio = userWastedRatio(a.wastedBytes, a.totalSize - firstLayer);
  const stored = a.userWastedPercent as number | null;
  if (!(stored === ratio || (stored === null && ratio === Infinity))) return false;
  a.userWastedPercent = ratio;
  return true;
}

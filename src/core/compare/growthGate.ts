// `compare --ci --max-growth 10MB | 5%`: B may be at most that much larger than A (image sizes as `compare`
// reports them). A shrink always passes; an empty A grown at all fails a ratio limit.
import type { GrowthGate, ImageComparison } from './comparison';

/** Bytes, or a ratio of A's size (5% = 0.05). */
export type GrowthLimit = { bytes: number } | { ratio: number };

export function evaluateGrowthGate(comparison: Omit<ImageComparison, 'ci'>, limit: GrowthLimit, listed = 10): GrowthGate {
  const growth = comparison.sizeDelta;
  const growthRatio = comparison.a.size > 0 ? growth / comparison.a.size : null;
  const pass =
    growth <= 0 ||
    ('bytes' in limit ? growth <= limit.bytes : growthRatio !== null && growthRatio <= limit.ratio);
  return {
    pass,
    limit: { bytes: 'bytes' in limit ? limit.bytes : null, ratio: 'ratio' in limit ? limit.ratio : null },
    growth,
    growthRatio,
    biggestGrowths: comparison.directories.filter((d) => d.delta > 0).slice(0, listed),
  };
}

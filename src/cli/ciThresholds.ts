// The limits of `analyze --ci`, read the way dive reads its `.dive-ci` values and flags
// (wagoodman/dive cmd/dive/cli/internal/command/ci/rules.go):
// - "disabled", "off", "false" or an empty value (any case, spaces around) skip the rule;
// - lowestEfficiency and highestUserWastedPercent are ratios from 0 to 1; dive refuses anything outside.
//   Layerlens also takes a percentage ("90%" = 0.9), held to the same range;
// - highestWastedBytes is a size as go-humanize parses it ("20MB", "20Mb" = 20,000,000 B, "1 MiB").
// A value dive refuses is one sentence and exit 2, before the image is read.
import { LayerlensError } from '../core/errors';
import { parseBytes } from '../core/format';
import type { CiLimits } from '../core/reports/imageReports';

/** dive's defaults: efficiency at least 0.9, user waste at most 0.1, wasted bytes not checked. */
export const CI_DEFAULTS: Readonly<CiLimits> = { lowestEfficiency: 0.9, highestWastedBytes: undefined, highestUserWastedPercent: 0.1 };

export interface CiThresholdFlags {
  'lowest-efficiency'?: string;
  'highest-wasted-bytes'?: string;
  'highest-user-wasted-percent'?: string;
}

export function ciLimits(flags: CiThresholdFlags): CiLimits {
  return {
    lowestEfficiency: ratioLimit(flags['lowest-efficiency'], '--lowest-efficiency', CI_DEFAULTS.lowestEfficiency),
    highestWastedBytes: sizeLimit(flags['highest-wasted-bytes'], '--highest-wasted-bytes'),
    highestUserWastedPercent: ratioLimit(flags['highest-user-wasted-percent'], '--highest-user-wasted-percent', CI_DEFAULTS.highestUserWastedPercent),
  };
}

/** dive's isRuleDisabled. */
export function disablesRule(text: string): boolean {
  return ['', 'disabled', 'off', 'false'].includes(text.trim().toLowerCase());
}

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;

/** A ratio from 0 to 1 ("0.9", "9e-1") or a percentage from 0 % to 100 % ("90%"); undefined when disabled. */
export function ratioLimit(text: string | undefined, flag: string, fallback?: number): number | undefined {
  if (text === undefined) return fallback;
  if (disablesRule(text)) return undefined;
  const value = text.trim();
  const percent = value.endsWith('%');
  const number = percent ? value.slice(0, -1).trim() : value;
  const ratio = DECIMAL.test(number) ? Number(number) / (percent ? 100 : 1) : NaN;
  if (!Number.isFinite(ratio)) {
    throw new LayerlensError(`${flag} must be a ratio from 0 to 1 such as 0.9, a percentage such as 90%, or off; "${text}" is none of these.`, 'bad-input');
  }
  if (ratio < 0 || ratio > 1) {
    throw new LayerlensError(`${flag} ${text} is outside the range dive allows, 0 to 1 (0% to 100%).`, 'bad-input');
  }
  return ratio;
}

/** A size such as 20MB; undefined when not given or disabled. */
export function sizeLimit(text: string | undefined, flag: string): number | undefined {
  if (text === undefined || disablesRule(text)) return undefined;
  const bytes = parseBytes(text);
  if (bytes === undefined) throw new LayerlensError(`${flag} must be a size such as 20MB, or off; "${text}" is not one.`, 'bad-input');
  return bytes;
}

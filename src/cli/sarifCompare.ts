// `compare --ci --format sarif`: the growth gate as one SARIF rule, with one result when B grew beyond the limit,
// located on B (the image being judged), naming the directories that grew most.
import type { GrowthGate } from '../core/compare';
import { formatBytes, formatPercent, printablePath } from '../core/format';
import { sarifLog, type CheckRule, type SarifLog } from '../core/reports/sarif';
import { SARIF_TOOL } from './sarifTool';

export interface GrowthRule {
  /** `max-growth`, or the id of the .layerlens.yaml rule the limit came from. */
  id: string;
  message?: string;
}

export function compareSarif(gate: GrowthGate, rule: GrowthRule, refA: string, refB: string): SarifLog {
  const limit = gate.limit.bytes !== null ? formatBytes(gate.limit.bytes) : formatPercent(gate.limit.ratio ?? 0);
  const checkRule: CheckRule = {
    id: rule.id,
    title: 'Image growth',
    explanation: rule.message ?? `The image compared may be at most ${limit} larger than the one it is compared with.`,
  };
  if (gate.pass) return sarifLog(SARIF_TOOL, [checkRule], []);
  const ratio = gate.growthRatio === null ? '' : ` (${formatPercent(gate.growthRatio)})`;
  const biggest = gate.biggestGrowths.slice(0, 5).map((d) => `${printablePath(d.path)} +${formatBytes(d.delta)}`);
  const message = `${refB} is ${formatBytes(gate.growth)}${ratio} larger than ${refA}, beyond the limit of ${limit}${biggest.length ? `; it grew most in ${biggest.join(', ')}` : ''}.`;
  return sarifLog(SARIF_TOOL, [checkRule], [
    {
      ruleId: rule.id,
      level: 'error',
      message,
      location: { kind: 'image', reference: refB },
      properties: { a: refA, b: refB, growth: gate.growth, growthRatio: gate.growthRatio, limit: gate.limit, biggestGrowths: gate.biggestGrowths },
    },
  ]);
}

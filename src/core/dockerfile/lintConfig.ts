// hadolint's configuration, applied to Layerlens' findings (src/Hadolint/Lint.hs, app/Main.hs): `ignored` rules
// are dropped; `override` sets a rule's severity (error, warning, info or style; a rule listed under several
// takes the strongest, as hadolint applies style, info, warning, then error); `failure-threshold` decides the
// exit code: a finding at that severity or a stronger one fails. Severities map one to one, style = hint.
// Works for every rule id: DL rules, Layerlens' LL rules, BuildKit check names.
import type { Finding, Severity } from './rules/types';

export const HADOLINT_SEVERITIES = ['error', 'warning', 'info', 'style'] as const;
export type HadolintSeverity = (typeof HADOLINT_SEVERITIES)[number];
/** hadolint's threshold values: "ignore" and "none" make any finding fail. */
export const FAILURE_THRESHOLDS = [...HADOLINT_SEVERITIES, 'ignore', 'none'] as const;
export type FailureThreshold = (typeof FAILURE_THRESHOLDS)[number];

export interface LintConfig {
  ignored: string[];
  override: Partial<Record<HadolintSeverity, string[]>>;
  /** Unset: Layerlens' own rule, exit 1 on a warning or an error. */
  failureThreshold?: FailureThreshold;
  /** hadolint's `no-fail`: exit 0 whatever is found. */
  noFail?: boolean;
  /** hadolint's `disable-ignore-pragma`: inline `# hadolint ignore=` comments count for nothing. */
  disableIgnorePragma?: boolean;
}

const TO_LAYERLENS: Record<HadolintSeverity, Severity> = { error: 'error', warning: 'warning', info: 'info', style: 'hint' };
/** hadolint's order: error < warning < info < style < ignore; smaller is stronger. */
const RANK: Record<FailureThreshold, number> = { error: 0, warning: 1, info: 2, style: 3, ignore: 4, none: 4 };
const RANK_OF: Record<Severity, number> = { error: 0, warning: 1, info: 2, hint: 3 };

export function applyLintConfig(findings: Finding[], config: LintConfig): Finding[] {
  const ignored = new Set(config.ignored);
  const severityOf = new Map<string, Severity>();
  for (const level of [...HADOLINT_SEVERITIES].reverse()) for (const id of config.override[level] ?? []) severityOf.set(id, TO_LAYERLENS[level]);
  return findings.filter((f) => !ignored.has(f.ruleId)).map((f) => (severityOf.has(f.ruleId) ? { ...f, severity: severityOf.get(f.ruleId)! } : f));
}

/** Whether `lint` exits 1: hadolint's rule when a threshold is configured, else a warning or an error fails. */
export function lintFails(findings: readonly Finding[], config?: LintConfig): boolean {
  if (config?.noFail) return false;
  const threshold = RANK[config?.failureThreshold ?? 'warning'];
  return findings.some((f) => RANK_OF[f.severity] <= threshold);
}

// `analyze --ci --format sarif`: the rules that failed and every layer's findings as SARIF results. A finding sits
// on the Dockerfile line that made its layer when --dockerfile names the file the image was built from;
// otherwise on the image reference, with the layer and the paths in the message and the properties.
// Rule failures are about the whole image: on the FROM line of the target stage, or the image.
import type { Finding as ExplainFinding, LayerExplanation } from '../core/explain/explanation';
import { formatBytes, formatPercent, printablePath } from '../core/format';
import type { CiRuleResult } from '../core/reports/imageReports';
import { CI_RULES, findingLevel, findingRules } from '../core/reports/ruleCatalog';
import { sarifLog, type CheckLocation, type CheckResult, type CheckRule, type SarifLog } from '../core/reports/sarif';
import { formatUserWastedRatio } from '../core/analysis/userWasted';
import { evidenceLabel } from '../core/explain/findings/packageFindings';
import { SARIF_TOOL } from './sarifTool';

/** A line of the Dockerfile the image was built from. */
export interface DockerfileLine {
  file: string;
  /** 1-based. */
  line: number;
}

export interface ImageChecks {
  /** The image as the user named it. */
  reference: string;
  /** dive's rules as evaluated (passing ones give no result). */
  ciRules: readonly CiRuleResult[];
  /** Every layer's explanation, base first. */
  explanations: readonly LayerExplanation[];
  /** The secrets of the image config and history (core/secrets/buildSecretFindings.ts): one result per setting. */
  buildSecrets?: readonly ExplainFinding[];
  /** With --dockerfile: the line of a build step (by its index in the history). */
  lineOfStep?: (step: number) => DockerfileLine | undefined;
  /** With --dockerfile: the line that made a layer (undefined for base-image layers and changed lines). */
  lineOfLayer?: (layer: number) => DockerfileLine | undefined;
  /** With --dockerfile: where image-wide results go (the target stage's FROM line). */
  imageLine?: DockerfileLine;
  /** More checks made outside (the policy's rules), with their rule entries. */
  extra?: { rules: readonly CheckRule[]; results: readonly CheckResult[] };
}

/** How many paths a message names before "and N more" (the properties list them all, up to the evidence cap). */
const PATHS_IN_MESSAGE = 5;

export function imageSarif(checks: ImageChecks): SarifLog {
  const results: CheckResult[] = [];
  const imageWide = imageWideLocation(checks);
  for (const rule of checks.ciRules) {
    if (rule.pass) continue;
    results.push({ ruleId: rule.rule, level: 'error', message: ciRuleMessage(rule), location: imageWide, properties: { limit: rule.limit, actual: jsonNumber(rule.actual) } });
  }
  results.push(...(checks.extra?.results ?? []));
  // A layer's explanation already holds the build-metadata secrets of its own step: those are not said twice.
  const explained = new Set(checks.explanations.filter((e) => e.findings.some(isBuildSecret)).map((e) => e.step?.index));
  for (const finding of checks.buildSecrets ?? []) results.push(...buildSecretResults(checks, finding, (step) => explained.has(step)));
  for (const explanation of checks.explanations) {
    for (const finding of explanation.findings) results.push(findingResult(checks, explanation, finding));
  }
  return sarifLog(SARIF_TOOL, [...CI_RULES, ...(checks.extra?.rules ?? []), ...findingRules()], results);
}

export function imageWideLocation(checks: Pick<ImageChecks, 'reference' | 'imageLine'>): CheckLocation {
  return checks.imageLine ? { kind: 'file', path: checks.imageLine.file, line: checks.imageLine.line } : { kind: 'image', reference: checks.reference };
}

function findingResult(checks: ImageChecks, explanation: LayerExplanation, finding: ExplainFinding): CheckResult {
  const layer = explanation.layer;
  const paths = finding.evidence.map((e) => evidenceLabel(finding, e)); // a package by its name and version
  const more = finding.total.paths - Math.min(paths.length, PATHS_IN_MESSAGE);
  const named = paths.slice(0, PATHS_IN_MESSAGE).join(', ') + (more > 0 ? ` and ${more} more` : '');
  const step = explanation.step ? ` (build step ${explanation.step.index})` : '';
  const bytes = finding.total.bytes > 0 && finding.severity !== 'security' ? `, ${formatBytes(finding.total.bytes)}` : '';
  const message = `${plainText(finding.title)} Layer ${layer}${step}: ${named}${bytes}. ${plainText(finding.fix)}`;
  const line = checks.lineOfLayer?.(layer);
  const location: CheckLocation = line ? { kind: 'file', path: line.file, line: line.line } : { kind: 'image', reference: checks.reference, layer, path: finding.evidence[0]?.path };
  const properties: Record<string, unknown> = { image: checks.reference, layer, paths: finding.evidence.map((e) => e.path), totalPaths: finding.total.paths, totalBytes: finding.total.bytes };
  if (explanation.step) properties.step = explanation.step.index;
  if (finding.matchedBy) properties.matchedBy = finding.matchedBy;
  return { ruleId: finding.ruleId, level: findingLevel(finding.severity), message, location, properties };
}

/** Each setting on its own: code scanning then puts each on the ENV, ARG or RUN line that holds it. */
function buildSecretResults(checks: ImageChecks, finding: ExplainFinding, inLayerFindings: (step: number) => boolean): CheckResult[] {
  return finding.evidence.filter((e) => e.step === undefined || !inLayerFindings(e.step)).map((e) => {
    const line = e.step === undefined ? undefined : checks.lineOfStep?.(e.step);
    const location: CheckLocation = line ? { kind: 'file', path: line.file, line: line.line } : imageWideLocation(checks);
    const properties: Record<string, unknown> = { image: checks.reference, setting: e.path };
    if (e.step !== undefined) properties.step = e.step;
    if (e.variable !== undefined) properties.variable = e.variable;
    if (finding.matchedBy) properties.matchedBy = finding.matchedBy;
    return { ruleId: finding.ruleId, level: findingLevel(finding.severity), message: `${plainText(finding.title)} ${printablePath(e.path)}. ${plainText(finding.fix)}`, location, properties };
  });
}

export function ciRuleMessage(rule: CiRuleResult): string {
  switch (rule.rule) {
    case 'lowestEfficiency':
      return `Efficiency ${formatPercent(rule.actual)} is below the lowest allowed, ${formatPercent(rule.limit)} (dive's lowestEfficiency).`;
    case 'highestWastedBytes':
      return `${formatBytes(rule.actual)} wasted is above the highest allowed, ${formatBytes(rule.limit)} (dive's highestWastedBytes).`;
    case 'highestUserWastedPercent':
      return `${formatUserWastedRatio(rule.actual)} of the bytes above the base layer are wasted, above the highest allowed ${formatPercent(rule.limit)} (dive's highestUserWastedPercent).`;
  }
}

function isBuildSecret(finding: ExplainFinding): boolean {
  return finding.id === 'secret' && (finding.matchedBy === 'config' || finding.matchedBy === 'history');
}

/** Our finding texts may hold Markdown code spans; SARIF's text is plain. */
function plainText(text: string): string {
  return text.replace(/`([^`]*)`/g, '$1');
}

/** JSON has no Infinity: an infinite user-wasted ratio is "+Inf", as in --json. */
function jsonNumber(value: number): number | string {
  return Number.isFinite(value) ? value : '+Inf';
}

// `layerlens analyze <ref> --ci`: dive's rules (flags, else .dive-ci, else dive's defaults) and the rules of a
// Layerlens policy (.layerlens.yaml or --policy), in text, JSON or SARIF; exit 1 when a rule fails. SARIF also
// carries every layer's findings (sarifImage.ts); it and a policy need the whole image model, while dive's rules
// alone only need the analysis, which the cache can answer by itself.
import { analyzeImage } from '../core/analysis/analysis';
import { matchDockerfile } from '../core/dockerfile/match';
import { targetStage, type ParsedDockerfile } from '../core/dockerfile/parse';
import { LayerlensError } from '../core/errors';
import { explainLayers } from '../core/explain/explainLayer';
import { loadImagePackages } from '../core/packages/imagePackages';
import type { ImageModel } from '../core/model/imageModel';
import { buildSecretFindings } from '../core/secrets/buildSecretFindings';
import { imageDisplayName } from '../core/catalog/imageName';
import { analyzeReport, evaluateCiRules, type AnalyzeReport, type CiLimits } from '../core/reports/imageReports';
import { evaluatePolicy, type PolicyResult } from '../core/policy/evaluatePolicy';
import type { CheckLocation, CheckResult, CheckRule } from '../core/reports/sarif';
import { isPathReference, loadAnalysis, loadImage, type LoadOptions } from '../docker/imageLoader';
import { agreement, AUTO_LINK_MIN_SCORE } from '../dockerfile/imageRanking';
import type { CiThresholdFlags } from './ciThresholds';
import { ciLimitsWith, findDiveCi } from './diveCi';
import { renderAnalysis } from './humanOutput';
import { readDockerfile, unrelatedImage } from './lintCommand';
import { outputFormat } from './outputFormat';
import { findPolicy } from './policyFile';
import { imageSarif, imageWideLocation, type DockerfileLine, type ImageChecks } from './sarifImage';

export interface AnalyzeCiFlags extends CiThresholdFlags {
  json?: boolean;
  format?: string;
  /** The Dockerfile the image was built from: SARIF results go on its lines. */
  dockerfile?: string;
  target?: string;
  /** dive's rule file (default: .dive-ci in the working directory, if there is one). */
  'ci-config'?: string;
  /** A Layerlens policy (default: .layerlens.yaml in the working directory, if there is one). */
  policy?: string;
}

export interface AnalyzeCiRun {
  /** Wasted files listed in the text output. */
  top: number;
  /** Runs once the image is read (the progress line goes). */
  onLoaded?: () => void;
  write: (text: string) => void;
  /** One line for stderr (which rule file was used). */
  note: (text: string) => void;
}

export async function analyzeCiCommand(ref: string, flags: AnalyzeCiFlags, options: LoadOptions, run: AnalyzeCiRun): Promise<number> {
  // Every mistake in the options is refused before the image is read.
  const format = outputFormat(flags);
  const diveCi = await findDiveCi(flags['ci-config'], process.cwd());
  const limits: CiLimits = ciLimitsWith(flags, diveCi);
  if (diveCi) run.note(`CI rules from ${diveCi.path} (options on the command line override it).`);
  const dockerfile = flags.dockerfile === undefined ? undefined : await readDockerfile(flags.dockerfile);
  if (dockerfile) targetStage(dockerfile, flags.target);
  else if (flags.target !== undefined) throw new LayerlensError('--target names a stage of the --dockerfile; give --dockerfile too.', 'bad-input');

  const policy = await findPolicy(flags.policy, process.cwd());
  if (policy) run.note(`Policy from ${policy.path}.`);

  if (format === 'sarif' || policy) {
    const { model } = await loadImage(ref, options).finally(run.onLoaded);
    const analysis = analyzeImage(model);
    const ciRules = evaluateCiRules(analysis, limits);
    const packages = await loadImagePackages(model.data);
    const explanations = explainLayers(model, analysis, () => ({ packages }));
    const buildSecrets = buildSecretFindings(model.buildSecrets);
    const policyResults = policy ? evaluatePolicy(policy.policy, { model, analysis, layerFindings: explanations.map((e) => e.findings), buildFindings: buildSecrets }) : [];
    const pass = ciRules.every((r) => r.pass) && policyResults.every((r) => r.pass);
    if (format === 'sarif') {
      const checks: ImageChecks = { reference: ref, ciRules, explanations, buildSecrets };
      if (dockerfile) Object.assign(checks, dockerfileLines(flags.dockerfile!, dockerfile, model, ref, flags.target));
      checks.extra = policySarif(policyResults, checks);
      run.write(JSON.stringify(imageSarif(checks), null, 2));
    } else if (format === 'json') {
      const report: AnalyzeCiReport = analyzeReport(model, analysis, ciRules);
      report.ci = { ...report.ci!, pass, policy: policyResults };
      run.write(JSON.stringify(report, null, 2));
    } else {
      const name = imageDisplayName(model.data.id, model.data.repoTags, isPathReference(ref) ? undefined : ref);
      run.write([renderAnalysis(model, analysis, ciRules, run.top, name), ...renderPolicy(policyResults)].join('\n'));
    }
    return pass ? 0 : 1;
  }

  const { overview, analysis } = await loadAnalysis(ref, options).finally(run.onLoaded);
  const ci = evaluateCiRules(analysis, limits);
  const name = imageDisplayName(overview.data.id, overview.data.repoTags, isPathReference(ref) ? undefined : ref);
  run.write(format === 'json' ? JSON.stringify(analyzeReport(overview, analysis, ci), null, 2) : renderAnalysis(overview, analysis, ci, run.top, name));
  return ci.every((r) => r.pass) ? 0 : 1;
}

/** `analyze --ci --json` with a policy: `ci.policy` lists its rules' results, and `ci.pass` counts them. */
export type AnalyzeCiReport = Omit<AnalyzeReport, 'ci'> & { ci: (NonNullable<AnalyzeReport['ci']> & { policy?: PolicyResult[] }) | null };

/** How many violations of one rule the text lists. */
const VIOLATIONS_SHOWN = 10;

function renderPolicy(results: readonly PolicyResult[]): string[] {
  if (!results.length) return [];
  const lines = [''];
  for (const r of results) {
    lines.push(`${r.pass ? 'PASS' : 'FAIL'}  policy ${r.id}: ${r.message}${r.pass ? '' : ` (${r.total} violation${r.total === 1 ? '' : 's'})`}`);
    for (const v of r.violations.slice(0, VIOLATIONS_SHOWN)) lines.push(`        ${v.message}`);
    if (r.total > VIOLATIONS_SHOWN) lines.push(`        … and ${r.total - VIOLATIONS_SHOWN} more`);
  }
  lines.push(results.every((r) => r.pass) ? 'Policy: all rules pass.' : 'Policy: some rules fail.');
  return lines;
}

/** Each violation a SARIF result under its rule's id, on the Dockerfile line of its layer or step when there is one. */
function policySarif(results: readonly PolicyResult[], checks: ImageChecks): ImageChecks['extra'] {
  const rules: CheckRule[] = results.map((r) => ({ id: r.id, title: r.message, explanation: `A rule of the Layerlens policy (${r.kind}).` }));
  const sarifResults: CheckResult[] = results.flatMap((r) =>
    r.violations.map((v) => {
      const line = v.layer !== undefined ? checks.lineOfLayer?.(v.layer) : v.step !== undefined ? checks.lineOfStep?.(v.step) : undefined;
      const location: CheckLocation = line
        ? { kind: 'file', path: line.file, line: line.line }
        : v.layer !== undefined || v.path !== undefined
          ? { kind: 'image', reference: checks.reference, layer: v.layer, path: v.path }
          : imageWideLocation(checks);
      const properties: Record<string, unknown> = { image: checks.reference, policyKind: r.kind };
      if (v.layer !== undefined) properties.layer = v.layer;
      if (v.path !== undefined) properties.path = v.path;
      if (v.step !== undefined) properties.step = v.step;
      return { ruleId: r.id, level: 'error' as const, message: `${r.message} ${v.message}`, location, properties };
    }),
  );
  return { rules, results: sarifResults };
}

/** Where each layer's results go in the Dockerfile, as `lint --image` matches them; refused when the image is not from it. */
function dockerfileLines(file: string, dockerfile: ParsedDockerfile, model: ImageModel, ref: string, target: string | undefined): Pick<ImageChecks, 'lineOfLayer' | 'lineOfStep' | 'imageLine'> {
  const match = matchDockerfile(dockerfile, model.steps, { target });
  if (agreement(match) < AUTO_LINK_MIN_SCORE) throw new LayerlensError(unrelatedImage(file, ref, dockerfile, model.steps, match), 'bad-input');
  const byLayer = new Map<number, DockerfileLine>();
  const byStep = new Map<number, DockerfileLine>();
  for (const m of match.instructions) {
    if (m.status !== 'matched') continue;
    const line = { file, line: m.instruction.range.startLine + 1 };
    byStep.set(m.stepIndex, line);
    if (m.layerIndex !== undefined) byLayer.set(m.layerIndex, line);
  }
  return { lineOfLayer: (layer) => byLayer.get(layer), lineOfStep: (step) => byStep.get(step), imageLine: { file, line: match.stage.from.range.startLine + 1 } };
}

// `layerlens analyze <ref> --ci`: dive's rules (flags, else .dive-ci, else dive's defaults), in text, JSON or
// SARIF; exit 1 when a rule fails. SARIF also carries every layer's findings (sarifImage.ts), which needs the
// whole image model; text and JSON only need the analysis, which the cache can answer alone.
import { analyzeImage } from '../core/analysis';
import { matchDockerfile } from '../core/dockerfile/match';
import { targetStage, type ParsedDockerfile } from '../core/dockerfile/parse';
import { LayerlensError } from '../core/errors';
import { explainLayers } from '../core/explain/explainLayer';
import type { ImageModel } from '../core/imageModel';
import { buildSecretFindings } from '../core/secrets/buildSecretFindings';
import { imageDisplayName } from '../core/imageName';
import { analyzeReport, evaluateCiRules, type CiLimits } from '../core/reports';
import { isPathReference, loadAnalysis, loadImage, type LoadOptions } from '../docker/imageLoader';
import { agreement, AUTO_LINK_MIN_SCORE } from '../dockerfile/imageRanking';
import type { CiThresholdFlags } from './ciThresholds';
import { ciLimitsWith, findDiveCi } from './diveCi';
import { renderAnalysis } from './humanOutput';
import { readDockerfile, unrelatedImage } from './lintCommand';
import { outputFormat } from './outputFormat';
import { imageSarif, type DockerfileLine, type ImageChecks } from './sarifImage';

export interface AnalyzeCiFlags extends CiThresholdFlags {
  json?: boolean;
  format?: string;
  /** The Dockerfile the image was built from: SARIF results go on its lines. */
  dockerfile?: string;
  target?: string;
  /** dive's rule file (default: .dive-ci in the working directory, if there is one). */
  'ci-config'?: string;
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

  if (format === 'sarif') {
    const { model } = await loadImage(ref, options).finally(run.onLoaded);
    const analysis = analyzeImage(model);
    const ciRules = evaluateCiRules(analysis, limits);
    const checks: ImageChecks = { reference: ref, ciRules, explanations: explainLayers(model, analysis), buildSecrets: buildSecretFindings(model.buildSecrets) };
    if (dockerfile) Object.assign(checks, dockerfileLines(flags.dockerfile!, dockerfile, model, ref, flags.target));
    run.write(JSON.stringify(imageSarif(checks), null, 2));
    return ciRules.every((r) => r.pass) ? 0 : 1;
  }

  const { overview, analysis } = await loadAnalysis(ref, options).finally(run.onLoaded);
  const ci = evaluateCiRules(analysis, limits);
  const name = imageDisplayName(overview.data.id, overview.data.repoTags, isPathReference(ref) ? undefined : ref);
  run.write(format === 'json' ? JSON.stringify(analyzeReport(overview, analysis, ci), null, 2) : renderAnalysis(overview, analysis, ci, run.top, name));
  return ci.every((r) => r.pass) ? 0 : 1;
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

// `layerlens lint <Dockerfile> [--image <ref>] [--target <stage>] [--format text|json|sarif]`: the editor's
// Dockerfile rules for CI. Text: one line per finding, `file:line rule-id severity message` (line 1-based).
// JSON (--json): see LintReport. SARIF: sarifLint.ts.
// Exit 1 when a finding is a warning or worse, 2 when the file cannot be read or parsed, or --image names an image
// not built from it (thrown, one line).
import { readFile } from 'node:fs/promises';
import { analyzeImage } from '../core/analysis/analysis';
import { dockerfileFindings } from '../core/dockerfile/findings';
import { lintFails } from '../core/dockerfile/lintConfig';
import { matchDockerfile, type DockerfileMatch, type MatchableStep } from '../core/dockerfile/match';
import { parseDockerfile, targetStage, type ParsedDockerfile } from '../core/dockerfile/parse';
import type { Finding } from '../core/dockerfile/rules/index';
import type { TextEdit } from '../core/dockerfile/textEdits';
import { LayerlensError, messageOf } from '../core/errors';
import { explainLayers } from '../core/explain/explainLayer';
import { loadImagePackages } from '../core/packages/imagePackages';
import { loadImage, type LoadOptions } from '../docker/imageLoader';
// The editor's measure of "built from this Dockerfile" (pure code), so that the CLI and the editor agree.
import { agreement, AUTO_LINK_MIN_SCORE } from '../dockerfile/imageRanking';
import { findLintConfig, type FoundLintConfig } from './hadolintConfig';
import { outputFormat } from './outputFormat';
import { lintSarif } from './sarifLint';

type DockerfileSteps = readonly MatchableStep[];

export interface LintFlags {
  image?: string;
  target?: string;
  json?: boolean;
  format?: string;
  /** A hadolint configuration file (default: found where hadolint looks). */
  'lint-config'?: string;
}

/** The `--json` contract: fields may be added, never renamed or removed. */
export interface LintReport {
  findings: {
    /** 1-based line of the finding's start. */
    line: number;
    ruleId: string;
    severity: Finding['severity'];
    message: string;
    /** A quick fix, or null: text edits to apply together, ranges 0-based (VS Code / LSP positions). */
    fix: { title: string; edits: TextEdit[] } | null;
  }[];
  /** With --image: how the Dockerfile's target stage matches the image's build steps. */
  image?: { ref: string; id: string; matched: number; total: number; score: number; changedLines: number[] };
}

export interface LintResult {
  report: LintReport;
  /** For the text output: a sentence about the match with the image, if one was asked for. */
  note?: string;
  /** The findings themselves, with their ranges (for SARIF's columns). */
  findings: Finding[];
  /** The .hadolint.yaml applied, if any. */
  config?: FoundLintConfig;
}

/** Writes the report (stdout) and the note (stderr); returns the exit code. `onLoaded` runs once the image is read. */
export async function lintCommand(file: string, flags: LintFlags, options: LoadOptions, onLoaded?: () => void): Promise<number> {
  const format = outputFormat(flags);
  const { report, note, findings, config } = await lint(file, flags, options, onLoaded);
  if (config) process.stderr.write(`Lint configuration from ${config.path}.\n`);
  if (format === 'json') process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else if (format === 'sarif') {
    process.stdout.write(JSON.stringify(lintSarif(file, findings), null, 2) + '\n');
    if (note) process.stderr.write(`${note}\n`);
  } else {
    for (const f of report.findings) process.stdout.write(`${file}:${f.line} ${f.ruleId} ${f.severity} ${f.message}\n`);
    if (note) process.stderr.write(`${note}\n`);
  }
  return lintFails(findings, config?.config) ? 1 : 0;
}

export async function lint(file: string, flags: LintFlags, options: LoadOptions, onLoaded?: () => void): Promise<LintResult> {
  const dockerfile = await readDockerfile(file);
  targetStage(dockerfile, flags.target); // a RangeError sentence naming the stages, before any image is read
  const config = await findLintConfig(flags['lint-config'], process.cwd());
  let findings: Finding[];
  let image: LintReport['image'];
  let note: string | undefined;
  if (flags.image !== undefined) {
    const model = (await loadImage(flags.image, options).finally(onLoaded)).model;
    const match = matchDockerfile(dockerfile, model.steps, { target: flags.target });
    if (agreement(match) < AUTO_LINK_MIN_SCORE) throw new LayerlensError(unrelatedImage(file, flags.image, dockerfile, model.steps, match), 'bad-input');
    // The same findings the editor shows for this image (core/dockerfile/findings.ts), explanations included.
    const analysis = analyzeImage(model);
    const packages = await loadImagePackages(model.data);
    const explained = explainLayers(model, analysis, () => ({ packages })).map((e) => e.findings);
    findings = dockerfileFindings(dockerfile, { target: flags.target, image: { match, analysis, explained: (layer) => explained[layer] ?? [] }, config: config?.config });
    const changedLines = match.instructions.filter((m) => m.status === 'changed').map((m) => m.instruction.range.startLine + 1);
    image = { ref: flags.image, id: model.data.id, matched: match.matched, total: match.total, score: match.score, changedLines };
    note = matchNote(file, flags.image, match, changedLines);
  } else findings = dockerfileFindings(dockerfile, { target: flags.target, config: config?.config });
  const report: LintReport = {
    findings: findings.map((f) => ({ line: f.range.startLine + 1, ruleId: f.ruleId, severity: f.severity, message: f.message, fix: f.fix ?? null })),
  };
  if (image) report.image = image;
  return { report, note, findings, config };
}

export async function readDockerfile(file: string): Promise<ParsedDockerfile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : messageOf(error);
    throw new LayerlensError(`Cannot read ${file}: ${why}.`, 'bad-input');
  }
  const dockerfile = parseDockerfile(text);
  const problem = dockerfile.problems[0];
  if (problem) throw new LayerlensError(`${file}:${problem.line + 1}: ${problem.message}`, 'bad-input');
  return dockerfile;
}

/**
 * The image does not come from this Dockerfile (the editor would not link them either): its findings would be
 * about some other build. Names a stage that does match, when one does (the image was built with --target).
 */
export function unrelatedImage(file: string, ref: string, dockerfile: ParsedDockerfile, steps: DockerfileSteps, match: DockerfileMatch): string {
  const which = match.stage.name ? `stage "${match.stage.name}" of ${file}` : file;
  const otherStage = dockerfile.stages
    .filter((s) => s.name && s !== match.stage)
    .map((s) => ({ name: s.name!, score: agreement(matchDockerfile(dockerfile, steps, { target: s.name })) }))
    .filter((s) => s.score >= AUTO_LINK_MIN_SCORE)
    .sort((a, b) => b.score - a.score)[0];
  const hint = otherStage ? `; it matches stage "${otherStage.name}" (add --target ${otherStage.name})` : '';
  return `${ref} was not built from ${which}: only ${match.matched} of its ${match.total} instructions match the image's build steps${hint}.`;
}

function matchNote(file: string, ref: string, match: DockerfileMatch, changedLines: number[]): string {
  const which = match.stage.name ? `stage "${match.stage.name}" of ${file}` : file;
  const changed = changedLines.length ? `; line${changedLines.length > 1 ? 's' : ''} ${changedLines.join(', ')} changed since that build` : '';
  return `${ref} matches ${which} on ${match.matched} of ${match.total} instructions${changed}.`;
}

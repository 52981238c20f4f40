// The findings of a Dockerfile, with or without the image built from it: the one computation behind the
// editor's diagnostics and `layerlens lint`, so the two always agree.
//
// Where the image proves what a static rule only suspects, one diagnostic says both: LL2001 (this step deletes
// N bytes that earlier layers still ship) replaces LL1001 (`rm` of a path an earlier step added) on the same
// instruction, and LL2009 (copied again only to change owner or mode) replaces LL1003 (`chmod`/`chown` after
// COPY); each takes the static finding's place, on the command itself. Without the image, or on a line
// changed since the build, the static rule stays.
import type { ImageAnalysis } from '../analysis/analysis';
import type { Finding as ExplainFinding } from '../explain/explanation';
import { imageFindings } from './imageRules';
import { applyLintConfig, type LintConfig } from './lintConfig';
import type { DockerfileMatch } from './match';
import type { ParsedDockerfile } from './parse';
import { withoutIgnored } from './pragmas';
import { lintDockerfile, sortFindings } from './rules/index';
import type { Finding } from './rules/types';

export interface LinkedImage {
  /** The Dockerfile matched to the image's steps (for the same target). */
  match: DockerfileMatch;
  analysis: ImageAnalysis;
  /** Each layer's "Explain This Layer" findings. */
  explained: (layer: number) => readonly ExplainFinding[];
}

/** The image-backed rule that replaces a static one on the same instruction. */
const REPLACES: Readonly<Record<string, string>> = { LL2001: 'LL1001', LL2009: 'LL1003' };

/**
 * `target`: the stage built (default: the last; it must exist). Sorted by position. Inline pragmas
 * (`# hadolint ignore=…`, `# layerlens ignore=…`: pragmas.ts) silence their rules, in the editor and in `lint`
 * alike; `config` is a .hadolint.yaml (lintConfig.ts), which `lint` reads.
 */
export function dockerfileFindings(dockerfile: ParsedDockerfile, options: { target?: string; image?: LinkedImage; config?: LintConfig } = {}): Finding[] {
  const findings = allFindings(dockerfile, options);
  const shown = options.config?.disableIgnorePragma ? findings : withoutIgnored(dockerfile, findings);
  return options.config ? applyLintConfig(shown, options.config) : shown;
}

function allFindings(dockerfile: ParsedDockerfile, options: { target?: string; image?: LinkedImage }): Finding[] {
  const fromText = lintDockerfile(dockerfile, { target: options.target });
  if (!options.image || !dockerfile.stages.length) return fromText;
  const { match, analysis, explained } = options.image;
  return mergeFindings(dockerfile, fromText, imageFindings(dockerfile, match, analysis, { explained }));
}

/** Static and image-backed findings together, each image-backed one replacing the static rule it proves. */
export function mergeFindings(dockerfile: ParsedDockerfile, fromText: Finding[], fromImage: Finding[]): Finding[] {
  const replaced = new Set<Finding>();
  const merged = fromImage.map((finding) => {
    const staticId = REPLACES[finding.ruleId];
    const instruction = staticId && dockerfile.instructions.find((i) => i.range.startLine <= finding.range.startLine && finding.range.startLine <= i.range.endLine);
    if (!instruction) return finding;
    const same = fromText.filter((f) => f.ruleId === staticId && !replaced.has(f) && instruction.range.startLine <= f.range.startLine && f.range.startLine <= instruction.range.endLine);
    if (!same.length) return finding;
    same.forEach((f) => replaced.add(f));
    return { ...finding, range: same[0].range };
  });
  return sortFindings([...fromText.filter((f) => !replaced.has(f)), ...merged]);
}

// The Dockerfile half of Layerlens, as the editor and the CLI use it: parse, lint (static rules), match a
// Dockerfile to an image's build steps, and the image-backed findings on the matched lines (findings.ts: the one
// computation the editor's diagnostics and `layerlens lint` share). Pure: no vscode.
import { IMAGE_RULES, type ImageRule } from './imageRules';
import { STATIC_RULES, type StaticRule } from './rules/index';

export { isDockerfileName, parseDockerfile, stageChain, targetStage } from './parse';
export type { DockerfileInstruction, DockerfileStage, InstructionFlag, ParsedDockerfile } from './parse';
export { STATIC_RULES, lintDockerfile, ruleById, sortFindings } from './rules/index';
export type { Finding, QuickFix, Severity, StaticRule } from './rules/index';
export { matchAtLine, matchDockerfile } from './match';
export type { DockerfileMatch, InstructionMatch, MatchableStep } from './match';
export { IMAGE_RULES, deletedBytesByLayer, imageFindings } from './imageRules';
export type { ImageRule } from './imageRules';
export { dockerfileFindings, mergeFindings } from './findings';
export type { LinkedImage } from './findings';
export { applyEdits } from './textEdits';
export type { TextEdit, TextPosition, TextRange } from './textEdits';

/** Any rule's table entry (static or image-backed), for hovers and diagnostics' explanations. */
export function ruleInfo(id: string): StaticRule | ImageRule | undefined {
  return STATIC_RULES.find((r) => r.id === id) ?? IMAGE_RULES.find((r) => r.id === id);
}

// The static rules (no image needed) and how to run them.
import { stageChain, targetStage, type ParsedDockerfile } from '../parse';
import { addInsteadOfCopy } from './addInsteadOfCopy';
import { apkNoCache } from './apkNoCache';
import { aptListsRemoved } from './aptListsRemoved';
import { aptNoRecommends } from './aptNoRecommends';
import { latestBaseImage, untaggedBaseImage } from './baseImageTag';
import { consecutiveChainedRuns, consecutiveRuns } from './consecutiveRuns';
import { contextCopyBeforeInstall } from './contextCopyBeforeInstall';
import { permissionsAfterCopy } from './permissionsAfterCopy';
import { pipNoCacheDir } from './pipNoCacheDir';
import { removeAddedEarlier } from './removeAddedEarlier';
import { secretsInArgOrEnv } from './secretsInArgOrEnv';
import type { Finding, RuleContext, StaticRule } from './types';

export type { Finding, QuickFix, RuleContext, Severity, StaticRule } from './types';

export const STATIC_RULES: readonly StaticRule[] = [
  untaggedBaseImage,
  latestBaseImage,
  aptListsRemoved,
  aptNoRecommends,
  apkNoCache,
  addInsteadOfCopy,
  pipNoCacheDir,
  consecutiveRuns,
  consecutiveChainedRuns,
  removeAddedEarlier,
  contextCopyBeforeInstall,
  permissionsAfterCopy,
  secretsInArgOrEnv,
];

export function ruleById(id: string): StaticRule | undefined {
  return STATIC_RULES.find((r) => r.id === id);
}

export function ruleContext(dockerfile: ParsedDockerfile, target?: string): RuleContext {
  const stage = targetStage(dockerfile, target);
  return { dockerfile, target: stage, shipping: new Set(stageChain(dockerfile, stage).map((s) => s.index)) };
}

/**
 * Runs the static rules over a parsed Dockerfile (one with `problems` gets findings only where it parsed).
 * Findings come sorted by position. `target` names the stage being built (default: the last); rules about
 * what ships (caches, deletions, chmod) only look at that stage and the stages it is built FROM.
 */
export function lintDockerfile(dockerfile: ParsedDockerfile, options: { target?: string; rules?: readonly StaticRule[] } = {}): Finding[] {
  if (!dockerfile.stages.length) return [];
  const context = ruleContext(dockerfile, options.target);
  const findings = (options.rules ?? STATIC_RULES).flatMap((rule) => rule.check(context));
  return sortFindings(findings);
}

export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort((a, b) => a.range.startLine - b.range.startLine || a.range.startCharacter - b.range.startCharacter || a.ruleId.localeCompare(b.ruleId));
}

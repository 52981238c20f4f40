// DL3006 and DL3007 (hadolint): a FROM without a tag, or with :latest, builds on whatever the registry
// serves that day, so two builds of the same Dockerfile may differ (and their layers are not shared).
import { baseImageOf } from '../baseImage';
import type { DockerfileStage } from '../parse';
import { rangeOf } from '../textEdits';
import { hadolintUrl, type Finding, type RuleContext, type StaticRule } from './types';

function imageRange(stage: DockerfileStage) {
  const start = stage.from.argumentsStart ?? { line: stage.from.range.startLine, character: stage.from.range.endCharacter };
  return rangeOf(start, { line: start.line, character: start.character + stage.baseImage.length });
}

function check(rule: StaticRule, context: RuleContext, wants: (tag: string | undefined) => boolean, message: (image: string) => string): Finding[] {
  const findings: Finding[] = [];
  for (const stage of context.dockerfile.stages) {
    const base = baseImageOf(context.dockerfile, stage);
    if (base.kind !== 'image' || base.resolved === undefined || base.digest || !wants(base.tag)) continue;
    findings.push({ ruleId: rule.id, severity: rule.severity, message: message(base.resolved), range: imageRange(stage) });
  }
  return findings;
}

export const untaggedBaseImage: StaticRule = {
  id: 'DL3006',
  severity: 'info',
  title: 'Tag the base image',
  explanation:
    'Without a tag, FROM takes :latest, which changes whenever the image is republished: builds stop being repeatable and share fewer layers. ' +
    'Name a version (or pin a digest).',
  url: hadolintUrl('DL3006'),
  check: (context) => check(untaggedBaseImage, context, (tag) => tag === undefined, (image) => `FROM ${image} has no tag, so it means whatever :latest is at build time.`),
};

export const latestBaseImage: StaticRule = {
  id: 'DL3007',
  severity: 'info',
  title: 'Do not build FROM :latest',
  explanation:
    ':latest changes whenever the image is republished: builds stop being repeatable and share fewer layers. Name a version (or pin a digest).',
  url: hadolintUrl('DL3007'),
  check: (context) => check(latestBaseImage, context, (tag) => tag === 'latest', (image) => `FROM ${image} follows :latest, which changes whenever the image is republished.`),
};

// The findings the editor shows for a Dockerfile, from plain data (no vscode): the static rules and, once the
// linked image is indexed, the image-backed ones, through the same computation as `layerlens lint --image`
// (core/dockerfile/findings.ts). DockerfileViews calls this; so does the test that holds editor and CLI equal.
import { dockerfileFindings, type DockerfileMatch, type Finding, type ParsedDockerfile } from '../core/dockerfile';
import type { ImageFacts } from './imageFacts';

/** The linked image's target stage, if the Dockerfile still has it (else the last stage, as the matcher does). */
export function knownTarget(parsed: ParsedDockerfile, target: string | undefined): string | undefined {
  if (target === undefined) return undefined;
  return parsed.stages.some((s) => s.name?.toLowerCase() === target.toLowerCase()) ? target : undefined;
}

export function linkedFindings(parsed: ParsedDockerfile, target: string | undefined, indexed?: { facts: ImageFacts; match: DockerfileMatch }): Finding[] {
  const stage = knownTarget(parsed, target);
  if (!indexed) return dockerfileFindings(parsed, { target: stage });
  const { facts, match } = indexed;
  return dockerfileFindings(parsed, { target: stage, image: { match, analysis: facts.analysis, explained: (layer) => facts.layers[layer]?.findings ?? [] } });
}

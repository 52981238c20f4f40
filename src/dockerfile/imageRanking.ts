// Which local image was built from this Dockerfile? Each candidate's history (list/inspect/history only, never
// an export) is matched against the Dockerfile's last stage and each named stage (a `--target` build), and the
// images are ranked by how well they agree with it: matched instructions over instructions plus the image's
// steps no instruction explains, so an image that merely starts like the Dockerfile ranks below one that is it.
// Ties go to the newest image. Plain data, no vscode.
import { matchDockerfile, type DockerfileMatch, type MatchableStep } from '../core/dockerfile/match';
import type { ParsedDockerfile } from '../core/dockerfile/parse';

/** Below this agreement an image is offered in the quick pick, but never linked automatically. */
export const AUTO_LINK_MIN_SCORE = 0.5;

export interface CandidateImage {
  id: string;
  /** Its tags ("repo:tag"); empty for an untagged image. */
  tags: string[];
  /** Seconds since the epoch, as the engine lists it. */
  created: number;
  size: number;
  steps: readonly MatchableStep[];
}

export interface RankedImage {
  id: string;
  tags: string[];
  created: number;
  size: number;
  /** 0..1: matched ÷ (instructions + unexplained steps). */
  score: number;
  matched: number;
  total: number;
  /** The stage it was built up to, when that is not the last one. */
  target?: string;
}

export function rankImages(dockerfile: ParsedDockerfile, candidates: readonly CandidateImage[]): RankedImage[] {
  if (!dockerfile.stages.length) return [];
  const targets = [undefined, ...dockerfile.stages.slice(0, -1).flatMap((s) => (s.name ? [s.name] : []))];
  const ranked = candidates.map((image) => {
    let best: RankedImage | undefined;
    for (const target of targets) {
      const match = matchDockerfile(dockerfile, image.steps, { target });
      const score = agreement(match);
      if (!best || score > best.score) {
        best = { id: image.id, tags: image.tags, created: image.created, size: image.size, score, matched: match.matched, total: match.total };
        if (target !== undefined) best.target = target;
      }
    }
    return best!;
  });
  return ranked.sort((a, b) => b.score - a.score || b.created - a.created);
}

/** How well a Dockerfile and an image agree, 0..1: matched ÷ (instructions + steps no instruction explains). */
export function agreement(match: DockerfileMatch): number {
  const outOf = match.total + match.unexplainedSteps.length;
  return outOf ? match.matched / outOf : 0;
}

/** The image to link without asking: the best one, if it agrees well enough. */
export function automaticLink(ranked: readonly RankedImage[]): RankedImage | undefined {
  const best = ranked[0];
  return best && best.score >= AUTO_LINK_MIN_SCORE ? best : undefined;
}

/** "100% match" */
export function matchPercent(score: number): string {
  return `${Math.floor(score * 100)}% match`;
}

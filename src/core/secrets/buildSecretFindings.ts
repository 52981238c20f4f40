// The `secret` findings of build metadata: one for what the image config holds (Env, Labels: `docker inspect`
// shows it), one for what only the build history records (build arguments, RUN lines: `docker history` shows
// it). The evidence names the setting and its step, never the value.
import { EVIDENCE_LIMIT, type Evidence, type Finding } from '../explain/explanation';
import { FINDING_RULES } from '../explain/findingRules';
import { byCount } from '../explain/wording';
import type { BuildSecret } from './buildSecrets';
import { SHAPE_NAMES } from './secretShapes';

const KEYWORDS = { env: 'ENV', arg: 'ARG', label: 'LABEL', run: 'RUN' } as const;

const TITLES = {
  config: (n: number) =>
    `${byCount(n, 'A secret is', 'Secrets are')} set in the image config (ENV or LABEL), where anyone who can pull the image reads ${byCount(n, 'it', 'them')} with \`docker inspect\`.`,
  history: (n: number) =>
    `${byCount(n, 'A secret is', 'Secrets are')} recorded in the build history (a build argument or a RUN line), where anyone who can pull the image reads ${byCount(n, 'it', 'them')} with \`docker history\`.`,
};

const FIXES = {
  config:
    'Rotate the exposed secret, then pass it when the container starts (`docker run -e` or `--env-file`, or a secrets store) instead of baking it into the image; a value only the build needs goes through `RUN --mount=type=secret` (`docker build --secret`).',
  history:
    'Rotate the exposed secret, then give it to the build with `RUN --mount=type=secret` (`docker build --secret id=…`) instead of an ARG or a literal in the RUN line: build arguments are recorded in the history of every image built with them.',
};

/**
 * What the evidence says of one secret: "ENV GITHUB_TOKEN", "ARG NPM_TOKEN", "ARG NPM_TOKEN in the RUN of
 * step 10" (a build argument as a RUN records it), "RUN of step 9 (a GitHub token)".
 */
export function secretSetting(secret: BuildSecret): string {
  if (secret.place === 'run' && secret.name !== null) return `ARG ${secret.name} in the RUN of step ${secret.step}`;
  if (secret.name !== null) return `${KEYWORDS[secret.place]} ${secret.name}`;
  const what = secret.shape ? ` (${SHAPE_NAMES[secret.shape]})` : '';
  return `${secret.keyword ?? KEYWORDS[secret.place]} of step ${secret.step}${what}`;
}

/** The findings of `secrets` (already filtered to a step, or all of an image's), config first. */
export function buildSecretFindings(secrets: readonly BuildSecret[]): Finding[] {
  return (['config', 'history'] as const).flatMap((matchedBy) => {
    const these = secrets.filter((s) => s.matchedBy === matchedBy).sort((a, b) => (a.step ?? -1) - (b.step ?? -1));
    if (!these.length) return [];
    const evidence: Evidence[] = these.map((s) => {
      const e: Evidence = { path: secretSetting(s), bytes: 0 };
      if (s.step !== null) e.step = s.step;
      if (s.name !== null) e.variable = s.name;
      return e;
    });
    const finding: Finding = {
      id: 'secret',
      ruleId: FINDING_RULES.secret.ruleId,
      severity: 'security',
      title: TITLES[matchedBy](these.length),
      evidence: evidence.slice(0, EVIDENCE_LIMIT),
      total: { paths: these.length, bytes: 0 },
      fix: FIXES[matchedBy],
      matchedBy,
    };
    return [finding];
  });
}

// Every rule Layerlens can report, as SARIF's tool.driver.rules wants them: the static Dockerfile rules (DL ids
// link to hadolint's wiki), the image-backed ones, the "Explain This Layer" findings and dive's three CI rules.
import { IMAGE_RULES } from '../dockerfile/imageRules';
import { STATIC_RULES } from '../dockerfile/rules/index';
import type { Severity as LintSeverity } from '../dockerfile/rules/types';
import type { Severity as FindingSeverity } from '../explain/explanation';
import { FINDING_RULES } from '../explain/findingRules';
import type { CheckRule, SarifLevel } from './sarif';

/** dive's README section on CI, where the three rules are described. */
const DIVE_CI_URI = 'https://github.com/wagoodman/dive#ci-integration';

export const CI_RULES: readonly CheckRule[] = [
  { id: 'lowestEfficiency', title: 'Image efficiency below the lowest allowed', explanation: "dive's rule: the image's efficiency (bytes the final filesystem uses ÷ bytes shipped) must be at least the limit.", helpUri: DIVE_CI_URI },
  { id: 'highestWastedBytes', title: 'Wasted bytes above the highest allowed', explanation: "dive's rule: the bytes shipped but not used by the final filesystem must stay at or below the limit.", helpUri: DIVE_CI_URI },
  { id: 'highestUserWastedPercent', title: 'Wasted share above the highest allowed', explanation: "dive's rule: wasted bytes ÷ the bytes above the base layer must stay at or below the limit.", helpUri: DIVE_CI_URI },
];

/** The Dockerfile rules, static and image-backed: what `lint` checks. */
export function lintRules(): CheckRule[] {
  return [
    ...STATIC_RULES.map((r) => ({ id: r.id, title: r.title, explanation: r.explanation, helpUri: r.url })),
    ...IMAGE_RULES.map((r) => ({ id: r.id, title: r.title, explanation: r.explanation })),
  ];
}

/** The "Explain This Layer" findings under their LL ids: what `analyze --ci` reports for each layer. */
export function findingRules(): CheckRule[] {
  return Object.values(FINDING_RULES).map((r) => ({ id: r.ruleId, title: r.title, explanation: `${r.title}: \`layerlens explain <image> --layer N\` shows the evidence and the fix.` }));
}

export function lintLevel(severity: LintSeverity): SarifLevel {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'note';
}

/** A security finding is an error in code scanning, a warning a warning, information a note. */
export function findingLevel(severity: FindingSeverity): SarifLevel {
  return severity === 'security' ? 'error' : severity === 'warning' ? 'warning' : 'note';
}

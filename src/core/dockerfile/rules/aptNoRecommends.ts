// DL3015 (hadolint): without --no-install-recommends, apt installs every "Recommends" package too,
// often doubling what the layer ships. ONBUILD RUNs count too.
import { hasWord, insertAfter, invocations, shellRuns, wordRange } from './runQueries';
import { hadolintUrl, type Finding, type StaticRule } from './types';

export const aptNoRecommends: StaticRule = {
  id: 'DL3015',
  severity: 'info',
  title: 'apt-get install --no-install-recommends',
  explanation:
    'apt installs the packages each package recommends unless told not to, and they are rarely needed in an image. ' +
    'Add `--no-install-recommends` and list what you really need.',
  url: hadolintUrl('DL3015'),
  check(context) {
    const findings: Finding[] = [];
    for (const run of shellRuns(context, { onbuild: true })) {
      for (const apt of invocations(run.script, ['apt-get', 'apt'], ['install'])) {
        const { command, program, subcommand } = apt;
        if (hasWord(command, '--no-install-recommends') || command.words.some((w) => /^APT::Install-Recommends=(?:false|0)$/i.test(w.value))) continue;
        findings.push({
          ruleId: aptNoRecommends.id,
          severity: aptNoRecommends.severity,
          message: `${program.value} install without --no-install-recommends also installs recommended packages.`,
          range: wordRange(run.script, program, subcommand),
          fix: { title: 'Add --no-install-recommends', edits: [insertAfter(run.script, subcommand!, ' --no-install-recommends')] },
        });
      }
    }
    return findings;
  },
};

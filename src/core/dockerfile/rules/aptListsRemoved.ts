// DL3009 (hadolint): `apt-get update`/`install` (or apt, aptitude) leaves the package lists (/var/lib/apt/lists, often 20–50 MB)
// in the layer unless the same RUN deletes them (a later RUN cannot, see LL1001) or a cache or tmpfs mount holds
// them. ONBUILD RUNs count too: they ship in the images built FROM this one.
import { appendCommand, mountKeepsOut, invocations, removes, shellRuns, wordRange } from './runQueries';
import { hadolintUrl, type Finding, type StaticRule } from './types';

const LISTS = '/var/lib/apt/lists';

export const aptListsRemoved: StaticRule = {
  id: 'DL3009',
  severity: 'info',
  title: 'Delete the apt lists in the same RUN',
  explanation:
    'apt-get update downloads package lists into /var/lib/apt/lists, and they stay in this layer unless the same RUN deletes them. ' +
    'End the RUN with `&& rm -rf /var/lib/apt/lists/*` (deleting them in a later RUN cannot make the image smaller).',
  url: hadolintUrl('DL3009'),
  check(context) {
    const findings: Finding[] = [];
    for (const run of shellRuns(context, { shippingOnly: true, onbuild: true })) {
      const apt = invocations(run.script, ['apt-get', 'apt', 'aptitude'], ['update', 'install']);
      if (!apt.length || removes(run.script, LISTS) || mountKeepsOut(run.instruction, LISTS)) continue;
      const fix = appendCommand(run, `rm -rf ${LISTS}/*`);
      findings.push({
        ruleId: aptListsRemoved.id,
        severity: aptListsRemoved.severity,
        message: `This RUN leaves the apt package lists in its layer; delete ${LISTS}/* in the same RUN.`,
        range: wordRange(run.script, apt[0].program, apt[0].subcommand),
        ...(fix ? { fix: { title: `Add "rm -rf ${LISTS}/*"`, edits: [fix] } } : {}),
      });
    }
    return findings;
  },
};

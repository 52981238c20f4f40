// DL3019 (hadolint): `apk add` keeps the package index in /var/cache/apk unless run with --no-cache (or a cache or
// tmpfs mount holds that directory). ONBUILD RUNs count too: they ship in the images built FROM this one.
import { mountKeepsOut, hasWord, insertAfter, invocations, removes, shellRuns, wordRange } from './runQueries';
import { hadolintUrl, type Finding, type StaticRule } from './types';

const CACHE = '/var/cache/apk';

export const apkNoCache: StaticRule = {
  id: 'DL3019',
  severity: 'info',
  title: 'apk add --no-cache',
  explanation:
    'apk add keeps the package index it downloads in /var/cache/apk, in this layer. ' +
    '`apk add --no-cache` fetches the index without keeping it (no need for `--update` or `rm -rf /var/cache/apk/*`).',
  url: hadolintUrl('DL3019'),
  check(context) {
    const findings: Finding[] = [];
    for (const run of shellRuns(context, { shippingOnly: true, onbuild: true })) {
      if (removes(run.script, CACHE) || mountKeepsOut(run.instruction, CACHE)) continue;
      for (const { command, program, subcommand } of invocations(run.script, ['apk'], ['add'])) {
        if (hasWord(command, '--no-cache')) continue;
        findings.push({
          ruleId: apkNoCache.id,
          severity: apkNoCache.severity,
          message: `apk add without --no-cache keeps the package index in ${CACHE}.`,
          range: wordRange(run.script, program, subcommand),
          fix: { title: 'Add --no-cache', edits: [insertAfter(run.script, subcommand!, ' --no-cache')] },
        });
      }
    }
    return findings;
  },
};

// DL3042 (hadolint): pip keeps every wheel it downloads in ~/.cache/pip unless told not to: --no-cache-dir, or
// PIP_NO_CACHE_DIR in its environment (ENV, inherited ENV, `export` earlier in the RUN, an assignment before
// the command), or a cache or tmpfs mount on the directory. Any value of PIP_NO_CACHE_DIR counts, falsy ones
// included, since pip turns the cache off for every boolean value. ONBUILD RUNs count too.
import { assignments, exportedNames } from '../shellCommands';
import { envNamesFor, hasWord, insertAfter, invocations, mountKeepsOut, shellRuns, wordRange } from './runQueries';
import { hadolintUrl, type Finding, type StaticRule } from './types';

export const pipNoCacheDir: StaticRule = {
  id: 'DL3042',
  severity: 'info',
  title: 'pip install --no-cache-dir',
  explanation:
    'pip keeps the wheels it downloads in /root/.cache/pip, and they ship in this layer. ' +
    'Add `--no-cache-dir` (or set `ENV PIP_NO_CACHE_DIR=1`, or use a `--mount=type=cache` for /root/.cache/pip).',
  url: hadolintUrl('DL3042'),
  check(context) {
    const findings: Finding[] = [];
    for (const run of shellRuns(context, { shippingOnly: true, onbuild: true })) {
      if (envNamesFor(context.dockerfile, run).has('PIP_NO_CACHE_DIR') || mountKeepsOut(run.instruction, '/root/.cache/pip')) continue;
      for (const { command, program, subcommand } of invocations(run.script, ['pip'], ['install'])) {
        if (hasWord(command, '--no-cache-dir') || assignments(command).has('PIP_NO_CACHE_DIR') || exportedNames(run.script.shell, command).has('PIP_NO_CACHE_DIR')) continue;
        findings.push({
          ruleId: pipNoCacheDir.id,
          severity: pipNoCacheDir.severity,
          message: `pip install without --no-cache-dir keeps the downloaded packages in /root/.cache/pip.`,
          range: wordRange(run.script, program, subcommand),
          fix: { title: 'Add --no-cache-dir', edits: [insertAfter(run.script, subcommand!, ' --no-cache-dir')] },
        });
      }
    }
    return findings;
  },
};

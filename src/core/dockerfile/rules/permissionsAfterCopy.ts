// LL1003 (Layerlens): chmod/chown in a RUN after the COPY that added the files rewrites every file it
// touches into a new layer (copy-up): the bytes ship twice. COPY --chown / --chmod set them in one go.
import { stageChain } from '../parse';
import { runScript } from '../runScript';
import { programIndex } from '../shellCommands';
import { resolvePath, walkChain } from '../stageWalk';
import { isUnder, pathsAddedBy, type AddedPath } from './addedPaths';
import { wordRange } from './runQueries';
import type { Finding, StaticRule } from './types';

const PROGRAMS = new Set(['chmod', 'chown', 'chgrp']);

export const permissionsAfterCopy: StaticRule = {
  id: 'LL1003',
  severity: 'info',
  title: 'chmod/chown after COPY',
  explanation:
    'Changing the owner or mode of copied files in a later RUN writes each of them again into a new layer, so their bytes ship twice. ' +
    'Set them while copying: `COPY --chown=user:group` (and `COPY --chmod=…` with BuildKit).',
  check({ dockerfile, target }) {
    const findings: Finding[] = [];
    const copied: AddedPath[] = [];
    for (const walked of walkChain(dockerfile, stageChain(dockerfile, target))) {
      const script = walked.instruction.keyword === 'RUN' ? runScript(dockerfile, walked.instruction) : undefined;
      for (const command of script?.shell.commands ?? []) {
        const p = programIndex(command);
        const program = p < 0 ? '' : command.words[p].value.replace(/^.*\//, '');
        if (!PROGRAMS.has(program)) continue;
        const args = command.words.slice(p + 1);
        const recursive = args.some((w) => /^-[a-zA-Z]*R/.test(w.value) || w.value === '--recursive');
        const operands = args.filter((w) => !w.value.startsWith('-'));
        const hasReference = args.some((w) => w.value.startsWith('--reference'));
        const paths = (hasReference ? operands : operands.slice(1)).map((w) => resolvePath(w.value, walked.state.workdir));
        const hit = [...copied].reverse().find((c) => paths.some((path) => path && (path === c.path || isUnder(path, c.path) || (recursive && isUnder(c.path, path)))));
        if (!hit) continue;
        const flag = program === 'chmod' ? '--chmod' : '--chown';
        findings.push({
          ruleId: permissionsAfterCopy.id,
          severity: permissionsAfterCopy.severity,
          message: `${program} of files the ${hit.keyword} on line ${hit.line + 1} added writes them again into this layer; use ${hit.keyword} ${flag} instead.`,
          range: wordRange(script!, command.words[p], command.words[command.words.length - 1]),
        });
      }
      if (walked.instruction.keyword === 'COPY' || walked.instruction.keyword === 'ADD') {
        // Here the whole destination counts, even for "COPY . /app": chmod of a file below it came from the COPY.
        copied.push(...pathsAddedBy(dockerfile, walked).map((a) => ({ ...a, subtree: true })));
      }
    }
    return findings;
  },
};

// LL1001 (Layerlens): an `rm` of a path an earlier step added only hides it. The bytes still ship in the
// earlier layer (a whiteout is added on top), so the image does not get smaller — often it is the opposite
// of what the author meant. Delete in the step that creates the files, or do not create them.
import { stageChain } from '../parse';
import { runScript } from '../runScript';
import { programIndex } from '../shellCommands';
import { resolvePath, walkChain } from '../stageWalk';
import { isUnder, pathsAddedBy, pathsAddedByCommands, type AddedPath } from './addedPaths';
import { wordRange } from './runQueries';
import type { Finding, StaticRule } from './types';

const GLOB = /[*?[]/;

/** Whether deleting `path` (maybe a glob) can hit something `added` put there. */
function hits(path: string, added: AddedPath): boolean {
  if (!GLOB.test(path)) return added.path === path || isUnder(added.path, path) || (added.subtree && isUnder(path, added.path));
  const base = path.slice(0, path.search(GLOB)).replace(/\/[^/]*$/, '') || '/';
  return isUnder(added.path, base) || (added.subtree && (added.path === base || isUnder(base, added.path)));
}

export const removeAddedEarlier: StaticRule = {
  id: 'LL1001',
  severity: 'info',
  title: 'rm of files an earlier step added',
  explanation:
    'Deleting a file that an earlier step added only hides it: its bytes still ship in the earlier layer, so the image does not get smaller. ' +
    'Delete files in the same RUN that creates them (or do not copy them in; see .dockerignore).',
  check({ dockerfile, target }) {
    const findings: Finding[] = [];
    const added: AddedPath[] = [];
    for (const walked of walkChain(dockerfile, stageChain(dockerfile, target))) {
      const script = walked.instruction.keyword === 'RUN' ? runScript(dockerfile, walked.instruction) : undefined;
      script?.shell.commands.forEach((command, k) => {
        const p = programIndex(command);
        if (p < 0 || command.words[p].value.replace(/^.*\//, '') !== 'rm') return;
        const ownEarlier = pathsAddedByCommands(script.shell.commands.slice(0, k), walked);
        const operands = command.words.slice(p + 1).filter((w) => !w.value.startsWith('-') && !/[$`]/.test(w.value));
        const removed: { path: string; by: AddedPath }[] = [];
        for (const operand of operands) {
          const path = resolvePath(operand.value, walked.state.workdir);
          if (!path || ownEarlier.some((a) => a.path === path || isUnder(path, a.path))) continue;
          const by = [...added].reverse().find((a) => hits(path, a));
          if (by) removed.push({ path, by });
        }
        if (!removed.length) return;
        const first = removed[0];
        const more = removed.length > 1 ? ` (and ${removed.length - 1} more)` : '';
        findings.push({
          ruleId: removeAddedEarlier.id,
          severity: removeAddedEarlier.severity,
          message: `rm cannot make the image smaller: ${first.path}${more} was added by the ${first.by.keyword} on line ${first.by.line + 1} and still ships in its layer.`,
          range: wordRange(script, command.words[p], command.words[command.words.length - 1]),
        });
      });
      added.push(...pathsAddedBy(dockerfile, walked));
    }
    return findings;
  },
};

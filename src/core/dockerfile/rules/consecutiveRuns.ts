// DL3059 (hadolint) and LL1004: each RUN makes a layer; consecutive shell-form RUNs with the same flags can be one,
// and files one of them deletes then never ship. hadolint's DL3059 flags only RUNs of one command each: where
// either chains commands (`&&`, `;`, a pipe), it assumes the split is deliberate. Layerlens flags those pairs
// too, as LL1004, so a pair gets one of the two ids. The fix joins the second to the first with ` && ` on a
// continuation line.
import type { DockerfileInstruction, ParsedDockerfile } from '../parse';
import { runScript } from '../runScript';
import { rangeOf, type TextEdit } from '../textEdits';
import { hadolintUrl, type Finding, type StaticRule } from './types';

function flagsKey(instruction: DockerfileInstruction): string {
  return instruction.flags.map((f) => `${f.name}=${f.value ?? ''}`).sort().join('\n');
}

/**
 * The merge edit, or undefined when merging could change what runs: heredocs, a comment at the end
 * of the first script (it would swallow the second), an operator `&&` cannot follow, or a second script that
 * is not a plain `&&`/`|` list (with `;` or `||` at its top level, a failing first RUN would no longer stop the build).
 */
function mergeEdit(dockerfile: ParsedDockerfile, first: DockerfileInstruction, second: DockerfileInstruction): TextEdit | undefined {
  const a = runScript(dockerfile, first);
  const b = runScript(dockerfile, second);
  if (!a || !b || first.heredocs.length || second.heredocs.length || !second.argumentsStart) return undefined;
  if (a.shell.hasComment || /[;&|]\s*$/.test(a.text)) return undefined;
  if (b.shell.operators.some((o) => o.depth === 0 && o.op !== '&&' && o.op !== '|')) return undefined;
  const comments: string[] = [];
  for (let line = first.range.endLine + 1; line < second.range.startLine; line++) {
    if (/^\s*#/.test(dockerfile.lines[line])) comments.push(dockerfile.lines[line] + dockerfile.eol);
  }
  return {
    range: rangeOf({ line: first.range.endLine, character: first.range.endCharacter }, second.argumentsStart),
    newText: ` ${dockerfile.escapeChar}${dockerfile.eol}${comments.join('')}    && `,
  };
}


/**
 * Commands the RUN runs, as hadolint counts them for DL3059: the simple commands of its `&&`/`;`/`|` lists,
 * and those in command substitutions (`$(…)`, backticks), which this shell reader keeps inside their words.
 */
function commandCount(dockerfile: ParsedDockerfile, run: DockerfileInstruction): number {
  const shell = runScript(dockerfile, run)?.shell;
  if (!shell) return 0;
  const words = shell.commands.flatMap((c) => [...c.words, ...c.redirections.flatMap((r) => (r.target ? [r.target] : []))]);
  return shell.commands.length + words.reduce((n, w) => n + (w.value.match(/\$\((?!\()|`[^`]*`/g)?.length ?? 0), 0);
}

/** Each shell-form RUN right after another with the same flags (comments between do not part them). */
function consecutivePairs(dockerfile: ParsedDockerfile): { first: DockerfileInstruction; second: DockerfileInstruction }[] {
  const pairs: { first: DockerfileInstruction; second: DockerfileInstruction }[] = [];
  for (const stage of dockerfile.stages) {
    stage.instructions.forEach((second, i) => {
      const first = stage.instructions[i - 1];
      if (!first || first.keyword !== 'RUN' || second.keyword !== 'RUN' || flagsKey(first) !== flagsKey(second)) return;
      // The exec form runs without a shell, often because there is none yet (FROM scratch): not mergeable.
      if (first.json || second.json) return;
      pairs.push({ first, second });
    });
  }
  return pairs;
}

function check(rule: StaticRule, dockerfile: ParsedDockerfile, wants: (chained: boolean) => boolean): Finding[] {
  return consecutivePairs(dockerfile)
    .filter(({ first, second }) => wants(commandCount(dockerfile, first) > 1 || commandCount(dockerfile, second) > 1))
    .map(({ first, second }) => {
      const edit = mergeEdit(dockerfile, first, second);
      return {
        ruleId: rule.id,
        severity: rule.severity,
        message: `This RUN follows another RUN (line ${first.range.startLine + 1}) and could be part of it, one layer instead of two.`,
        range: second.keywordRange,
        ...(edit ? { fix: { title: 'Merge with the RUN above', edits: [edit] } } : {}),
      };
    });
}

export const consecutiveRuns: StaticRule = {
  id: 'DL3059',
  severity: 'hint',
  title: 'Merge consecutive RUNs',
  explanation:
    'Every RUN adds a layer, and a file written by one RUN ships even if a later RUN deletes it. ' +
    'Consecutive RUNs of one command each and the same flags can be one RUN joined with `&&`.',
  url: hadolintUrl('DL3059'),
  check: ({ dockerfile }) => check(consecutiveRuns, dockerfile, (chained) => !chained),
};

export const consecutiveChainedRuns: StaticRule = {
  id: 'LL1004',
  severity: 'hint',
  title: 'Merge consecutive RUNs that chain commands',
  explanation:
    'Every RUN adds a layer, and a file written by one RUN ships even if a later RUN deletes it. ' +
    'Consecutive RUNs with the same flags can be one RUN joined with `&&`, also where one of them already chains commands (which DL3059 leaves alone).',
  check: ({ dockerfile }) => check(consecutiveChainedRuns, dockerfile, (chained) => chained),
};

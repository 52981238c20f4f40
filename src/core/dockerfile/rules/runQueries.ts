// Questions the rules ask about RUN instructions: which package-manager commands they run, which flags those
// carry, what cache and tmpfs mounts they have, what their environment holds, and how to point at or insert
// after a word of the script.
import { stageChain, type DockerfileInstruction, type DockerfileStage, type ParsedDockerfile } from '../parse';
import { runScript, type RunScript } from '../runScript';
import { programIndex, type ShellCommand, type ShellWord } from '../shellCommands';
import { insertAt, rangeOf, type TextEdit, type TextRange } from '../textEdits';
import type { RuleContext } from './types';

export interface RunInStage {
  /** The RUN itself; for `ONBUILD RUN`, the wrapped RUN. */
  instruction: DockerfileInstruction;
  stage: DockerfileStage;
  script: RunScript;
  /** The ONBUILD instruction registering this RUN: it runs in the images built FROM this stage, not in it. */
  onbuild?: DockerfileInstruction;
}

/**
 * The shell-form RUNs of the file (or of the stages that ship in the target image), in order. With `onbuild`,
 * also the RUNs that ONBUILD registers, in every stage: they run, and ship, in whatever image is built FROM
 * that stage's image, so what this build ships says nothing about them (hadolint checks them the same way).
 */
export function shellRuns(context: RuleContext, options: { shippingOnly?: boolean; onbuild?: boolean } = {}): RunInStage[] {
  const runs: RunInStage[] = [];
  for (const stage of context.dockerfile.stages) {
    const ships = !options.shippingOnly || context.shipping.has(stage.index);
    for (const instruction of stage.instructions) {
      const onbuild = instruction.keyword === 'ONBUILD' ? instruction : undefined;
      const run = onbuild ? (options.onbuild ? onbuild.trigger : undefined) : ships ? instruction : undefined;
      if (run?.keyword !== 'RUN') continue;
      const script = runScript(context.dockerfile, run);
      if (script) runs.push({ instruction: run, stage, script, ...(onbuild ? { onbuild } : {}) });
    }
  }
  return runs;
}

export interface Invocation {
  command: ShellCommand;
  program: ShellWord;
  /** The subcommand ("install", "add"), when one was asked for. */
  subcommand?: ShellWord;
}

/** Options of these programs that take a separate value, so the subcommand is found after them. */
const OPTIONS_WITH_VALUES: Record<string, string[]> = {
  'apt-get': ['-o', '-c', '-t', '--option', '--config-file', '--target-release'],
  apt: ['-o', '-c', '-t', '--option', '--config-file', '--target-release'],
  apk: ['-X', '--repository', '-p', '--root', '--arch', '--cache-dir', '--keys-dir', '--repositories-file'],
  aptitude: ['-o', '-t', '-F', '-w', '--target-release', '--display-format', '--width', '--sort'],
  pip: ['--log', '--proxy', '--retries', '--timeout', '--exists-action', '--trusted-host', '--cert', '--client-cert', '--cache-dir', '--python'],
};

/**
 * Commands of `script` running one of `programs` (by file name; `python -m pip` counts as pip) with one of
 * `subcommands` as the first word that is not an option.
 */
export function invocations(script: RunScript, programs: string[], subcommands: string[]): Invocation[] {
  const found: Invocation[] = [];
  for (const command of script.shell.commands) {
    let p = programIndex(command);
    if (p < 0) continue;
    let name = command.words[p].value.replace(/^.*\//, '');
    if (/^python[\d.]*$/.test(name) && command.words[p + 1]?.value === '-m' && command.words[p + 2]) {
      p += 2;
      name = command.words[p].value;
    }
    const canonical = /^pip[\d.]*$/.test(name) ? 'pip' : name;
    if (!programs.includes(canonical)) continue;
    const withValues = OPTIONS_WITH_VALUES[canonical] ?? [];
    let s = p + 1;
    while (s < command.words.length && command.words[s].value.startsWith('-')) s += withValues.includes(command.words[s].value) ? 2 : 1;
    const subcommand = command.words[s];
    if (subcommand && subcommands.includes(subcommand.value)) found.push({ command, program: command.words[p], subcommand });
  }
  return found;
}

export function hasWord(command: ShellCommand, ...values: string[]): boolean {
  return command.words.some((w) => values.includes(w.value));
}

/** Whether any `rm` of the script removes `path` (or a glob/descendant of it, e.g. "/var/lib/apt/lists/*"). */
export function removes(script: RunScript, path: string): boolean {
  return script.shell.commands.some((c) => {
    const p = programIndex(c);
    if (p < 0 || c.words[p].value.replace(/^.*\//, '') !== 'rm') return false;
    return c.words.slice(p + 1).some((w) => w.value === path || w.value.startsWith(path + '/'));
  });
}

/**
 * Targets of the RUN's `--mount=type=cache` and `--mount=type=tmpfs` flags: what such a mount holds during the
 * RUN is not written to the layer (a cache mount keeps it for the next build, a tmpfs drops it).
 */
export function scratchMountTargets(instruction: DockerfileInstruction): string[] {
  const targets: string[] = [];
  for (const flag of instruction.flags) {
    if (flag.name !== 'mount' || !flag.value) continue;
    const fields = new Map(flag.value.split(',').map((kv) => [kv.split('=')[0], kv.slice(kv.indexOf('=') + 1)] as [string, string]));
    if (fields.get('type') !== 'cache' && fields.get('type') !== 'tmpfs') continue;
    const target = fields.get('target') ?? fields.get('dst') ?? fields.get('destination');
    if (target) targets.push(target.replace(/\/+$/, ''));
  }
  return targets;
}

/** Whether a cache or tmpfs mount keeps `path` out of the layer (the mount is `path` or one of its parents). */
export function mountKeepsOut(instruction: DockerfileInstruction, path: string): boolean {
  return scratchMountTargets(instruction).some((t) => path === t || path.startsWith(t + '/'));
}

/**
 * Names in the environment of `run` through ENV (e.g. PIP_NO_CACHE_DIR): ENV earlier in its stage and in the
 * stages it is built FROM (an image inherits its base's ENV; a base stage's ONBUILD ENV runs in this one too).
 * An ONBUILD RUN runs in an image built FROM this stage's image, after the whole stage: it sees all of the
 * stage's ENV, and the ENV that ONBUILD registers before it.
 */
export function envNamesFor(dockerfile: ParsedDockerfile, run: RunInStage): Set<string> {
  const names = new Set<string>();
  const add = (env: DockerfileInstruction | undefined) => {
    if (env?.keyword !== 'ENV') return;
    for (const m of env.argumentsText.matchAll(/(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)(?==|\s)/g)) names.add(m[1]);
  };
  for (const stage of stageChain(dockerfile, run.stage)) {
    const own = stage === run.stage;
    let beforeRun = true;
    for (const instruction of stage.instructions) {
      if (own && (instruction === run.instruction || instruction === run.onbuild)) beforeRun = false;
      if (own && !run.onbuild && !beforeRun) break;
      add(instruction);
      if (!own || (run.onbuild && beforeRun)) add(instruction.trigger);
    }
  }
  return names;
}

export function wordRange(script: RunScript, first: ShellWord, last: ShellWord = first): TextRange {
  const end = script.positionAt(last.end - 1);
  return rangeOf(script.positionAt(first.start), { line: end.line, character: end.character + 1 });
}

/** Inserts `text` right after the last character of `word` (on the word's own line). */
export function insertAfter(script: RunScript, word: ShellWord, text: string): TextEdit {
  const last = script.positionAt(word.end - 1);
  return insertAt({ line: last.line, character: last.character + 1 }, text);
}

/**
 * Appends ` && <command>` at the end of a RUN, when that is safe: a shell-form script not run from a heredoc
 * whose text does not end in an operator (`;`, `&`, `|`) that `&&` cannot follow.
 */
export function appendCommand(run: RunInStage, command: string): TextEdit | undefined {
  if (run.script.fromHeredoc || run.instruction.heredocs.length) return undefined;
  if (/[;&|\\]\s*$/.test(run.script.text) || run.script.text.trim() === '') return undefined;
  const { endLine, endCharacter } = run.instruction.range;
  return insertAt({ line: endLine, character: endCharacter }, ` && ${command}`);
}

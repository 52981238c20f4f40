// Which paths an instruction adds to the image, as far as its text tells: COPY/ADD destinations, and for
// RUN the targets of redirections, touch/mkdir/cp/mv/ln, downloads and the package managers' caches.
// A guess from the text, never from the image: the image-backed rules (imageRules.ts) know for sure.
import { addSources } from './addInsteadOfCopy';
import type { ParsedDockerfile } from '../parse';
import { runScript } from '../runScript';
import { programIndex, type ShellCommand } from '../shellCommands';
import { resolvePath, type WalkedInstruction } from '../stageWalk';
import { expandWord, isKnown, segmentsText, splitWords } from '../variables';

export interface AddedPath {
  /** Absolute path. */
  path: string;
  /** Whether anything below `path` may have come from the same instruction (a copied directory, a cache). */
  subtree: boolean;
  keyword: string;
  /** 0-based line of the instruction. */
  line: number;
}

/** Caches package managers leave behind unless told not to (each rule has the flag that prevents it). */
const CACHES: [program: string, subcommands: string[], path: string][] = [
  ['apt-get', ['update', 'install'], '/var/lib/apt/lists'],
  ['apt', ['update', 'install'], '/var/lib/apt/lists'],
  ['apk', ['add', 'update'], '/var/cache/apk'],
  ['pip', ['install'], '/root/.cache/pip'],
  ['npm', ['install', 'ci', 'i'], '/root/.npm'],
];

export function isUnder(path: string, directory: string): boolean {
  return directory === '/' ? path !== '/' : path.startsWith(directory + '/');
}

/** The destination of a COPY/ADD, absolute; undefined when it depends on something unknown. */
export function copyDestination(dockerfile: ParsedDockerfile, walked: WalkedInstruction): string | undefined {
  const { instruction, state } = walked;
  const firstLine = instruction.heredocs.length ? instruction.argumentsText.split('\n')[0] : instruction.argumentsText;
  const words = instruction.json ?? splitWords(firstLine, dockerfile.escapeChar);
  const last = words[words.length - 1];
  if (!last) return undefined;
  const dest = instruction.json ? [{ literal: last }] : expandWord(last, state.scope, dockerfile.escapeChar);
  return isKnown(dest) ? resolvePath(segmentsText(dest), state.workdir) : undefined;
}

export function pathsAddedBy(dockerfile: ParsedDockerfile, walked: WalkedInstruction): AddedPath[] {
  const { instruction } = walked;
  const line = instruction.range.startLine;
  if (instruction.keyword === 'COPY' || instruction.keyword === 'ADD') {
    const path = copyDestination(dockerfile, walked);
    if (!path || path === '/') return [];
    // Copying the whole context ("COPY . /app") says nothing about what lies below the destination.
    const wide = addSources(instruction, dockerfile.escapeChar).some((s) => /^(?:\.\/?|\*|\.\/\*)$/.test(s));
    return [{ path, subtree: !wide, keyword: instruction.keyword, line }];
  }
  if (instruction.keyword !== 'RUN') return [];
  const script = runScript(dockerfile, instruction);
  return script ? pathsAddedByCommands(script.shell.commands, walked) : [];
}

/** Paths the given commands of a RUN script add. */
export function pathsAddedByCommands(commands: ShellCommand[], walked: WalkedInstruction): AddedPath[] {
  const added: AddedPath[] = [];
  const line = walked.instruction.range.startLine;
  const add = (raw: string | undefined, subtree: boolean) => {
    if (!raw || /[$`*?[]/.test(raw) || raw.startsWith('/dev/') || raw.startsWith('/proc/')) return;
    const path = resolvePath(raw, walked.state.workdir);
    if (path && path !== '/') added.push({ path, subtree, keyword: 'RUN', line });
  };
  for (const command of commands) {
    for (const r of command.redirections) if (/>/.test(r.op) && !/&$/.test(r.op)) add(r.target?.value, false);
    const p = programIndex(command);
    if (p < 0) continue;
    const program = command.words[p].value.replace(/^.*\//, '');
    const words = command.words.slice(p + 1).map((w) => w.value);
    const operands = words.filter((w) => !w.startsWith('-'));
    const optionValue = (...names: string[]) => {
      const i = words.findIndex((w) => names.includes(w));
      return i >= 0 ? words[i + 1] : words.find((w) => names.some((n) => n.startsWith('--') && w.startsWith(n + '=')))?.replace(/^[^=]*=/, '');
    };
    switch (program) {
      case 'touch':
      case 'mkdir':
        operands.forEach((o) => add(o, false));
        break;
      case 'cp':
      case 'mv':
      case 'ln':
      case 'install':
        if (operands.length >= 2) add(operands[operands.length - 1], true);
        break;
      case 'curl':
        add(optionValue('-o', '--output'), false);
        break;
      case 'wget':
        add(optionValue('-O', '--output-document'), false);
        add(optionValue('-P', '--directory-prefix'), true);
        break;
      case 'git':
        if (operands[0] === 'clone' && operands.length >= 3) add(operands[operands.length - 1], true);
        break;
      case 'tar':
        add(optionValue('-C', '--directory'), true);
        break;
      case 'unzip':
        add(optionValue('-d'), true);
        break;
    }
    const name = /^pip[\d.]*$/.test(program) ? 'pip' : program;
    const keepsNoCache = words.includes('--no-cache') || words.includes('--no-cache-dir');
    for (const [cacheProgram, subcommands, path] of CACHES) {
      if (name === cacheProgram && !keepsNoCache && operands.some((o) => subcommands.includes(o))) add(path, true);
    }
  }
  return added;
}


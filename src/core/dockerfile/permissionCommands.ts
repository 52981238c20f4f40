// Where in a RUN a file got its owner or mode: the `chmod`/`chown`/`chgrp` commands with the paths they name,
// so an image-backed finding about those bits (a setuid program, a copy made only to change owner or mode)
// can sit on that command rather than on the whole RUN.
import type { DockerfileInstruction, ParsedDockerfile } from './parse';
import { wordRange } from './rules/runQueries';
import { runScript } from './runScript';
import { programIndex } from './shellCommands';
import { resolvePath } from './stageWalk';
import type { TextRange } from './textEdits';

export interface PermissionCommand {
  program: 'chmod' | 'chown' | 'chgrp';
  /** The command, from its program word to its last word. */
  range: TextRange;
  /** The mode or owner as written ("4755", "u+s", "1000:1000"); "" with --reference. */
  setting: string;
  /** Its file operands made absolute (undefined where the working directory is not known). */
  paths: (string | undefined)[];
  recursive: boolean;
}

const PROGRAMS = new Set(['chmod', 'chown', 'chgrp']);

export function permissionCommands(dockerfile: ParsedDockerfile, instruction: DockerfileInstruction, workdir: string | undefined): PermissionCommand[] {
  const script = instruction.keyword === 'RUN' ? runScript(dockerfile, instruction) : undefined;
  if (!script) return [];
  const found: PermissionCommand[] = [];
  for (const command of script.shell.commands) {
    const p = programIndex(command);
    const program = p < 0 ? '' : command.words[p].value.replace(/^.*\//, '');
    if (!PROGRAMS.has(program)) continue;
    const args = command.words.slice(p + 1);
    // A mode that starts with "-" only takes bits away; options start with "-" too.
    const operands = args.filter((w) => !w.value.startsWith('-')).map((w) => w.value);
    const byReference = args.some((w) => w.value.startsWith('--reference'));
    const [setting, ...files] = byReference ? ['', ...operands] : operands;
    if (setting === undefined || !files.length) continue;
    found.push({
      program: program as PermissionCommand['program'],
      range: wordRange(script, command.words[p], command.words[command.words.length - 1]),
      setting,
      paths: files.map((f) => resolvePath(f, workdir)),
      recursive: args.some((w) => /^-[a-zA-Z]*R/.test(w.value) || w.value === '--recursive'),
    });
  }
  return found;
}

/** Whether the command names `path` (itself, or below a directory it changes recursively). */
export function names(command: PermissionCommand, path: string): boolean {
  return command.paths.some((p) => p !== undefined && (p === path || (command.recursive && path.startsWith(p === '/' ? '/' : p + '/'))));
}

/** Which of the two bits a chmod mode sets: octal (4755, 02755, 6755) or symbolic (u+s, g=s, +s, a+rs). */
export function setidBits(mode: string): { setuid: boolean; setgid: boolean } {
  const octal = /^0*([0-7]{1,4})$/.exec(mode);
  if (octal) {
    const special = Number(octal[1].padStart(4, '0')[0]);
    return { setuid: (special & 4) !== 0, setgid: (special & 2) !== 0 };
  }
  let setuid = false;
  let setgid = false;
  for (const clause of mode.split(',')) {
    const m = /^([ugoa]*)([+=])([rwxXst]*)$/.exec(clause);
    if (!m || !m[3].includes('s')) continue;
    const who = m[1] === '' || m[1].includes('a') ? 'ug' : m[1];
    if (who.includes('u')) setuid = true;
    if (who.includes('g')) setgid = true;
  }
  return { setuid, setgid };
}

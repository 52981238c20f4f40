// The shell script a RUN instruction runs, with the document position of each character, so rules can
// point at a word and fixes can insert text in the file.
import { joinContinuations, type DockerfileInstruction, type ParsedDockerfile } from './parse';
import { parseShell, type ShellScript } from './shellCommands';
import type { TextPosition } from './textEdits';

export interface RunScript {
  text: string;
  shell: ShellScript;
  /** True when the script is a heredoc body (`RUN <<EOF`): its lines are the commands. */
  fromHeredoc: boolean;
  positionAt(offset: number): TextPosition;
}

/** undefined for the exec form (`RUN ["…"]`), which runs no shell, and for a RUN without arguments. */
export function runScript(dockerfile: ParsedDockerfile, instruction: DockerfileInstruction): RunScript | undefined {
  if (instruction.json || !instruction.argumentsStart) return undefined;
  const start = instruction.argumentsStart;
  const { lines } = dockerfile;
  const heredoc = instruction.heredocs[0];
  if (heredoc && /^<<-?["']?[A-Za-z_]/.test(instruction.argumentsText)) {
    // `RUN <<EOF`: BuildKit runs the body as the script.
    const range = heredoc.contentRange;
    if (!range) return undefined;
    const positions: TextPosition[] = [];
    for (let line = range.startLine; line <= range.endLine; line++) {
      const length = line === range.endLine ? range.endCharacter : lines[line].length;
      for (let character = 0; character <= length; character++) positions.push({ line, character });
    }
    return make(heredoc.content, positions, { line: range.endLine, character: range.endCharacter }, true);
  }
  // With a heredoc elsewhere (`RUN cat <<EOT > /file`), only the first line is shell; the body is data.
  const end = heredoc ? { line: start.line, character: lines[start.line].length } : { line: instruction.range.endLine, character: instruction.range.endCharacter };
  const joined = joinContinuations(lines, start, end, dockerfile.escapeChar);
  return make(joined.text, joined.positions, joined.end, false);
}

function make(text: string, positions: TextPosition[], end: TextPosition, fromHeredoc: boolean): RunScript {
  return {
    text,
    shell: parseShell(text),
    fromHeredoc,
    positionAt: (offset) => positions[offset] ?? end,
  };
}

// Just enough of POSIX sh syntax to find the simple commands of a RUN line: words (quotes and backslashes
// resolved, `$(…)`/backticks kept whole), redirections, and the operators between commands with their nesting
// depth. It never runs or expands anything; the rules only need "which program, which arguments, where".

export interface ShellWord {
  /** The word with quotes removed and backslash escapes applied (no expansion). */
  value: string;
  /** Offsets in the script text: [start, end). */
  start: number;
  end: number;
}

export interface Redirection {
  /** ">", ">>", "<", "2>", "&>", ">&"… */
  op: string;
  target?: ShellWord;
}

export interface ShellCommand {
  words: ShellWord[];
  redirections: Redirection[];
  /** Subshell/group nesting: 0 at the top level. */
  depth: number;
}

export interface ShellOperator {
  /** "&&", "||", ";", "|", "&", "\n", "(", ")", "|&", ";;" */
  op: string;
  start: number;
  depth: number;
}

export interface ShellScript {
  commands: ShellCommand[];
  operators: ShellOperator[];
  /** Whether a `#` comment runs to the end of a line (text appended after it would be commented out). */
  hasComment: boolean;
}

const OPERATORS = ['&&', '||', ';;', '|&', ';', '|', '&', '\n', '(', ')'];
const REDIRECTION = /^(?:\d*|&)(?:<<<|>>|>&|<&|<>|>\||>|<(?!<))/;

export function parseShell(text: string): ShellScript {
  const commands: ShellCommand[] = [];
  const operators: ShellOperator[] = [];
  let depth = 0;
  let current: ShellCommand = { words: [], redirections: [], depth };
  let pendingRedirection: Redirection | undefined;
  const hereDocuments: string[] = [];
  let hasComment = false;
  const finish = () => {
    if (current.words.length || current.redirections.length) commands.push(current);
    current = { words: [], redirections: [], depth };
  };

  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#') {
      hasComment = true;
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '<' && text[i + 1] === '<' && text[i + 2] !== '<') {
      // A here-document inside the script: its body (from the next line to the delimiter line) is data.
      i += text[i + 2] === '-' ? 3 : 2;
      const delimiter = readWord(text, skipBlanks(text, i));
      hereDocuments.push(delimiter.value);
      i = delimiter.end;
      continue;
    }
    const redirection = REDIRECTION.exec(text.slice(i, i + 4));
    if (redirection) {
      pendingRedirection = { op: redirection[0] };
      current.redirections.push(pendingRedirection);
      i += redirection[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op) {
      finish();
      if (op === ')') depth = Math.max(0, depth - 1);
      operators.push({ op, start: i, depth });
      if (op === '(') depth++;
      current.depth = depth;
      i += op.length;
      if (op === '\n') i = skipHereDocuments(text, i, hereDocuments.splice(0));
      continue;
    }
    const word = readWord(text, i);
    if (word.end === i) {
      i++; // an operator character this reader does not know (e.g. "<<<"): skip it
      continue;
    }
    i = word.end;
    if (pendingRedirection) {
      pendingRedirection.target = word;
      pendingRedirection = undefined;
    } else if ((word.value === '{' || word.value === '}') && word.end - word.start === 1) {
      // Group braces are syntax, not a command word.
      finish();
    } else {
      current.words.push(word);
    }
  }
  finish();
  return { commands, operators, hasComment };
}

/** Past the bodies of the here-documents opened on the line that just ended, each up to its delimiter line. */
function skipHereDocuments(text: string, i: number, delimiters: string[]): number {
  for (const delimiter of delimiters) {
    while (i < text.length) {
      const end = text.indexOf('\n', i);
      const line = text.slice(i, end < 0 ? text.length : end);
      i = end < 0 ? text.length : end + 1;
      if (line.replace(/^\t+/, '') === delimiter) break;
    }
  }
  return i;
}

function skipBlanks(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  return i;
}

/** One word from `start`: up to an unquoted blank or operator character. */
function readWord(text: string, start: number): ShellWord {
  let value = '';
  let i = start;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === ';' || c === '&' || c === '|' || c === '(' || c === ')' || c === '<' || c === '>') {
      if (c === '(' && value.endsWith('$')) {
        const end = closing(text, i, '(', ')');
        value += text.slice(i, end);
        i = end;
        continue;
      }
      break;
    }
    if (c === '\\' && i + 1 < text.length) {
      if (text[i + 1] !== '\n') value += text[i + 1];
      i += 2;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      const stop = end < 0 ? text.length : end;
      value += text.slice(i + 1, stop);
      i = stop + 1;
    } else if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length && '$`"\\\n'.includes(text[i + 1])) {
          value += text[i + 1];
          i += 2;
        } else if (text[i] === '$' && text[i + 1] === '(') {
          const end = closing(text, i + 1, '(', ')');
          value += text.slice(i, end);
          i = end;
        } else {
          value += text[i++];
        }
      }
      i++;
    } else if (c === '`') {
      const end = text.indexOf('`', i + 1);
      const stop = end < 0 ? text.length : end + 1;
      value += text.slice(i, stop);
      i = stop;
    } else {
      value += c;
      i++;
    }
  }
  return { value, start, end: Math.min(i, text.length) };
}

/** The offset just after the bracket closing the one at `open`, minding quotes. */
function closing(text: string, open: number, left: string, right: string): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === "'") i = text.indexOf("'", i + 1) < 0 ? text.length : text.indexOf("'", i + 1);
    else if (c === left) depth++;
    else if (c === right && --depth === 0) return i + 1;
  }
  return text.length;
}

const WRAPPERS = new Set(['sudo', 'env', 'command', 'exec', 'nohup', 'time', 'nice', 'eatmydata']);
const KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!']);

/**
 * Where the program word of a command is, past assignments (`DEBIAN_FRONTEND=noninteractive`), shell keywords
 * (`then`, `do`) and wrappers (`sudo`, `env`); -1 when there is none.
 */
export function programIndex(command: ShellCommand): number {
  const words = command.words;
  for (let i = 0; i < words.length; i++) {
    const w = words[i].value;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w) || KEYWORDS.has(w)) continue;
    if (WRAPPERS.has(w)) {
      // Their own options: sudo -u user, env -i…
      while (i + 1 < words.length && words[i + 1].value.startsWith('-')) i += words[i + 1].value === '-u' ? 2 : 1;
      continue;
    }
    return i;
  }
  return -1;
}

/** The program's file name without its directory ("/usr/bin/apt-get" → "apt-get"). */
export function programName(command: ShellCommand): string | undefined {
  const i = programIndex(command);
  return i < 0 ? undefined : command.words[i].value.replace(/^.*\//, '');
}

/** Environment assignments written before the program (`PIP_NO_CACHE_DIR=1 pip install …`). */
export function assignments(command: ShellCommand): Map<string, string> {
  const result = new Map<string, string>();
  for (const w of command.words) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(w.value);
    if (!m) break;
    result.set(m[1], m[2]);
  }
  return result;
}

/**
 * Names that earlier commands of the script export to `command`'s environment: `export NAME=value`, or
 * `export NAME` after `NAME=value`. Only commands nested no deeper than `command` count (an export inside
 * a subshell ends with it); the order is the script's, which is how `&&`, `;` and newlines run it.
 */
export function exportedNames(script: ShellScript, command: ShellCommand): Set<string> {
  const exported = new Set<string>();
  const assigned = new Set<string>();
  for (const earlier of script.commands) {
    if (earlier === command) break;
    if (earlier.depth > command.depth) continue;
    const p = programIndex(earlier);
    if (p < 0) {
      for (const name of assignments(earlier).keys()) assigned.add(name);
      continue;
    }
    if (earlier.words[p].value !== 'export') continue;
    for (const word of earlier.words.slice(p + 1)) {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(=?)/.exec(word.value);
      if (m && (m[2] || assigned.has(m[1]))) exported.add(m[1]);
    }
  }
  return exported;
}

// A RUN's shell text split into the commands a reader scans for ("apt-get update", "apt-get install -y …",
// "rm -rf /var/lib/apt/lists/*"), for display. The cutting points come from the Dockerfile rules' shell lexer
// (one reading of sh syntax for both): top-level `&&` and `;`, never inside quotes, `$(…)` or parentheses.
import { parseShell } from '../dockerfile/shellCommands';

/** Splits at top-level `&&` and `;`, joins continued lines, and squeezes blanks outside quotes. */
export function splitShellCommands(script: string): string[] {
  const text = script.replace(/\\\r?\n/g, ' ');
  const cuts = parseShell(text).operators.filter((o) => o.depth === 0 && (o.op === '&&' || o.op === ';'));
  const pieces: string[] = [];
  let from = 0;
  for (const cut of cuts) {
    pieces.push(text.slice(from, cut.start));
    from = cut.start + cut.op.length;
  }
  pieces.push(text.slice(from));
  return pieces.map(squeezeBlanks).filter(Boolean);
}

/** Runs of blanks become one space, except inside quotes. */
function squeezeBlanks(command: string): string {
  let out = '';
  let quote: string | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i];
    if (quote) {
      out += c;
      if (c === '\\' && quote === '"' && i + 1 < command.length) out += command[++i];
      else if (c === quote) quote = undefined;
    } else if (c === '\\' && i + 1 < command.length) out += c + command[++i];
    else if (c === '"' || c === "'") out += (quote = c);
    else if (c === ' ' || c === '\t') out += out.endsWith(' ') ? '' : ' ';
    else out += c;
  }
  return out.trim();
}

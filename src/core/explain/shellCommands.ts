// A RUN's shell text split into the commands a reader scans for ("apt-get update", "apt-get install -y …",
// "rm -rf /var/lib/apt/lists/*"). Only for display: it knows quotes, backslash escapes and parentheses well
// enough not to cut inside them, and is no shell parser.

/** Splits at top-level `&&` and `;`, joins continued lines, and squeezes blanks outside quotes. */
export function splitShellCommands(script: string): string[] {
  const text = script.replace(/\\\r?\n/g, ' ');
  const commands: string[] = [];
  let current = '';
  let quote: '"' | "'" | undefined;
  let depth = 0;
  const cut = () => {
    const command = current.trim();
    if (command) commands.push(command);
    current = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      current += c;
      if (c === '\\' && quote === '"' && i + 1 < text.length) current += text[++i];
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '\\' && i + 1 < text.length) {
      current += c + text[++i];
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '{') depth++;
    else if ((c === ')' || c === '}') && depth > 0) depth--;
    else if (depth === 0 && c === ';') {
      cut();
      continue;
    } else if (depth === 0 && c === '&' && text[i + 1] === '&') {
      i++;
      cut();
      continue;
    } else if (c === ' ' || c === '\t') {
      if (!current.endsWith(' ')) current += ' ';
      continue;
    }
    current += c;
  }
  cut();
  return commands;
}

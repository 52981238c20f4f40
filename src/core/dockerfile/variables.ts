// ARG/ENV substitution in instruction arguments, as the builders do it before recording a step
// (moby/buildkit frontend/dockerfile/shell lex.go): quotes removed, $VAR / ${VAR} / ${VAR:-word} /
// ${VAR:+word} replaced, the escape character quoting the next character. A variable whose value the
// Dockerfile cannot know (a build argument without default, the base image's ENV) stays unknown.

/** Literal text, or a variable whose value is unknown here. */
export type Segment = { literal: string } | { unknown: string };

/** name → value; a name mapped to undefined is declared without a known value. */
export type Scope = ReadonlyMap<string, string | undefined>;

/** Splits arguments into words at unquoted, unescaped whitespace; quotes stay in the words. */
export function splitWords(text: string, escapeChar = '\\'): string[] {
  const words: string[] = [];
  let word = '';
  let quote = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === escapeChar && quote !== "'" && i + 1 < text.length) {
      word += c + text[++i];
      inWord = true;
    } else if (quote) {
      if (c === quote) quote = '';
      word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word += c;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/**
 * One word with its quotes and escapes processed and its variables replaced from `scope`. In a `closed`
 * scope (FROM lines: only the ARGs before the first FROM apply) an undeclared variable is empty; otherwise it
 * may come from the base image's ENV and is unknown.
 */
export function expandWord(raw: string, scope: Scope, escapeChar = '\\', closed = false): Segment[] {
  const out: Segment[] = [];
  const literal = (text: string) => {
    const last = out[out.length - 1];
    if (last && 'literal' in last) last.literal += text;
    else if (text) out.push({ literal: text });
  };
  let quote = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (quote === "'") {
      if (c === "'") quote = '';
      else literal(c);
    } else if (c === escapeChar && i + 1 < raw.length) {
      literal(raw[++i]);
    } else if ((c === '"' || c === "'") && !quote) {
      quote = c;
    } else if (c === '"' && quote === '"') {
      quote = '';
    } else if (c === '$') {
      const variable = readVariable(raw, i);
      if (!variable) {
        literal(c);
        continue;
      }
      i = variable.end - 1;
      for (const s of resolve(variable, scope, escapeChar, closed)) 'literal' in s ? literal(s.literal) : out.push(s);
    } else {
      literal(c);
    }
  }
  return out;
}

/** A text where every word is expanded and words are joined by one space. */
export function expandWords(text: string, scope: Scope, escapeChar = '\\'): Segment[][] {
  return splitWords(text, escapeChar).map((w) => expandWord(w, scope, escapeChar));
}

/** The segments as text; unknown variables as `${NAME}`. */
export function segmentsText(segments: Segment[]): string {
  return segments.map((s) => ('literal' in s ? s.literal : `\${${s.unknown}}`)).join('');
}

export function isKnown(segments: Segment[]): boolean {
  return segments.every((s) => 'literal' in s);
}

/** A regular expression source matching the segments, an unknown variable matching anything. */
export function segmentsPattern(segments: Segment[]): string {
  return segments.map((s) => ('literal' in s ? s.literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : '.*?')).join('');
}

interface VariableReference {
  name: string;
  /** ":-", ":+", "-", "+" or "" */
  operator: string;
  word: string;
  end: number;
}

function readVariable(text: string, at: number): VariableReference | undefined {
  const simple = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(at));
  if (simple) return { name: simple[1], operator: '', word: '', end: at + simple[0].length };
  const braced = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}/.exec(text.slice(at));
  if (braced) return { name: braced[1], operator: braced[2] ?? '', word: braced[3] ?? '', end: at + braced[0].length };
  return undefined;
}

function resolve(v: VariableReference, scope: Scope, escapeChar: string, closed: boolean): Segment[] {
  const declared = scope.has(v.name);
  if (!declared && closed) return v.operator.endsWith('-') ? expandWord(v.word, scope, escapeChar, closed) : [];
  const value = scope.get(v.name);
  const known = value !== undefined;
  const word = () => expandWord(v.word, scope, escapeChar, closed);
  switch (v.operator) {
    case ':-':
      return known ? (value === '' ? word() : [{ literal: value }]) : [{ unknown: v.name }];
    case '-':
      return known ? [{ literal: value }] : [{ unknown: v.name }];
    case ':+':
      return known ? (value === '' ? [] : word()) : [{ unknown: v.name }];
    case '+':
      return known ? word() : [{ unknown: v.name }];
    default:
      // An undeclared variable may come from the base image's ENV: unknown, not empty.
      return known ? [{ literal: value }] : [{ unknown: v.name }];
  }
}

// Plain text positions and edits, shaped so the editor can turn them into VS Code ranges one to one.
// Lines and characters are 0-based, as in VS Code and LSP; characters count UTF-16 code units.

export interface TextPosition {
  line: number;
  character: number;
}

export interface TextRange {
  startLine: number;
  startCharacter: number;
  endLine: number;
  endCharacter: number;
}

export interface TextEdit {
  range: TextRange;
  newText: string;
}

export function rangeOf(start: TextPosition, end: TextPosition): TextRange {
  return { startLine: start.line, startCharacter: start.character, endLine: end.line, endCharacter: end.character };
}

export function insertAt(at: TextPosition, newText: string): TextEdit {
  return { range: rangeOf(at, at), newText };
}

/** Applies non-overlapping edits (in any order) to `text`, as an editor would. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const offsetOf = (line: number, character: number) => {
    if (line >= lineStarts.length) return text.length;
    let lineEnd = line + 1 < lineStarts.length ? lineStarts[line + 1] - 1 : text.length;
    if (text[lineEnd - 1] === '\r' && lineEnd > lineStarts[line]) lineEnd--; // CRLF: the line ends before its \r
    return Math.min(lineStarts[line] + character, lineEnd);
  };
  const resolved = edits
    .map((e) => ({ start: offsetOf(e.range.startLine, e.range.startCharacter), end: offsetOf(e.range.endLine, e.range.endCharacter), text: e.newText }))
    .sort((a, b) => b.start - a.start || b.end - a.end);
  let result = text;
  let limit = Infinity;
  for (const e of resolved) {
    if (e.end > limit) throw new RangeError('Overlapping text edits.');
    result = result.slice(0, e.start) + e.text + result.slice(e.end);
    limit = e.start;
  }
  return result;
}

// A Dockerfile as plain data, over `dockerfile-ast` (the parser behind the Docker language server):
// stages, instructions with their ranges, flags, heredocs, the `escape` directive and ARGs before FROM.
// Lines and characters are 0-based everywhere (VS Code's convention); the CLI adds 1 when it prints.
import { DockerfileParser, type Flag, type From, type Heredoc, type Instruction, type Onbuild } from 'dockerfile-ast';
import { rangeOf, type TextPosition, type TextRange } from './textEdits';

export interface InstructionFlag {
  /** Without the dashes: "from", "chown", "chmod", "mount", "platform"… */
  name: string;
  /** null for a flag without "=value". */
  value: string | null;
  range: TextRange;
}

export interface HeredocBody {
  /** The delimiter word ("EOF"). */
  name: string;
  /** The lines between the `<<EOF` line and the delimiter, joined with \n (empty when there are none). */
  content: string;
  /** Where those lines are; undefined for an empty body. */
  contentRange?: TextRange;
}

export interface DockerfileInstruction {
  /** Upper case ("RUN"), whatever case the file uses. */
  keyword: string;
  /** From the keyword to the end of its last continuation line or heredoc delimiter. */
  range: TextRange;
  keywordRange: TextRange;
  flags: InstructionFlag[];
  /**
   * The arguments after the flags as the builder reads them: continuation lines joined (the escape character
   * and the line break removed), comment and empty lines inside the continuation dropped. With heredocs, the
   * raw lines joined with \n. "" when there are no arguments.
   */
  argumentsText: string;
  /** Where argumentsText starts (after the flags); undefined when there are no arguments. */
  argumentsStart?: TextPosition;
  heredocs: HeredocBody[];
  /** The exec (JSON) form's strings, when the arguments are a JSON array of strings. */
  json?: string[];
  /** Index of the stage the instruction belongs to; -1 for an ARG before the first FROM. */
  stage: number;
  /**
   * For ONBUILD: the instruction it registers (`ONBUILD RUN …` → the RUN, with its own keyword, flags and
   * arguments). It runs when another image is built FROM this one, so it is not a step of this stage.
   */
  trigger?: DockerfileInstruction;
}

export interface DockerfileStage {
  index: number;
  /** The name after AS, as written (stage names compare case-insensitively). */
  name?: string;
  /** The image after FROM as written, e.g. "node:20" or "${BASE}". */
  baseImage: string;
  /** The index of the earlier stage this one is built FROM, if any. */
  baseStage?: number;
  /** The value of --platform, if given. */
  platform?: string;
  from: DockerfileInstruction;
  /** The instructions after FROM, up to the next FROM. */
  instructions: DockerfileInstruction[];
}

export interface DockerfileProblem {
  line: number;
  message: string;
}

export interface ParsedDockerfile {
  text: string;
  /** The file's lines without their line breaks. */
  lines: string[];
  /** The file's line break, for text that fixes insert. */
  eol: '\n' | '\r\n';
  /** `# escape=` directive, or the default backslash. */
  escapeChar: string;
  /** Every instruction in file order, including the ARGs before the first FROM. */
  instructions: DockerfileInstruction[];
  /** ARG instructions before the first FROM (usable in FROM lines). */
  globalArgs: DockerfileInstruction[];
  stages: DockerfileStage[];
  /** What makes a builder refuse this file (no FROM, an unknown instruction…); empty when it looks buildable. */
  problems: DockerfileProblem[];
}

const KEYWORDS = new Set([
  'ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL', 'MAINTAINER',
  'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR',
]);

/** `Dockerfile`, `*.Dockerfile`, `Dockerfile.*` and `Containerfile` (also `*.Containerfile`, `Containerfile.*`), in any case. */
export function isDockerfileName(fileName: string): boolean {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  return /^(?:docker|container)file$|\.(?:docker|container)file$|^(?:docker|container)file\./i.test(base);
}

export function parseDockerfile(text: string): ParsedDockerfile {
  const lines = text.split(/\r\n|\r|\n/);
  const ast = DockerfileParser.parse(text);
  const escapeChar = ast.getEscapeCharacter();
  const problems: DockerfileProblem[] = [];
  if (text.includes('\0')) problems.push({ line: 0, message: 'This is not a text file.' });

  const instructions: DockerfileInstruction[] = [];
  const globalArgs: DockerfileInstruction[] = [];
  const stages: DockerfileStage[] = [];
  for (const node of ast.getInstructions()) {
    const keyword = node.getKeyword().toUpperCase();
    const line = node.getRange().start.line;
    if (!KEYWORDS.has(keyword)) problems.push({ line, message: `Unknown instruction "${node.getInstruction()}".` });
    const instruction = toInstruction(node, keyword, lines, escapeChar, stages.length - (keyword === 'FROM' ? 0 : 1));
    instructions.push(instruction);
    if (keyword === 'FROM') {
      stages.push(toStage(node as From, instruction, stages, problems));
    } else if (stages.length === 0) {
      if (keyword === 'ARG') globalArgs.push(instruction);
      else if (KEYWORDS.has(keyword)) problems.push({ line, message: `${keyword} comes before the first FROM; only ARG may.` });
    } else {
      stages[stages.length - 1].instructions.push(instruction);
    }
  }
  if (stages.length === 0 && problems.length === 0) problems.push({ line: 0, message: 'There is no FROM instruction.' });
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return { text, lines, eol, escapeChar, instructions, globalArgs, stages, problems };
}

/** The stage a build stops at: the one named `target` (case-insensitive), else the last. */
export function targetStage(dockerfile: ParsedDockerfile, target?: string): DockerfileStage {
  if (target === undefined) {
    const last = dockerfile.stages[dockerfile.stages.length - 1];
    if (!last) throw new RangeError('This Dockerfile has no FROM instruction.');
    return last;
  }
  const stage = dockerfile.stages.find((s) => s.name?.toLowerCase() === target.toLowerCase());
  if (!stage) {
    const names = dockerfile.stages.flatMap((s) => (s.name ? [s.name] : []));
    throw new RangeError(`This Dockerfile has no stage named "${target}" (${names.length ? `its stages: ${names.join(', ')}` : 'no stage has a name'}).`);
  }
  return stage;
}

/** The stages whose layers end up in the target's image: the target and the stages it is built FROM, root first. */
export function stageChain(dockerfile: ParsedDockerfile, stage: DockerfileStage): DockerfileStage[] {
  const chain = [stage];
  for (let s = stage; s.baseStage !== undefined; ) {
    s = dockerfile.stages[s.baseStage];
    chain.unshift(s);
  }
  return chain;
}

function toStage(node: From, from: DockerfileInstruction, earlier: DockerfileStage[], problems: DockerfileProblem[]): DockerfileStage {
  const baseImage = node.getImage() ?? '';
  if (!baseImage) problems.push({ line: from.range.startLine, message: 'FROM needs an image (or "scratch").' });
  const stage: DockerfileStage = { index: earlier.length, baseImage, from, instructions: [] };
  const name = node.getBuildStage();
  if (name) stage.name = name;
  const platform = node.getPlatformFlag()?.getValue();
  if (platform) stage.platform = platform;
  // A FROM naming an earlier stage builds on it (the nearest earlier one with that name, as BuildKit resolves).
  const base = [...earlier].reverse().find((s) => s.name && s.name.toLowerCase() === baseImage.toLowerCase());
  if (base) stage.baseStage = base.index;
  return stage;
}

function toInstruction(node: Instruction, keyword: string, lines: string[], escapeChar: string, stage: number): DockerfileInstruction {
  const withFlags = node as Instruction & { getFlags?: () => Flag[]; getHeredocs?: () => Heredoc[] };
  const range = toRange(node.getRange());
  const flags = (withFlags.getFlags?.() ?? []).map((f) => ({ name: f.getName(), value: f.getValue(), range: toRange(f.getRange()) }));
  const heredocs = (withFlags.getHeredocs?.() ?? []).map((h) => heredocBody(h, lines));
  const argumentsRange = node.getArgumentsRange();
  const instruction: DockerfileInstruction = {
    keyword,
    range,
    keywordRange: toRange(node.getInstructionRange()),
    flags,
    argumentsText: '',
    heredocs,
    stage,
  };
  const trigger = keyword === 'ONBUILD' ? (node as Onbuild).getTriggerInstruction() : null;
  if (trigger) instruction.trigger = toInstruction(trigger, trigger.getKeyword().toUpperCase(), lines, escapeChar, stage);
  if (argumentsRange) {
    const start = argumentsRange.start;
    const end = { line: range.endLine, character: range.endCharacter };
    instruction.argumentsStart = start;
    instruction.argumentsText = heredocs.length ? rawText(lines, start, end) : joinContinuations(lines, start, end, escapeChar).text;
    const json = jsonForm(instruction.argumentsText);
    if (json) instruction.json = json;
  }
  return instruction;
}

export interface JoinedText {
  text: string;
  /** Document position of each character of `text`. */
  positions: TextPosition[];
  /** Document position just after the last character. */
  end: TextPosition;
}

/**
 * Joins an instruction's continuation lines as the builder does (moby/buildkit frontend/dockerfile/parser):
 * a line ending in the escape character (trailing blanks allowed) continues on the next; comment lines and
 * empty lines inside the continuation are skipped. Keeps each character's position for diagnostics and fixes.
 */
export function joinContinuations(lines: string[], start: TextPosition, end: TextPosition, escapeChar: string): JoinedText {
  let text = '';
  const positions: TextPosition[] = [];
  for (let line = start.line; line <= end.line; line++) {
    const from = line === start.line ? start.character : 0;
    let segment = lines[line].slice(from, line === end.line ? end.character : undefined);
    if (line > start.line && (/^\s*#/.test(segment) || segment.trim() === '')) continue;
    let continues = false;
    if (line < end.line) {
      const trailing = new RegExp(`${escapeRegExp(escapeChar)}[ \\t]*$`).exec(segment);
      if (trailing) {
        segment = segment.slice(0, trailing.index);
        continues = true;
      }
    }
    for (let i = 0; i < segment.length; i++) positions.push({ line, character: from + i });
    text += segment;
    if (!continues && line < end.line) {
      positions.push({ line, character: from + segment.length });
      text += '\n';
    }
  }
  return { text, positions, end };
}

function rawText(lines: string[], start: TextPosition, end: TextPosition): string {
  const parts: string[] = [];
  for (let line = start.line; line <= end.line; line++) {
    parts.push(lines[line].slice(line === start.line ? start.character : 0, line === end.line ? end.character : undefined));
  }
  return parts.join('\n');
}

function heredocBody(heredoc: Heredoc, lines: string[]): HeredocBody {
  const content = heredoc.getContentRange();
  if (!content) return { name: heredoc.getName(), content: '' };
  return { name: heredoc.getName(), content: rawText(lines, content.start, content.end), contentRange: toRange(content) };
}

/** Docker's rule: the arguments are the exec form when they parse as a JSON array of strings. */
function jsonForm(text: string): string[] | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('[')) return undefined;
  try {
    const value: unknown = JSON.parse(trimmed);
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
  } catch {
    return undefined;
  }
}

function toRange(range: { start: TextPosition; end: TextPosition }): TextRange {
  return rangeOf(range.start, range.end);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

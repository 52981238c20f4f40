// Does this Dockerfile instruction read like that recorded step? Both builders record each instruction
// differently, and neither records it as written (seen on Engine 20.10 and 26.1, both builders):
//   RUN     legacy "/bin/sh -c <cmd>", "|2 A=1 B=2 /bin/sh -c <cmd>", exec form "<args joined by spaces>";
//           BuildKit "RUN /bin/sh -c <cmd> # buildkit" (no --mount flags), a `RUN <<EOF` heredoc as its body;
//           continuation lines joined (escape character and line break removed), never variables expanded.
//   COPY/ADD legacy "COPY file:<sha256> in <dest> " (dir:/multi:, "--chown=1:2" glued before the hash);
//           BuildKit "COPY <src>… <dest> # buildkit" without flags; a heredoc COPY as its first line.
//   ENV/LABEL "ENV K=v K2=v2": quotes removed, variables expanded. ARG "ARG A=1" or "ARG B".
//   WORKDIR  the resolved absolute path. EXPOSE legacy "53/udp 80 8000-8002", BuildKit "map[53/udp:{} 80/tcp:{}…]".
//   VOLUME/SHELL Go's %v of a list: "[/data /v2]". CMD/ENTRYPOINT Go's %q: ["/bin/sh" "-c" "echo hi"], shell
//           form wrapped in the SHELL in effect. HEALTHCHECK Go's %v of the struct: &{["CMD-SHELL" "true"] "5s" …}.
//   A legacy metadata step under a custom SHELL starts with that shell: "/bin/sh -e -c #(nop)  USER 1" (history.ts
//   strips it); a legacy RUN under it keeps it ("/bin/sh -e -c make"), so the SHELL in effect is tried as a prefix.
import { SHAPE_MASKER } from '../secrets/masking';
import type { DockerfileInstruction, ParsedDockerfile } from './parse';
import { DEFAULT_SHELL, keyValues, resolvePath, type WalkedInstruction } from './stageWalk';
import { expandWord, isKnown, segmentsPattern, segmentsText, splitWords, type Segment } from './variables';

/** A recorded step, reduced to its keyword and the text after it. */
export interface StepForm {
  keyword: string;
  text: string;
}

export interface ReadableStep {
  /** history.ts' readable instruction ("RUN make", "COPY file:… in /x"). */
  instruction: string;
}

const BUILD_ARGS_PREFIX = /^\|(\d+) /;

export function stepForm(step: ReadableStep): StepForm {
  const text = step.instruction.trim();
  const keyword = /^[A-Za-z]+/.exec(text)?.[0].toUpperCase() ?? '';
  let rest = text.slice(keyword.length).trim();
  if (keyword === 'RUN') rest = withoutBuildArgs(rest);
  return { keyword, text: rest };
}

/** `|2 A=1 B=x y…`: the RUN's build arguments, which the builders put before the shell. */
function withoutBuildArgs(text: string): string {
  const m = BUILD_ARGS_PREFIX.exec(text);
  if (!m) return text;
  let rest = text.slice(m[0].length);
  for (let n = Number(m[1]); n > 0; n--) {
    const arg = /^[A-Za-z_][A-Za-z0-9_]*=\S* /.exec(rest);
    if (!arg) return text;
    rest = rest.slice(arg[0].length);
  }
  return rest;
}

export type InstructionTest = (form: StepForm) => boolean;

/** A test telling whether a step records `walked` (in the state it was built in). */
export function instructionTest(dockerfile: ParsedDockerfile, walked: WalkedInstruction): InstructionTest {
  const { instruction, state } = walked;
  const { keyword } = instruction;
  const esc = dockerfile.escapeChar;
  const test = testFor(walked, esc);
  // The model masks the secrets of recorded steps (core/secrets): a line with a secret also reads like its masked step.
  const masked = maskedInstruction(instruction);
  const maskedTest = masked && testFor({ ...walked, instruction: masked }, esc);
  return (form) =>
    form.keyword === keyword && (test(form.text, instruction.argumentsText, state.shell) || (!!maskedTest && maskedTest(form.text, masked!.argumentsText, state.shell)));
}

/** The instruction with the secrets of its text masked as the model masks recorded steps, or undefined when it has none. */
function maskedInstruction(instruction: DockerfileInstruction): DockerfileInstruction | undefined {
  const argumentsText = SHAPE_MASKER.mask(instruction.argumentsText);
  const json = instruction.json?.map((w) => SHAPE_MASKER.mask(w));
  const heredocs = instruction.heredocs.map((h) => ({ ...h, content: SHAPE_MASKER.mask(h.content) }));
  const same = argumentsText === instruction.argumentsText && heredocs.every((h, i) => h.content === instruction.heredocs[i].content) && json?.join('\0') === instruction.json?.join('\0');
  return same ? undefined : { ...instruction, argumentsText, heredocs, ...(json ? { json } : {}) };
}

type TextTest = (recorded: string, written: string, shell: string[]) => boolean;

function testFor(walked: WalkedInstruction, esc: string): TextTest {
  const { instruction, state } = walked;
  const scope = state.scope;
  switch (instruction.keyword) {
    case 'RUN': {
      const candidates = runCandidates(walked).map(collapse);
      const json = instruction.json;
      return (recorded) => {
        if (candidates.includes(collapse(recorded))) return true;
        return json !== undefined && sameList(quotedStrings(recorded), json);
      };
    }
    case 'COPY':
    case 'ADD': {
      const firstLine = instruction.heredocs.length ? instruction.argumentsText.split('\n')[0] : instruction.argumentsText;
      const words = instruction.json ? instruction.json.map((w) => [{ literal: w }] as Segment[]) : splitWords(firstLine, esc).map((w) => expandWord(w, scope, esc));
      const rawWords = instruction.json ?? splitWords(firstLine, esc);
      const all = pattern(words);
      const last = words[words.length - 1] ?? [];
      const dests = [new RegExp(`^${segmentsPattern(withoutTrailingSlash(last))}$`), new RegExp(`^${escapeRegExp(withoutSlash(rawWords[rawWords.length - 1] ?? ''))}$`)];
      return (recorded) => {
        // The legacy builder records a content hash for the sources: only the destination can be compared.
        const legacy = /(?:file|dir|multi):[0-9a-f]{64} in (.*)$/s.exec(recorded);
        if (legacy) return dests.some((d) => d.test(withoutSlash(collapse(legacy[1]))));
        const flat = collapse(recorded.replace(/^(?:--\S+\s+)+/, ''));
        return all.test(flat) || collapse(rawWords.join(' ')) === flat;
      };
    }
    case 'ENV':
    case 'LABEL': {
      const expected = pattern(keyValues(instruction.argumentsText, esc).map(([name, value]) => [{ literal: `${name}=` }, ...expandWord(value, scope, esc)]));
      return (recorded) => expected.test(collapse(recorded));
    }
    case 'ARG': {
      const names = splitWords(instruction.argumentsText, esc).map((w) => w.split('=')[0]);
      return (recorded) => sameList(recorded.trim().split(/\s+/).map((w) => w.split('=')[0]), names);
    }
    case 'WORKDIR': {
      const target = expandWord(instruction.argumentsText.trim(), scope, esc);
      const path = isKnown(target) ? resolvePath(segmentsText(target), state.workdir) : undefined;
      // A relative WORKDIR over a base image's unknown one, or an unknown variable: the known end must agree.
      const re = new RegExp(path ? `^${escapeRegExp(path)}$` : `^(?:.*/)?${segmentsPattern(withoutTrailingSlash(target))}$`);
      return (recorded) => re.test(withoutSlash(recorded.trim()));
    }
    case 'EXPOSE': {
      const words = splitWords(instruction.argumentsText, esc).map((w) => expandWord(w, scope, esc));
      const known = words.filter(isKnown).map(segmentsText);
      const allKnown = known.length === words.length;
      return (recorded) => {
        const ports = exposedPorts(recorded);
        const expected = new Set(known.flatMap(expandPorts));
        return [...expected].every((p) => ports.has(p)) && (!allKnown || ports.size === expected.size);
      };
    }
    case 'VOLUME':
    case 'SHELL': {
      const words = instruction.json ?? splitWords(instruction.argumentsText, esc).map((w) => segmentsText(expandWord(w, scope, esc)));
      const expected = collapse(words.join(' ').replace(/[[\]"]/g, ' '));
      return (recorded) => collapse(recorded.replace(/[[\]"]/g, ' ')) === expected;
    }
    case 'CMD':
    case 'ENTRYPOINT': {
      return (recorded, written, shell) => {
        const expected = instruction.json ?? [...shell, written];
        return sameList(quotedStrings(recorded), expected);
      };
    }
    case 'HEALTHCHECK': {
      const words = splitWords(instruction.argumentsText, esc);
      const kind = words[0]?.toUpperCase();
      const command = instruction.argumentsText.trim().slice(words[0]?.length ?? 0).trim();
      const json = command.startsWith('[') ? safeJson(command) : undefined;
      const expected = kind === 'NONE' ? ['NONE'] : json ? ['CMD', ...json] : ['CMD-SHELL', command];
      return (recorded) => sameList(quotedStrings(/\[[^\]]*\]/.exec(recorded)?.[0] ?? ''), expected);
    }
    case 'ONBUILD':
      return (recorded, written) => collapse(recorded).toUpperCase() === collapse(written).toUpperCase();
    default: {
      // USER, STOPSIGNAL, MAINTAINER: variables expanded, words as written.
      const expected = pattern(splitWords(instruction.argumentsText, esc).map((w) => expandWord(w, scope, esc)));
      return (recorded) => expected.test(collapse(recorded));
    }
  }
}

/** What the builders may have recorded for a RUN (without its "RUN "). */
function runCandidates({ instruction, state }: WalkedInstruction): string[] {
  if (instruction.json) return [instruction.json.join(' '), JSON.stringify(instruction.json)];
  const texts = [instruction.argumentsText];
  // BuildKit runs a `RUN <<EOF` heredoc's body as the script and records that.
  const heredoc = instruction.heredocs[0];
  if (heredoc && /^<<-?["']?[A-Za-z_]/.test(instruction.argumentsText)) texts.push(heredoc.content);
  const shells = [state.shell, DEFAULT_SHELL];
  return texts.flatMap((t) => [t, ...shells.map((s) => `${s.join(' ')} ${t}`)]);
}

function pattern(words: Segment[][]): RegExp {
  return new RegExp(`^${words.map((w) => segmentsPattern(w.map((s) => ('literal' in s ? { literal: collapseInner(s.literal) } : s)))).join(' ')}$`, 's');
}

function withoutSlash(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

function withoutTrailingSlash(segments: Segment[]): Segment[] {
  const last = segments[segments.length - 1];
  if (!last || !('literal' in last) || segments.length === 1 && last.literal === '/') return segments;
  return [...segments.slice(0, -1), { literal: last.literal.replace(/\/+$/, '') }];
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function collapseInner(text: string): string {
  return text.replace(/\s+/g, ' ');
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => collapse(x) === collapse(b[i]));
}

/** The strings of Go's %q list format or a JSON array: ["a" "b"] / ["a","b"]. */
function quotedStrings(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/"((?:[^"\\]|\\.)*)"/g)) {
    try {
      found.push(JSON.parse(`"${m[1]}"`));
    } catch {
      found.push(m[1]);
    }
  }
  return found;
}

function exposedPorts(recorded: string): Set<string> {
  const text = recorded.trim();
  const words = text.startsWith('map[') ? [...text.matchAll(/([\d-]+(?:\/\w+)?):\{\}/g)].map((m) => m[1]) : text.split(/\s+/);
  return new Set(words.flatMap(expandPorts));
}

/** "8000-8002" → 8000/tcp, 8001/tcp, 8002/tcp; "53/udp" → 53/udp. */
function expandPorts(word: string): string[] {
  const m = /^(\d+)(?:-(\d+))?(?:\/(\w+))?$/.exec(word);
  if (!m) return [word];
  const from = Number(m[1]);
  const to = m[2] ? Number(m[2]) : from;
  const protocol = (m[3] ?? 'tcp').toLowerCase();
  if (to < from || to - from > 1000) return [`${word}`];
  return Array.from({ length: to - from + 1 }, (_, i) => `${from + i}/${protocol}`);
}

function safeJson(text: string): string[] | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
  } catch {
    return undefined;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// Walks the instructions of a chain of stages (root first) keeping what the builder keeps between them:
// the variables (ARG/ENV), the working directory and the SHELL. Both the matcher (which must reproduce what
// the builder recorded) and the path rules (which resolve relative paths) need it.
import { posix } from 'node:path';
import { globalArgDefaults } from './baseImage';
import type { DockerfileInstruction, DockerfileStage, ParsedDockerfile } from './parse';
import { expandWord, isKnown, segmentsText, splitWords, type Segment } from './variables';

export interface BuildState {
  /** ARGs and ENVs in effect (ENV wins over an ARG of the same name); undefined: declared, value unknown. */
  scope: Map<string, string | undefined>;
  /** Absolute working directory, or undefined when it comes from a base image we cannot see. */
  workdir?: string;
  /** The shell of shell-form RUN/CMD/ENTRYPOINT (Linux default /bin/sh -c). */
  shell: string[];
}

export interface WalkedInstruction {
  instruction: DockerfileInstruction;
  stage: DockerfileStage;
  /** The state the instruction sees (before it takes effect). */
  state: BuildState;
}

export const DEFAULT_SHELL = ['/bin/sh', '-c'];

/** Every instruction of `chain` after its FROM, with the state it runs in. */
export function walkChain(dockerfile: ParsedDockerfile, chain: DockerfileStage[]): WalkedInstruction[] {
  const globals = globalArgDefaults(dockerfile);
  const walked: WalkedInstruction[] = [];
  let env = new Map<string, string | undefined>();
  let workdir: string | undefined;
  let shell = DEFAULT_SHELL;
  chain.forEach((stage, position) => {
    // ARGs end with their stage; ENV, WORKDIR and SHELL live on in the image a child stage builds on.
    const args = new Map<string, string | undefined>();
    if (position === 0) {
      env = new Map();
      workdir = stage.baseImage.toLowerCase() === 'scratch' ? '/' : undefined;
      shell = DEFAULT_SHELL;
    }
    for (const instruction of stage.instructions) {
      const scope = new Map([...args, ...env]);
      walked.push({ instruction, stage, state: { scope, workdir, shell } });
      const { keyword, argumentsText } = instruction;
      const esc = dockerfile.escapeChar;
      if (keyword === 'ARG') {
        for (const word of splitWords(argumentsText, esc)) {
          const eq = word.indexOf('=');
          const name = eq < 0 ? word : word.slice(0, eq);
          args.set(name, eq < 0 ? globals.get(name) : known(expandWord(word.slice(eq + 1), scope, esc)));
        }
      } else if (keyword === 'ENV') {
        for (const [name, value] of keyValues(argumentsText, esc)) env.set(name, known(expandWord(value, scope, esc)));
      } else if (keyword === 'WORKDIR') {
        const target = expandWord(argumentsText.trim(), scope, esc);
        workdir = isKnown(target) ? resolvePath(segmentsText(target), workdir) : undefined;
      } else if (keyword === 'SHELL' && instruction.json?.length) {
        shell = instruction.json;
      }
    }
  });
  return walked;
}

/** `key=value …` pairs of ENV/LABEL/ARG, or the old `ENV key value with spaces` form. Values stay raw (quoted). */
export function keyValues(text: string, escapeChar: string): [string, string][] {
  const words = splitWords(text, escapeChar);
  if (words.length && !words[0].includes('=')) {
    const rest = text.trim().slice(words[0].length).trim();
    return [[words[0], rest]];
  }
  return words.map((w) => {
    const eq = w.indexOf('=');
    return [unquote(w.slice(0, eq), escapeChar), w.slice(eq + 1)];
  });
}

/** `path` made absolute against `workdir`; undefined when it is relative and the workdir is unknown. */
export function resolvePath(path: string, workdir: string | undefined): string | undefined {
  if (path.startsWith('/')) return normalize(path);
  if (workdir === undefined) return undefined;
  return normalize(posix.join(workdir, path));
}

function normalize(path: string): string {
  const normalized = posix.normalize(path);
  return normalized.length > 1 ? normalized.replace(/\/+$/, '') : normalized;
}

function known(segments: Segment[]): string | undefined {
  return isKnown(segments) ? segmentsText(segments) : undefined;
}

function unquote(text: string, escapeChar: string): string {
  return segmentsText(expandWord(text, new Map(), escapeChar).map((s) => ('literal' in s ? s : { literal: `$${s.unknown}` })));
}

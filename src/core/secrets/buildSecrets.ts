// Secrets in an image's build metadata: the config's Env and Labels (what `docker inspect` shows anyone who
// pulls the image) and the history's `created_by` (what `docker history` shows): ENV, LABEL and ARG steps, the
// build arguments both builders write before a RUN's shell ("|1 NPM_TOKEN=… /bin/sh -c …", BuildKit with
// "RUN " in front), and tokens written into a RUN line. What is found is described by name and step only; the
// values go to the masker (masking.ts) and nowhere else.
import type { ImageConfig } from '../model/types';
import { isSecretName, isSecretValue, shapeMatches, shapeOf, type SecretShape } from './secretShapes';

export type SecretPlace = 'env' | 'arg' | 'label' | 'run';

export interface BuildSecret {
  /** The instruction it is in: an ENV, ARG or LABEL step (or the config), or a RUN (with a name: a build argument it records). */
  place: SecretPlace;
  /** `config`: the image config holds it (Env, Labels); `history`: only the build history records it. */
  matchedBy: 'config' | 'history';
  /** The variable or label name; null for a token written into a RUN line. */
  name: string | null;
  /** The history step that records it (index into the config's history); null when only the config has it. */
  step: number | null;
  /** The token form it has, or null when only its name says it is a secret. */
  shape: SecretShape | null;
  /** For a token in a step's text (no name): the step's keyword when it is not a RUN (CMD, HEALTHCHECK…). */
  keyword?: string;
}

export interface BuildSecretScan {
  secrets: BuildSecret[];
  /** The values found, for the masker only: never printed, never stored. */
  values: string[];
}

/** The secrets of an image config: its Env and Labels, and its history. */
export function scanImageConfig(config: ImageConfig): BuildSecretScan {
  const history = Array.isArray(config.history) ? config.history : [];
  return scanBuildMetadata(history.map((h) => h.created_by), config.config);
}

/** The image config's own fields that hold secrets by value: `config.Env` ("K=V") and `config.Labels`. */
export interface ConfigSettings {
  Env?: unknown;
  Labels?: unknown;
}

/** `createdBy`: each history step's `created_by`, oldest first (index = step). */
export function scanBuildMetadata(createdBy: readonly (string | undefined)[], config?: ConfigSettings): BuildSecretScan {
  const found = new Map<string, BuildSecret>();
  const values = new Set<string>();
  const add = (secret: BuildSecret, value: string | null) => {
    if (value !== null) values.add(value);
    // An ENV or LABEL is one setting wherever it is seen (the config, the step that set it); a build argument
    // is recorded again by every RUN after it, and each of those steps shows it.
    const key = secret.name === null ? `run:${secret.step}` : secret.place === 'arg' || secret.place === 'run' ? `${secret.place}:${secret.name}:${secret.step}` : `${secret.place}:${secret.name}`;
    const known = found.get(key);
    if (!known) found.set(key, secret);
    // Seen in the config and in the step that set it: one finding, by the config, with the step.
    else {
      if (known.step === null) known.step = secret.step;
      if (secret.matchedBy === 'config') known.matchedBy = 'config';
      known.shape ??= secret.shape;
    }
  };
  const setting = (place: SecretPlace, matchedBy: BuildSecret['matchedBy'], name: string, value: string, step: number | null) => {
    const shape = shapeOf(value) ?? null;
    // A token inside a longer value ("deploys with AKIA…"): only the token is hidden, the words around it stay.
    if (shape) for (const m of shapeMatches(value)) values.add(m.value);
    const byName = isSecretName(name) && isSecretValue(value);
    if (shape || byName) add({ place, matchedBy, name, step, shape }, byName ? value : null);
  };

  for (const [name, value] of configEnv(config?.Env)) setting('env', 'config', name, value, null);
  for (const [name, value] of configLabels(config?.Labels)) setting('label', 'config', name, value, null);

  createdBy.forEach((text, step) => {
    if (!text) return;
    const args = buildArguments(text);
    // The place 'run' with a name: a build argument as a RUN records it.
    for (const [name, value] of args.pairs) setting('run', 'history', name, value, step);
    const instruction = metadataInstruction(text);
    const keyword = /^[A-Z]+/.exec(instruction)?.[0];
    const rest = instruction.slice(keyword?.length ?? 0).trim();
    if (keyword === 'ENV' || keyword === 'LABEL' || keyword === 'ARG') {
      const place = keyword === 'ENV' ? 'env' : keyword === 'LABEL' ? 'label' : 'arg';
      for (const [name, value] of recordedPairs(rest)) setting(place, 'history', name, value, step);
      return;
    }
    // A token anywhere else in the step (a RUN command, a CMD): the step is the evidence.
    const tokens = shapeMatches(args.pairs.length ? args.command : text);
    const other = keyword && keyword !== 'RUN' ? { keyword } : {};
    for (const m of tokens) add({ place: 'run', matchedBy: 'history', name: null, step, shape: m.shape, ...other }, m.value);
  });
  return { secrets: [...found.values()], values: [...values] };
}

/** "K=V" strings of `config.Env`. */
function configEnv(env: unknown): [string, string][] {
  if (!Array.isArray(env)) return [];
  return env.filter((e): e is string => typeof e === 'string' && e.includes('=')).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]);
}

function configLabels(labels: unknown): [string, string][] {
  if (!labels || typeof labels !== 'object' || Array.isArray(labels)) return [];
  return Object.entries(labels as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string');
}

const BUILD_ARGS = /^(?:RUN\s+)?\|(\d+) /;

/**
 * The build arguments before a RUN's shell: the legacy builder's "|2 A=1 B=2 /bin/sh -c …" and BuildKit's
 * "RUN |2 A=1 B=2 /bin/sh -c … # buildkit". Go writes them unquoted, one space apart, so a value with a
 * space cannot be told from the command: then the rest of the text is scanned for tokens as a command.
 */
export function buildArguments(createdBy: string): { pairs: [string, string][]; command: string } {
  const head = BUILD_ARGS.exec(createdBy);
  if (!head) return { pairs: [], command: createdBy };
  let rest = createdBy.slice(head[0].length);
  const pairs: [string, string][] = [];
  for (let n = Number(head[1]); n > 0; n--) {
    const arg = /^([A-Za-z_][A-Za-z0-9_]*)=(\S*) /.exec(rest);
    if (!arg) break;
    pairs.push([arg[1], arg[2]]);
    rest = rest.slice(arg[0].length);
  }
  return { pairs, command: rest };
}

/** The instruction of a step as both builders write metadata steps: "/bin/sh -c #(nop)  ENV A=1", "ENV A=1". */
function metadataInstruction(createdBy: string): string {
  return createdBy.replace(/\s+# buildkit$/, '').replace(/^[^#]*?#\(nop\)\s+/, '').trim();
}

/**
 * The `K=V K2=V2` pairs of a recorded ENV, LABEL or ARG. The builders write them unquoted, so a value runs to
 * the next `name=` ("LABEL a=deploys with X b=1": a is "deploys with X").
 */
function recordedPairs(text: string): [string, string][] {
  const starts = [...text.matchAll(/(?:^|\s)(["']?)([A-Za-z_][A-Za-z0-9_.\-/]*)\1=/g)];
  return starts.map((m, i) => {
    const valueStart = m.index! + m[0].length;
    const valueEnd = i + 1 < starts.length ? starts[i + 1].index! : text.length;
    return [m[2], unquoted(text.slice(valueStart, valueEnd))];
  });
}

function unquoted(text: string): string {
  const t = text.trim();
  return t.length >= 2 && (t[0] === '"' || t[0] === "'") && t[t.length - 1] === t[0] ? t.slice(1, -1) : t;
}

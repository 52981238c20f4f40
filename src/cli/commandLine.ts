// Reads the command line: the command, its reference, and the options it takes. Every mistake gets one sentence
// in our words (Node's parseArgs messages talk about positionals and '--'), with the nearest known word when
// the input looks like a typo of one.
import { parseArgs } from 'node:util';
import { LayerlensError } from '../core/errors';
import { closestWord } from './closestWord';

export const COMMANDS = ['layers', 'tree', 'diff', 'compare', 'analyze', 'explain', 'packages', 'lint'] as const;
export type Command = (typeof COMMANDS)[number];

/** Every option, with the value it takes ('' for a switch). */
const OPTIONS = {
  json: '',
  host: 'HOST',
  'engine-idle-timeout': 'SECONDS',
  platform: 'OS/ARCH',
  'insecure-registry': 'HOST',
  'no-cache': '',
  help: '',
  version: '',
  layer: 'N',
  from: 'A',
  to: 'B',
  ci: '',
  'lowest-efficiency': 'RATIO',
  'highest-wasted-bytes': 'SIZE',
  'highest-user-wasted-percent': 'RATIO',
  top: 'N',
  step: 'N',
  'large-file': 'SIZE',
  image: 'REF',
  target: 'STAGE',
  ignore: 'GLOB',
  'max-growth': 'SIZE|PCT',
  format: 'FORMAT',
  dockerfile: 'PATH',
  'ci-config': 'FILE',
  'lint-config': 'FILE',
  policy: 'FILE',
} as const;
type OptionName = keyof typeof OPTIONS;
/** Options that may be given more than once (their values come as a list). */
const REPEATABLE: readonly string[] = ['ignore', 'insecure-registry'];

const EVERY_COMMAND: OptionName[] = ['json', 'host', 'engine-idle-timeout', 'platform', 'insecure-registry', 'no-cache', 'help', 'version'];
const COMMAND_OPTIONS: Record<Command, OptionName[]> = {
  layers: [],
  tree: ['layer'],
  diff: ['from', 'to'],
  compare: ['ignore', 'ci', 'max-growth', 'format', 'policy'],
  analyze: ['ci', 'lowest-efficiency', 'highest-wasted-bytes', 'highest-user-wasted-percent', 'top', 'format', 'dockerfile', 'target', 'ci-config', 'policy'],
  explain: ['layer', 'step', 'large-file'],
  packages: ['layer'],
  lint: ['image', 'target', 'format', 'lint-config'],
};

export interface CliFlags {
  json?: boolean;
  host?: string;
  'engine-idle-timeout'?: string;
  platform?: string;
  'insecure-registry'?: string[];
  'no-cache'?: boolean;
  layer?: string;
  from?: string;
  to?: string;
  ci?: boolean;
  'lowest-efficiency'?: string;
  'highest-wasted-bytes'?: string;
  'highest-user-wasted-percent'?: string;
  top?: string;
  step?: string;
  'large-file'?: string;
  image?: string;
  target?: string;
  ignore?: string[];
  'max-growth'?: string;
  format?: string;
  dockerfile?: string;
  'ci-config'?: string;
  'lint-config'?: string;
  policy?: string;
}

export type CommandLine =
  | { kind: 'help' }
  | { kind: 'version' }
  /** No command at all: the usage goes to stderr, exit 2. */
  | { kind: 'usage' }
  /** `otherRef`: compare's second image (B); the other commands take one. */
  | { kind: 'run'; command: Command; ref: string; otherRef?: string; flags: CliFlags };

export function parseCommandLine(argv: string[]): CommandLine {
  // Not strict: the tokens let us name the offending option ourselves. A value such as `--from -1` is kept.
  const { values, positionals, tokens } = parseArgs({ args: argv, options: parseArgsOptions(), allowPositionals: true, strict: false, tokens: true });
  const [word, ref, ...rest] = positionals;
  const command = COMMANDS.find((c) => c === word);
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    checkOption(token.name, token.rawName, token.value, token.inlineValue, command);
  }
  if (values.help || word === 'help') return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  if (word === undefined) return { kind: 'usage' };
  if (!command) throw new LayerlensError(unknownCommand(word), 'bad-input');
  if (!ref && command === 'compare') throw new LayerlensError('layerlens compare needs two images: layerlens compare <A> <B>.', 'bad-input');
  if (!ref) throw new LayerlensError(`layerlens ${command} needs ${command === 'lint' ? 'a Dockerfile' : 'an image reference or a path'}.`, 'bad-input');
  const [otherRef, ...extra] = command === 'compare' ? rest : [undefined, ...rest];
  if (command === 'compare' && !otherRef) throw new LayerlensError('layerlens compare needs two images: layerlens compare <A> <B>.', 'bad-input');
  if (extra.length) {
    const takes = command === 'lint' ? 'one Dockerfile' : command === 'compare' ? 'two images' : 'one image';
    throw new LayerlensError(`Unexpected argument "${extra[0]}" (layerlens ${command} takes ${takes}).`, 'bad-input');
  }
  const flags = { ...values } as CliFlags;
  return otherRef ? { kind: 'run', command, ref, otherRef, flags } : { kind: 'run', command, ref, flags };
}

function checkOption(name: string, rawName: string, value: string | undefined, inline: boolean | undefined, command: Command | undefined): void {
  if (!(name in OPTIONS)) {
    const allowed = command ? [...EVERY_COMMAND, ...COMMAND_OPTIONS[command]] : (Object.keys(OPTIONS) as OptionName[]);
    const guess = rawName.startsWith('--') ? closestWord(name, allowed) : undefined;
    throw new LayerlensError(
      guess ? `Unknown option ${rawName}: did you mean --${guess}?` : `Unknown option ${rawName} (layerlens --help lists the options).`,
      'bad-input',
    );
  }
  const option = name as OptionName;
  if (command && !EVERY_COMMAND.includes(option) && !COMMAND_OPTIONS[command].includes(option)) {
    const owners = COMMANDS.filter((c) => COMMAND_OPTIONS[c].includes(option));
    throw new LayerlensError(`--${option} is not an option of layerlens ${command} (it belongs to ${owners.length > 1 ? `${owners.slice(0, -1).join(', ')} and ${owners.at(-1)}` : owners[0]}).`, 'bad-input');
  }
  const takes = OPTIONS[option];
  if (takes === '' && value !== undefined) throw new LayerlensError(`--${option} takes no value.`, 'bad-input');
  // "--layer" last, or followed by another option: the value was forgotten. A negative number is a value.
  if (takes !== '' && (value === undefined || (!inline && /^-(?!\d)/.test(value)))) {
    throw new LayerlensError(`--${option} needs a value: --${option} ${takes}.`, 'bad-input');
  }
}

function unknownCommand(word: string): string {
  const guess = closestWord(word, COMMANDS);
  if (guess) return `Unknown command "${word}": did you mean ${guess}?`;
  return `Unknown command "${word}"; the commands are ${COMMANDS.slice(0, -1).join(', ')} and ${COMMANDS.at(-1)} (see layerlens --help).`;
}

function parseArgsOptions() {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, takes] of Object.entries(OPTIONS)) {
    options[name] = { type: takes === '' ? 'boolean' : 'string', ...(REPEATABLE.includes(name) ? { multiple: true } : {}) };
  }
  options.help.short = 'h';
  return options;
}

// `--format text|json|sarif` (lint, analyze, compare): which output a command writes. `--json` stays the same as
// `--format json`; both together must agree.
import { LayerlensError } from '../core/errors';

export const OUTPUT_FORMATS = ['text', 'json', 'sarif'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function outputFormat(flags: { json?: boolean; format?: string }): OutputFormat {
  if (flags.format === undefined) return flags.json ? 'json' : 'text';
  const format = OUTPUT_FORMATS.find((f) => f === flags.format!.trim().toLowerCase());
  if (!format) throw new LayerlensError(`--format must be text, json or sarif; "${flags.format}" is none of these.`, 'bad-input');
  if (flags.json && format !== 'json') throw new LayerlensError(`--json and --format ${format} ask for two outputs; give one of them.`, 'bad-input');
  return format;
}

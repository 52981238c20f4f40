// Reading the YAML files teams already keep (.dive-ci, .hadolint.yaml) and our own (.layerlens.yaml): the
// file's text parsed with the `yaml` package, every failure one sentence naming the file.
import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { LayerlensError, messageOf } from '../core/errors';

/** The file's content as plain data; `undefined` for an empty file. `path`: the name messages give it. */
export async function readYamlFile(file: string, path = file): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : messageOf(error);
    throw new LayerlensError(`Cannot read ${path}: ${why}.`, 'bad-input');
  }
  return parseYaml(text, path);
}

export function parseYaml(text: string, path: string): unknown {
  const document = parseDocument(text, { uniqueKeys: true });
  const error = document.errors[0];
  if (error) {
    const line = error.linePos?.[0].line;
    throw new LayerlensError(`${path}${line ? `:${line}` : ''} is not valid YAML: ${firstLine(error.message)}.`, 'bad-input');
  }
  return document.toJS() ?? undefined;
}

export function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What a value is, in the words of a sentence about a mistake. */
export function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (isMap(value)) return 'a map';
  if (value === null) return 'empty';
  return `"${String(value)}"`;
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/[.:]\s*$/, '').replace(/ at line \d+, column \d+$/, '');
}

// `.layerlens.yaml` (or `.layerlens.yml`) in the working directory, or the file named by --policy: read,
// checked against the policy's schema (core/policy/policy.ts), every mistake one line naming the file.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { LayerlensError } from '../core/errors';
import { parsePolicy, PolicyMistakes, type Policy } from '../core/policy/policy';
import { readYamlFile } from './configFile';

export const POLICY_FILES = ['.layerlens.yaml', '.layerlens.yml'];

export interface FoundPolicy {
  /** As messages name it. */
  path: string;
  policy: Policy;
}

export async function findPolicy(explicit: string | undefined, cwd: string): Promise<FoundPolicy | undefined> {
  if (explicit !== undefined) return readPolicy(explicit);
  for (const name of POLICY_FILES) {
    const exists = await access(join(cwd, name)).then(
      () => true,
      () => false,
    );
    if (exists) return readPolicy(join(cwd, name), name);
  }
  return undefined;
}

export async function readPolicy(file: string, path = file): Promise<FoundPolicy> {
  const content = await readYamlFile(file, path);
  try {
    return { path, policy: parsePolicy(content) };
  } catch (error) {
    if (!(error instanceof PolicyMistakes)) throw error;
    throw new LayerlensError(error.lines.map((line) => `${path}: ${line}`).join('\n'), 'bad-input');
  }
}

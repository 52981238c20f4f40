// Validates SARIF the way code scanning's producers are told to: with Microsoft's SARIF Multitool
// (`@microsoft/sarif-multitool`, a .NET self-contained binary run through its npm launcher) and, since the
// Multitool's own schema pass lets some mistakes through (an unknown `level`, a startLine of 0), with the
// official SARIF 2.1.0 JSON schema that the Multitool ships, through ajv.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv/dist/2020';
import { ROOT } from './engines';

const MULTITOOL = join(ROOT, 'node_modules', '@microsoft', 'sarif-multitool', 'bin.js');
const SCHEMA = join(ROOT, 'node_modules', '@microsoft', 'sarif-multitool-linux', 'sarif-2.1.0.json');

let validateSchema: ((log: unknown) => boolean) & { errors?: unknown[] | null } | undefined;

export interface SarifProblems {
  /** The Multitool's `error` lines ("file(1,2): error JSON1002: …"). Its warnings are advice, not faults. */
  multitool: string[];
  /** ajv's schema errors, one line each. */
  schema: string[];
}

export function validateSarif(text: string): SarifProblems {
  const dir = mkdtempSync(join(tmpdir(), 'layerlens-sarif-'));
  const file = join(dir, 'out.sarif');
  writeFileSync(file, text);
  const run = spawnSync(process.execPath, [MULTITOOL, 'validate', file], { encoding: 'utf8' });
  const output = `${run.stdout}\n${run.stderr}`;
  // A Multitool that did not run at all must fail the test, not pass it quietly.
  if (run.status !== 0 || !/Analysis completed successfully/.test(output)) throw new Error(`SARIF Multitool did not run (exit ${run.status}): ${output}`);
  const multitool = output.split('\n').filter((line) => /: error [A-Z]+\d+:/.test(line));

  if (!validateSchema) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    validateSchema = ajv.compile(JSON.parse(readFileSync(SCHEMA, 'utf8')));
  }
  const ok = validateSchema(JSON.parse(text));
  const schema = ok ? [] : (validateSchema.errors ?? []).map((e) => JSON.stringify(e));
  return { multitool, schema };
}

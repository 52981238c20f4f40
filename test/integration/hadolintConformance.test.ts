// hadolint's own rule test cases (../shared/conformance/hadolint, outside this repository) run through the built
// `layerlens lint --json`: every case must pass, the deliberate differences marked "allowed" in cases.jsonl
// counting as passed. The suite is required: without it this test fails, it does not skip.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { conformanceDirectory } from '../support/conformanceSuites';

const ROOT = join(__dirname, '..', '..');
const SUITE = join(conformanceDirectory(), 'hadolint');
const CLI = join(ROOT, 'dist', 'cli.js');

test("hadolint's rule tests: every case passes (layerlens lint --json on each)", () => {
  assert.ok(existsSync(join(SUITE, 'run.py')), `The hadolint conformance suite is missing: expected ${SUITE}/run.py (see issue 15).`);
  assert.ok(existsSync(CLI), `${CLI} is missing: build first (npm run build).`);
  const cases = readFileSync(join(SUITE, 'cases.jsonl'), 'utf8').split('\n').filter((l) => l.trim()).length;

  const run = spawnSync('python3', [join(SUITE, 'run.py'), '--cli', 'dist/cli.js'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(run.error, undefined, `python3 could not run: ${run.error?.message}`);
  const out = run.stdout.trimEnd().split('\n');
  const failures = out.filter((l) => l.startsWith('FAIL')).join('\n');
  assert.equal(out[out.length - 1], `${cases} passed, 0 failed`, `${failures}\n${run.stderr}`);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(out.filter((l) => /^(PASS|ALLOWED) /.test(l)).length, cases, 'one PASS or ALLOWED line per case');
});

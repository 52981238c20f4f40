// `.dive-ci` and `--ci-config` against a real fixture image: the file changes the limits and the exit code as
// dive's would (its keys, its value forms, disabled/off/false, defaults for what it leaves out), options on the
// command line override it, one stderr line names it, and every mistake in it is one sentence with exit 2.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from './support/cli';
import { fixtureName, oneEngine } from './support/engines';

const engine = oneEngine();
// findings:legacy: efficiency ~84.5 %, user wasted ~22 %, ~1 MB wasted (dive's defaults fail it twice).
const image = fixtureName(engine, 'layerlens-test/findings:legacy');
const cache = mkdtempSync(join(tmpdir(), 'layerlens-diveci-cache-'));
const env = { DOCKER_HOST: engine.host, LAYERLENS_CACHE_DIR: cache };

interface CiJson {
  ci: { pass: boolean; rules: { rule: string; limit: number; pass: boolean }[] };
}

/** A fresh directory holding `.dive-ci` with `text` (or none). */
function project(text?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'layerlens-diveci-'));
  if (text !== undefined) writeFileSync(join(dir, '.dive-ci'), text);
  return dir;
}

async function analyze(cwd: string, ...args: string[]) {
  const r = await runCli(['analyze', image, '--ci', '--json', ...args], env, { cwd });
  const report = r.stdout ? (JSON.parse(r.stdout) as CiJson) : undefined;
  return { ...r, rules: report?.ci.rules.map((x) => [x.rule, x.limit, x.pass]) };
}

const USED = /^CI rules from \.dive-ci \(options on the command line override it\)\.\n$/;

describe('.dive-ci', () => {
  test("none: dive's defaults (efficiency 0.9, user waste 0.1), and no line about a file", async () => {
    const r = await analyze(project());
    assert.equal(r.code, 1);
    assert.deepEqual(r.rules, [['lowestEfficiency', 0.9, false], ['highestUserWastedPercent', 0.1, false]]);
    assert.equal(r.stderr, '');
  });

  test("dive's own example file (camelCase keys, 20MB, 0.20): its limits, exit 0 when they hold", async () => {
    const r = await analyze(project('rules:\n  lowestEfficiency: 0.80\n  highestWastedBytes: 20MB\n  highestUserWastedPercent: 0.30\n'));
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.rules, [['lowestEfficiency', 0.8, true], ['highestWastedBytes', 20_000_000, true], ['highestUserWastedPercent', 0.3, true]]);
    assert.match(r.stderr, USED);
  });

  test('a stricter file fails the build: highestWastedBytes 1KB', async () => {
    const r = await analyze(project('rules:\n  lowestEfficiency: off\n  highestWastedBytes: 1KB\n  highestUserWastedPercent: off\n'));
    assert.equal(r.code, 1);
    assert.deepEqual(r.rules, [['highestWastedBytes', 1000, false]]);
  });

  test('disabled, off and false (any case) disable a rule; a rule left out or empty keeps its default', async () => {
    for (const word of ['disabled', 'off', 'false', 'OFF', '"False"']) {
      const r = await analyze(project(`rules:\n  lowestEfficiency: ${word}\n  highestUserWastedPercent: ${word}\n`));
      assert.equal(r.code, 0, `${word}: ${r.stderr}`);
      assert.deepEqual(r.rules, [], word);
    }
    const r = await analyze(project('rules:\n  lowestEfficiency:\n  highestUserWastedPercent: off\n'));
    assert.deepEqual(r.rules, [['lowestEfficiency', 0.9, false]]);
    assert.equal(r.code, 1);
  });

  test('options on the command line override the file', async () => {
    const dir = project('rules:\n  lowestEfficiency: 0.5\n  highestUserWastedPercent: off\n');
    const r = await analyze(dir, '--lowest-efficiency', '0.95');
    assert.equal(r.code, 1);
    assert.deepEqual(r.rules, [['lowestEfficiency', 0.95, false]]);
    const off = await analyze(dir, '--lowest-efficiency', 'off');
    assert.deepEqual([off.code, off.rules], [0, []]);
  });

  test('--ci-config names another file (and the line says which); one that does not exist is an error', async () => {
    const dir = project('rules:\n  lowestEfficiency: 0.99\n');
    const other = join(dir, 'ci', 'dive.yaml');
    mkdirSync(join(dir, 'ci'));
    writeFileSync(other, 'rules:\n  lowestEfficiency: 0.5\n  highestUserWastedPercent: 0.5\n');
    const r = await analyze(dir, '--ci-config', other);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.rules, [['lowestEfficiency', 0.5, true], ['highestUserWastedPercent', 0.5, true]]);
    assert.equal(r.stderr, `CI rules from ${other} (options on the command line override it).\n`);
    const missing = await analyze(dir, '--ci-config', join(dir, 'nope.yaml'));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^layerlens: Cannot read .*nope\.yaml: no such file\.\n$/);
  });

  test('mistakes in the file: one sentence naming the file and key, exit 2, before the image is read', async () => {
    const cases: [string, RegExp][] = [
      ['rules:\n  lowestEfficiency: 1.5\n', /^layerlens: \.dive-ci: rules\.lowestEfficiency 1\.5 is outside the range dive allows, 0 to 1 \(0% to 100%\)\.\n$/],
      ['rules:\n  highestWastedBytes: lots\n', /^layerlens: \.dive-ci: rules\.highestWastedBytes must be a size such as 20MB, or off; "lots" is not one\.\n$/],
      ['rules:\n  highestUserWastedPercent: [0.1]\n', /^layerlens: \.dive-ci: rules\.highestUserWastedPercent must be one value, such as 0\.9, 20MB or off; it is a list\.\n$/],
      ['rules: strict\n', /^layerlens: \.dive-ci: "rules" must be a map .*; it is "strict"\.\n$/],
      ['rules:\n  lowestEfficiency: [0.9\n', /^layerlens: \.dive-ci(:\d+)? is not valid YAML: .+\.\n$/],
    ];
    for (const [text, stderr] of cases) {
      const r = await runCli(['analyze', image, '--ci'], { ...env, DOCKER_HOST: 'unix:///nonexistent.sock' }, { cwd: project(text) });
      assert.equal(r.code, 2, text);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, stderr, text);
    }
  });
});

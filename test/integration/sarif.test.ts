// `--format sarif` against the real fixture images: the output of `lint` (with and without --image) and of
// `analyze --ci` (with and without --dockerfile) passes Microsoft's SARIF Multitool and the official 2.1.0
// schema, and says exactly what the JSON outputs say: the same rules on the same lines, every layer's findings,
// the rules that failed.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { analyzeImage } from '../../src/core/analysis/analysis';
import { explainLayers } from '../../src/core/explain/explainLayer';
import { loadImage } from '../../src/docker/imageLoader';
import { runCli } from './support/cli';
import { connect, fixtureName, oneEngine, ROOT } from './support/engines';
import { validateSarif } from './support/sarifValidator';

const engine = oneEngine();
const work = mkdtempSync(join(tmpdir(), 'layerlens-sarif-test-'));
const env = { DOCKER_HOST: engine.host, LAYERLENS_CACHE_DIR: join(work, 'cache') };
const dockerfileOf = (fixture: string) => join(ROOT, 'test', 'fixtures', fixture, 'Dockerfile');

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number; startColumn?: number } }; logicalLocations?: { fullyQualifiedName: string }[] }[];
  properties?: Record<string, unknown>;
}
interface SarifOutput {
  version: string;
  runs: { tool: { driver: { name: string; rules: { id: string; helpUri?: string; shortDescription: { text: string } }[] } }; results: SarifResult[] }[];
}

async function sarif(args: string[], expectedCode: number): Promise<SarifOutput> {
  const r = await runCli([...args, '--format', 'sarif'], env);
  assert.equal(r.code, expectedCode, r.stderr);
  const problems = validateSarif(r.stdout);
  assert.deepEqual(problems, { multitool: [], schema: [] }, `${args.join(' ')}: the SARIF is not valid`);
  const log = JSON.parse(r.stdout) as SarifOutput;
  assert.equal(log.version, '2.1.0');
  assert.equal(log.runs.length, 1);
  const { rules } = log.runs[0].tool.driver;
  for (const result of log.runs[0].results) assert.equal(rules[result.ruleIndex].id, result.ruleId, 'ruleIndex points at the rule');
  return log;
}

async function lintJson(args: string[]): Promise<{ line: number; ruleId: string; severity: string; message: string }[]> {
  const r = await runCli([...args, '--json'], env);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  return (JSON.parse(r.stdout) as { findings: { line: number; ruleId: string; severity: string; message: string }[] }).findings;
}

/** The 1-based line of the first Dockerfile line containing `text`. */
function lineOf(file: string, text: string): number {
  const index = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text));
  assert.ok(index >= 0, text);
  return index + 1;
}

describe('lint --format sarif', () => {
  test('the static findings: the same rules on the same lines as --json, levels from severities, DL rules with their wiki page', async () => {
    const file = join(work, 'Dockerfile');
    writeFileSync(file, 'FROM debian\nRUN apt-get update && apt-get install -y curl\nADD app.tar /app/\nRUN echo a\nRUN echo b\n');
    const log = await sarif(['lint', file], 0);
    const expected = await lintJson(['lint', file]);
    const results = log.runs[0].results;
    assert.deepEqual(
      results.map((r) => [r.ruleId, r.locations[0].physicalLocation.region?.startLine]),
      expected.map((f) => [f.ruleId, f.line]),
    );
    const levels: Record<string, string> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };
    assert.deepEqual(results.map((r) => r.level), expected.map((f) => levels[f.severity]));
    assert.ok(results.every((r) => r.locations[0].physicalLocation.artifactLocation.uri === `file://${file}`));
    assert.ok(results.every((r) => (r.locations[0].physicalLocation.region?.startColumn ?? 0) >= 1));
    assert.ok(results.some((r) => r.ruleId === 'DL3006'), 'FROM debian has no tag');
    const rules = log.runs[0].tool.driver.rules;
    assert.equal(rules.find((r) => r.id === 'DL3006')?.helpUri, 'https://github.com/hadolint/hadolint/wiki/DL3006');
    assert.equal(rules.find((r) => r.id === 'LL1004')?.helpUri, undefined, "Layerlens' own rules have no page to point at");
  });

  test('a relative path stays relative (code scanning resolves it from the repository root)', async () => {
    const r = await runCli(['lint', 'test/fixtures/basics/Dockerfile', '--format', 'sarif'], env, { cwd: ROOT });
    assert.deepEqual(validateSarif(r.stdout), { multitool: [], schema: [] });
    const log = JSON.parse(r.stdout) as SarifOutput;
    assert.ok(log.runs[0].results.length > 0);
    assert.ok(log.runs[0].results.every((x) => x.locations[0].physicalLocation.artifactLocation.uri === 'test/fixtures/basics/Dockerfile'));
  });

  test('with --image: the image-backed warnings too, on the lines --json gives, exit 1', async () => {
    for (const builder of ['legacy', 'buildkit']) {
      const args = ['lint', dockerfileOf('basics'), '--image', fixtureName(engine, `layerlens-test/basics:${builder}`)];
      const log = await sarif(args, 1);
      const expected = await lintJson(args);
      assert.deepEqual(log.runs[0].results.map((r) => [r.ruleId, r.locations[0].physicalLocation.region?.startLine, r.message.text]), expected.map((f) => [f.ruleId, f.line, f.message]));
      assert.ok(expected.some((f) => f.ruleId === 'LL2001'), builder);
    }
  });

  test('no findings: an empty, valid result list; exit 0', async () => {
    const clean = join(work, 'clean.Dockerfile');
    writeFileSync(clean, 'FROM debian:12.5\nUSER 1000\n');
    const log = await sarif(['lint', clean], 0);
    assert.deepEqual(log.runs[0].results, []);
  });
});

describe('analyze --ci --format sarif', () => {
  const image = fixtureName(engine, 'layerlens-test/findings:legacy');

  async function expectedFindings(): Promise<[string, number][]> {
    const model = (await loadImage(image, { engine: () => connect(engine) })).model;
    return explainLayers(model, analyzeImage(model)).flatMap((e) => e.findings.map((f) => [f.ruleId, e.layer] as [string, number]));
  }

  test('without --dockerfile: the failed rules and every layer finding, on the image reference with layer and paths', async () => {
    const log = await sarif(['analyze', image, '--ci'], 1);
    const results = log.runs[0].results;
    const json = JSON.parse((await runCli(['analyze', image, '--ci', '--json'], env)).stdout) as { ci: { rules: { rule: string; pass: boolean }[] } };
    const failed = json.ci.rules.filter((r) => !r.pass).map((r) => r.rule);
    assert.ok(failed.length > 0, 'the fixture wastes bytes');
    assert.deepEqual(results.filter((r) => failed.includes(r.ruleId)).map((r) => [r.ruleId, r.level]), failed.map((id) => [id, 'error']));
    const findings = results.filter((r) => /^LL\d{4}$/.test(r.ruleId) && r.properties?.layer !== undefined);
    // The build-metadata secret of the RUN that wrote the credentials is said once, with that layer's findings.
    assert.equal(results.filter((r) => r.ruleId === 'LL3001' && r.properties?.matchedBy === 'history').length, 1);
    assert.deepEqual(findings.map((r) => [r.ruleId, r.properties?.layer]), await expectedFindings());
    const uri = image.split('/').map(encodeURIComponent).join('/');
    for (const r of findings) {
      assert.equal(r.locations[0].physicalLocation.artifactLocation.uri, uri);
      assert.equal(r.locations[0].physicalLocation.region, undefined);
      assert.match(r.message.text, new RegExp(`Layer ${r.properties?.layer} \\(build step \\d+\\): \\S`));
      assert.ok(Array.isArray(r.properties?.paths) && (r.properties.paths as string[]).length > 0);
      assert.equal(r.properties?.image, image);
    }
    const git = findings.find((r) => r.ruleId === 'LL2004');
    assert.ok(git && git.message.text.includes('/src/.git') && git.level === 'warning', JSON.stringify(git));
    assert.ok(findings.some((r) => r.ruleId === 'LL3001' && r.level === 'error'), 'secrets are errors');
    assert.ok(log.runs[0].tool.driver.rules.some((r) => r.id === 'lowestEfficiency' && r.helpUri?.includes('dive')));
  });

  test('with --dockerfile: each finding on the line that made its layer, both builders; the rules on the FROM line', async () => {
    const file = dockerfileOf('findings');
    for (const builder of ['legacy', 'buildkit']) {
      const ref = fixtureName(engine, `layerlens-test/findings:${builder}`);
      const log = await sarif(['analyze', ref, '--ci', '--dockerfile', file], 1);
      const at = (ruleId: string) => log.runs[0].results.filter((r) => r.ruleId === ruleId).map((r) => r.locations[0].physicalLocation);
      const fileUri = `file://${file}`;
      assert.deepEqual(at('LL2002').map((l) => [l.artifactLocation.uri, l.region?.startLine]), [[fileUri, lineOf(file, 'mkdir -p /var/lib/apt/lists/partial')], [fileUri, lineOf(file, 'mkdir -p /var/lib/apt/lists/partial')], [fileUri, lineOf(file, 'mkdir -p /var/lib/apt/lists/partial')]], builder);
      assert.deepEqual(at('LL2004').map((l) => l.region?.startLine), [lineOf(file, 'mkdir -p /tmp /var/tmp /src/.git')], builder);
      assert.deepEqual(at('LL3002').map((l) => l.region?.startLine), [lineOf(file, 'mkdir -p /usr/local/bin /srv/shared')], builder);
      assert.deepEqual(at('lowestEfficiency').map((l) => l.region?.startLine), [lineOf(file, 'FROM scratch')], builder);
    }
  });

  test('a --dockerfile the image was not built from is refused in one sentence, exit 2', async () => {
    const r = await runCli(['analyze', image, '--ci', '--format', 'sarif', '--dockerfile', dockerfileOf('basics')], env);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^layerlens: \S+ was not built from .*basics\/Dockerfile: only \d+ of its \d+ instructions match the image's build steps\.\n$/);
  });

  test('passing rules give no result; exit 0 when none fails', async () => {
    const log = await sarif(['analyze', image, '--ci', '--lowest-efficiency', 'off', '--highest-user-wasted-percent', 'off'], 0);
    assert.ok(!log.runs[0].results.some((r) => ['lowestEfficiency', 'highestWastedBytes', 'highestUserWastedPercent'].includes(r.ruleId)));
    assert.ok(log.runs[0].results.length > 0, 'the findings are still there');
  });

  test('option mistakes: one sentence, exit 2, before the image is read', async () => {
    const cases: [string[], RegExp][] = [
      [['analyze', image, '--ci', '--format', 'xml'], /^layerlens: --format must be text, json or sarif; "xml" is none of these\.\n$/],
      [['analyze', image, '--format', 'sarif'], /^layerlens: --format sarif reports rules: add --ci/],
      [['analyze', image, '--ci', '--json', '--format', 'sarif'], /^layerlens: --json and --format sarif ask for two outputs; give one of them\.\n$/],
      [['lint', dockerfileOf('basics'), '--format', 'yaml'], /^layerlens: --format must be text, json or sarif/],
      [['analyze', image, '--ci', '--format', 'sarif', '--dockerfile', join(work, 'missing')], /^layerlens: Cannot read .*missing: no such file\.\n$/],
    ];
    for (const [args, stderr] of cases) {
      const r = await runCli(args, { ...env, DOCKER_HOST: 'unix:///nonexistent.sock' });
      assert.equal(r.code, 2, args.join(' '));
      assert.equal(r.stdout, '');
      assert.match(r.stderr, stderr);
    }
  });
});

describe('compare --ci --format sarif', () => {
  const [refA, refB] = ['compare-a', 'compare-b'].map((f) => fixtureName(engine, `layerlens-test/${f}:buildkit`));

  test('B grown beyond --max-growth: one valid result on B naming the growth; within it: the rule and no result', async () => {
    const json = await runCli(['compare', refA, refB, '--json'], env);
    assert.equal(json.code, 0, json.stderr);
    const delta = (JSON.parse(json.stdout) as { sizeDelta: number }).sizeDelta;
    assert.ok(delta > 1024 * 1024, `B is more than 1 MB larger than A (${delta} B)`);
    const over = await sarif(['compare', refA, refB, '--ci', '--max-growth', '1MB'], 1);
    const [result, ...rest] = over.runs[0].results;
    assert.equal(rest.length, 0);
    assert.equal(result.ruleId, 'max-growth');
    assert.equal(result.level, 'error');
    assert.ok(result.message.text.startsWith(`${refB} is `), result.message.text);
    assert.equal(result.properties?.growth, delta);
    const within = await sarif(['compare', refA, refB, '--ci', '--max-growth', '1000%'], 0);
    assert.deepEqual(within.runs[0].results, []);
    assert.deepEqual(within.runs[0].tool.driver.rules.map((r) => r.id), ['max-growth']);
  });

  test("the limit can come from .layerlens.yaml's max-growth rule, reported under that rule's id", async () => {
    const dir = mkdtempSync(join(work, 'policy-'));
    writeFileSync(join(dir, '.layerlens.yaml'), 'rules:\n  - id: no-bloat\n    max-growth: 1MB\n');
    const r = await runCli(['compare', refA, refB, '--ci', '--format', 'sarif'], env, { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /no-bloat of \.layerlens\.yaml/);
    assert.deepEqual(validateSarif(r.stdout), { multitool: [], schema: [] });
    assert.equal((JSON.parse(r.stdout) as SarifOutput).runs[0].results[0].ruleId, 'no-bloat');
    const none = await runCli(['compare', refA, refB, '--ci'], env, { cwd: mkdtempSync(join(work, 'empty-')) });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /needs --max-growth .* or a max-growth rule in \.layerlens\.yaml\.$/m);
  });

  test('--format sarif without --ci is refused in one line', async () => {
    const r = await runCli(['compare', refA, refB, '--format', 'sarif'], env);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  });
});

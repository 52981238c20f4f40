// Secrets in build metadata on real engines: the fixture test/fixtures/secrets (both builders, every engine)
// carries fake tokens in ENV, LABEL, ARG and RUN lines. Its findings must name every variable and step, and no
// output may hold any of the values: the CLI's layers, analyze and lint --image (text, --json, SARIF) on every
// image, tree and diff on one engine (they show no metadata), and the explanation of every layer and every
// step, text and JSON — through the CLI for one step and one layer of each image, and in-process for all of
// them (the same functions explainCommand prints, on the model read once, which keeps the run short).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { analyzeImage } from '../../src/core/analysis/analysis';
import { explainLayer, explainStep } from '../../src/core/explain/explainLayer';
import type { Finding } from '../../src/core/explain/explanation';
import { explanationToText } from '../../src/core/explain/plainText';
import { IndexCache } from '../../src/core/index/indexCache';
import { loadImage } from '../../src/docker/imageLoader';
import { runCli } from './support/cli';
import { connect, fixtureName, oneEngine, ROOT, testEngines } from './support/engines';

const DOCKERFILE = join(ROOT, 'test', 'fixtures', 'secrets', 'Dockerfile');

/** The secret values of the fixture, exactly as its Dockerfile writes them. */
const VALUES = [
  'ghp_LayerlensFakeToken0123456789abcdefABCD',
  'github_pat_LayerlensFake0123456789_abcdefghijKLMNOP',
  'layerlens-fake-db-password',
  'xoxb-0000000000-LayerlensFakeSlackToken',
  'AKIALAYERLENSFAKE001',
  'npm_LayerlensFakeToken0123456789abcdefAB',
  'pypi-AgEIcHlwaS5vcmcLayerlensFakeToken',
  'LayerlensFakeSecretAccessKey0123456789ab',
  'LayerlensFakeRunToken42',
];
/** What a partial leak would still show: each value's secret part, past its public prefix. */
const SECRET_PARTS = VALUES.map((v) => v.replace(/^(?:ghp_|github_pat_|xoxb-|AKIA|npm_|pypi-)/, ''));

function assertNoValue(output: string, what: string): void {
  for (const part of SECRET_PARTS) assert.ok(!output.includes(part), `${what} shows a secret value (${part.slice(0, 6)}…)`);
}

test('the fixture carries every value this test looks for', () => {
  const dockerfile = readFileSync(DOCKERFILE, 'utf8');
  for (const value of VALUES) assert.ok(dockerfile.includes(value), value);
});

/** The evidence the findings must name, from the image's own (masked) step list: every variable and every step. */
function expectedEvidence(steps: { index: number; instruction: string }[]): { config: string[]; history: string[] } {
  const stepOf = (re: RegExp) => {
    const step = steps.find((s) => re.test(s.instruction));
    assert.ok(step, `no step reads ${re}`);
    return step.index;
  };
  const argsRun = stepOf(/^RUN mkdir -p \/app/);
  const literalRun = stepOf(/^RUN echo "aws_secret_access_key=/);
  return {
    config: ['ENV GITHUB_TOKEN', 'ENV CI_NOTE', 'ENV DB_PASSWORD', 'LABEL com.example.slack-token', 'LABEL com.example.notes'].sort(),
    history: [
      'ARG NPM_TOKEN',
      'ARG PYPI_TOKEN',
      `ARG NPM_TOKEN in the RUN of step ${argsRun}`,
      `ARG PYPI_TOKEN in the RUN of step ${argsRun}`,
      `ARG NPM_TOKEN in the RUN of step ${literalRun}`,
      `ARG PYPI_TOKEN in the RUN of step ${literalRun}`,
      `RUN of step ${literalRun} (an AWS secret access key)`,
    ].sort(),
  };
}

function evidenceOf(findings: Finding[], matchedBy: 'config' | 'history'): string[] {
  return findings.filter((f) => f.id === 'secret' && f.matchedBy === matchedBy).flatMap((f) => f.evidence.map((e) => e.path)).sort();
}

for (const info of testEngines()) {
  describe(`secrets in build metadata on engine ${info.name} (${info.saveFormat}, ${info.version})`, () => {
    for (const builder of ['legacy', 'buildkit']) {
      const image = fixtureName(info, `layerlens-test/secrets:${builder}`);
      const cacheDir = mkdtempSync(join(tmpdir(), 'layerlens-secrets-'));
      const cli = (...args: string[]) => runCli([...args, '--host', info.host], { LAYERLENS_CACHE_DIR: cacheDir });

      test(`${image}: analyze finds every variable and step, as security findings; layers, analyze and lint --image show no value`, async () => {
        const layersJson = await cli('layers', image, '--json');
        assert.equal(layersJson.code, 0, layersJson.stderr);
        assertNoValue(layersJson.stdout + layersJson.stderr, 'layers --json');
        const steps = (JSON.parse(layersJson.stdout) as { steps: { index: number; instruction: string; createdBy: string }[] }).steps;
        // Masked, not dropped: the reader still sees which token it was.
        assert.ok(steps.some((s) => s.instruction === 'ENV GITHUB_TOKEN=ghp_****' && /GITHUB_TOKEN=ghp_\*\*\*\*/.test(s.createdBy)), 'the ENV step shows ghp_****');
        assert.ok(steps.some((s) => /NPM_TOKEN=npm_\*\*\*\* /.test(s.createdBy) && /^RUN mkdir/.test(s.instruction)), 'the RUN records NPM_TOKEN=npm_****');

        const analyzeJson = await cli('analyze', image, '--json');
        assert.equal(analyzeJson.code, 0, analyzeJson.stderr);
        assertNoValue(analyzeJson.stdout + analyzeJson.stderr, 'analyze --json');
        const secrets = (JSON.parse(analyzeJson.stdout) as { secrets: Finding[] }).secrets;
        const expected = expectedEvidence(steps);
        assert.deepEqual(evidenceOf(secrets, 'config'), expected.config);
        assert.deepEqual(evidenceOf(secrets, 'history'), expected.history);
        for (const f of secrets) {
          assert.equal(f.severity, 'security');
          assert.equal(f.ruleId, 'LL3001');
          assert.match(f.fix, /--mount=type=secret/);
        }
        // Ordinary settings are not secrets.
        assert.ok(!secrets.some((f) => f.evidence.some((e) => /PATH|HOME|LANG|GPG_KEY|fixture-hash/.test(e.path))), JSON.stringify(secrets));

        for (const args of [
          ['layers', image],
          ['analyze', image],
          ['lint', DOCKERFILE, '--image', image],
          ['lint', DOCKERFILE, '--image', image, '--json'],
          ['lint', DOCKERFILE, '--image', image, '--format', 'sarif'],
          ['analyze', image, '--ci', '--format', 'sarif'],
          ['analyze', image, '--ci', '--format', 'sarif', '--dockerfile', DOCKERFILE],
        ]) {
          const r = await cli(...args);
          assert.ok(r.code === 0 || r.code === 1, `${args.join(' ')}: ${r.stderr}`);
          assertNoValue(r.stdout + r.stderr, args.join(' '));
        }
        const analyzeText = await cli('analyze', image);
        for (const name of [...expected.config, ...expected.history]) assert.ok(analyzeText.stdout.includes(name), `analyze names ${name}`);
        assert.match(analyzeText.stdout, /ENV GITHUB_TOKEN=ghp_\*\*\*\*/);
      });

      test(`${image}: lint --image flags each secret ENV and ARG by name, and matches every line to its masked step`, async () => {
        const r = await cli('lint', DOCKERFILE, '--image', image, '--json');
        assert.equal(r.code, 1, r.stderr);
        const report = JSON.parse(r.stdout) as { findings: { line: number; ruleId: string; message: string }[]; image: { matched: number; total: number; changedLines: number[] } };
        const lines = readFileSync(DOCKERFILE, 'utf8').split('\n');
        const lineOf = (start: string) => lines.findIndex((l) => l.startsWith(start)) + 1;
        const flagged = report.findings.filter((f) => f.ruleId === 'SecretsUsedInArgOrEnv').map((f) => f.line);
        assert.deepEqual(flagged, ['ENV GITHUB_TOKEN', 'ENV CI_NOTE', 'ENV DB_PASSWORD', 'ARG NPM_TOKEN', 'ARG PYPI_TOKEN'].map(lineOf));
        // The RUN layers that record the build arguments carry the image-backed LL3001 on their lines.
        const ll3001 = report.findings.filter((f) => f.ruleId === 'LL3001').map((f) => f.line);
        assert.deepEqual(ll3001, [lineOf('RUN mkdir -p /app'), lineOf('RUN echo "aws_secret_access_key=')]);
        // Every instruction matched its step, the masked ENV, LABEL, ARG and RUN ones included.
        assert.equal(report.image.matched, report.image.total, JSON.stringify(report.image));
        assert.deepEqual(report.image.changedLines, []);
      });

      test(`${image}: the explanation of every layer and every step, text and JSON, names its secrets and shows no value`, async () => {
        const model = (await loadImage(image, { engine: () => connect(info), cache: new IndexCache(cacheDir) })).model;
        const analysis = analyzeImage(model);
        const named = new Set<string>();
        for (let step = 0; step < model.steps.length; step++) {
          const e = explainStep(model, analysis, step, { imageReference: image });
          assertNoValue(JSON.stringify(e, null, 2), `explain --step ${step} --json`);
          assertNoValue(explanationToText(e), `explain --step ${step}`);
          const findings = e.findings.filter((f) => f.id === 'secret');
          for (const f of findings) for (const ev of f.evidence) named.add(ev.path);
          if (/^ENV (GITHUB_TOKEN|CI_NOTE|DB_PASSWORD)=|^LABEL com\.example\.slack-token|^ARG /.test(model.steps[step].instruction)) {
            assert.ok(findings.length > 0, `step ${step} (${model.steps[step].instruction}) has its secret finding`);
          }
          if (/^ENV (PATH|GPG_KEY)=/.test(model.steps[step].instruction)) assert.deepEqual(findings, [], `step ${step} has none`);
        }
        for (let layer = 0; layer < model.layerCount; layer++) {
          const e = explainLayer(model, analysis, layer, { imageReference: image });
          assertNoValue(JSON.stringify(e, null, 2), `explain --layer ${layer} --json`);
          assertNoValue(explanationToText(e), `explain --layer ${layer}`);
        }
        const expected = expectedEvidence(model.steps);
        assert.deepEqual([...named].sort(), [...expected.config, ...expected.history].sort());

        // The CLI prints those very explanations: one step and one layer of each, both ways.
        const envStep = model.steps.find((s) => s.instruction.startsWith('ENV GITHUB_TOKEN='))!.index;
        const argsLayer = model.steps.find((s) => s.instruction.startsWith('RUN mkdir -p /app'))!.layerIndex!;
        for (const args of [['--step', String(envStep)], ['--step', String(envStep), '--json'], ['--layer', String(argsLayer)], ['--layer', String(argsLayer), '--json']]) {
          const r = await cli('explain', image, ...args);
          assert.equal(r.code, 0, r.stderr);
          assertNoValue(r.stdout + r.stderr, `explain ${args.join(' ')}`);
          assert.match(r.stdout, args[0] === '--step' ? /ENV GITHUB_TOKEN/ : /ARG NPM_TOKEN in the RUN of step/);
        }
      });
    }
  });
}

describe('secrets: tree and diff (paths only) on one engine', () => {
  const info = oneEngine();
  for (const builder of ['legacy', 'buildkit']) {
    test(`layerlens-test/secrets:${builder}: tree and diff, text and --json, show no value`, async () => {
      const image = fixtureName(info, `layerlens-test/secrets:${builder}`);
      for (const args of [['tree', image], ['tree', image, '--json'], ['diff', image, '--from', '-1', '--to', '3'], ['diff', image, '--from', '-1', '--to', '3', '--json']]) {
        const r = await runCli([...args, '--host', info.host]);
        assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
        assertNoValue(r.stdout + r.stderr, args.join(' '));
      }
    });
  }
});

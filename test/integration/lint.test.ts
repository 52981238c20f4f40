// `layerlens lint` against the real fixture Dockerfiles and their images on every engine: each fixture matches
// its image 100 % with both builders, an edited copy marks exactly the edited lines, the image-backed warning
// fires where a RUN deletes earlier files (one finding per rm, not two), the editor's findings for each fixture
// are exactly the CLI's, and the exit codes and JSON contract hold.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { analyzeImage } from '../../src/core/analysis/analysis';
import { matchDockerfile, parseDockerfile } from '../../src/core/dockerfile';
import { loadImage } from '../../src/docker/imageLoader';
import { explainEveryLayer, imageFacts } from '../../src/dockerfile/imageFacts';
import { knownTarget, linkedFindings } from '../../src/dockerfile/linkedFindings';
import { runCli } from './support/cli';
import { connect, fixtureName, oneEngine, ROOT, testEngines } from './support/engines';

const FIXTURES = ['basics', 'whiteouts', 'names'];
const BUILDERS = ['legacy', 'buildkit'];
const work = mkdtempSync(join(tmpdir(), 'layerlens-lint-'));
const cacheDir = join(work, 'cache');
const dockerfileOf = (fixture: string) => join(ROOT, 'test', 'fixtures', fixture, 'Dockerfile');

interface LintJson {
  findings: { line: number; ruleId: string; severity: string; message: string; fix: null | { title: string; edits: { range: Record<string, number>; newText: string }[] } }[];
  image?: { ref: string; id: string; matched: number; total: number; score: number; changedLines: number[] };
}

async function lintJson(args: string[], host: string): Promise<{ code: number | null; report: LintJson; stderr: string }> {
  const r = await runCli(['lint', ...args, '--json', '--host', host], { LAYERLENS_CACHE_DIR: cacheDir });
  assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr}`);
  return { code: r.code, report: JSON.parse(r.stdout) as LintJson, stderr: r.stderr };
}

describe('layerlens lint --image: the fixture Dockerfiles match their images', () => {
  for (const engine of testEngines()) {
    for (const fixture of FIXTURES) {
      for (const builder of BUILDERS) {
        const image = fixtureName(engine, `layerlens-test/${fixture}:${builder}`);
        test(`${engine.name}: ${image} matches test/fixtures/${fixture}/Dockerfile 100 %`, async () => {
          const { report } = await lintJson([dockerfileOf(fixture), '--image', image], engine.host);
          assert.ok(report.image);
          assert.equal(report.image.ref, image);
          assert.match(report.image.id, /^sha256:[0-9a-f]{64}$/);
          assert.deepEqual(report.image.changedLines, []);
          assert.equal(report.image.matched, report.image.total);
          assert.equal(report.image.score, 1);
          assert.ok(report.image.total >= 9);
        });
      }
    }
  }
});

describe('layerlens lint (one engine)', () => {
  const engine = oneEngine();
  const host = engine.host;

  test('an edited copy: exactly the edited lines are changed since the build, on both builders', async () => {
    const edited = readFileSync(dockerfileOf('whiteouts'), 'utf8')
      .replace("RUN echo 'second life' > /readd.txt", "RUN echo 'third life' > /readd.txt") // line 27
      .replace('CMD ["/bin/sh"]', 'CMD ["/bin/sh", "-l"]'); // line 37
    const file = join(work, 'Dockerfile.edited');
    writeFileSync(file, edited);
    for (const builder of BUILDERS) {
      const { report } = await lintJson([file, '--image', fixtureName(engine, `layerlens-test/whiteouts:${builder}`)], host);
      assert.deepEqual(report.image?.changedLines, [27, 37], builder);
      assert.equal(report.image?.matched, report.image!.total - 2);
    }
  });

  test('the image-backed warning: each RUN deleting earlier files, with the bytes and where they came from; one finding per rm; exit 1', async () => {
    const { code, report } = await lintJson([dockerfileOf('whiteouts'), '--image', fixtureName(engine, 'layerlens-test/whiteouts:buildkit')], host);
    assert.equal(code, 1);
    const warnings = report.findings.filter((f) => f.ruleId === 'LL2001');
    assert.deepEqual(warnings.map((f) => f.line), [17, 21], 'the two RUNs with rm of earlier files');
    assert.ok(
      warnings.every((f) => f.severity === 'warning' && /^This RUN deletes \d+ B that earlier layers still ship \(.+, added by the RUN on line 6\)\.$/.test(f.message)),
      JSON.stringify(warnings),
    );
    // Without the image the static rule suspects those rm lines; with it, LL2001 proves it and says it once.
    const { report: alone } = await lintJson([dockerfileOf('whiteouts')], host);
    assert.ok(alone.findings.some((f) => f.ruleId === 'LL1001' && f.line >= 17 && f.line <= 25), JSON.stringify(alone.findings));
    assert.deepEqual(report.findings.filter((f) => f.ruleId === 'LL1001'), []);
  });

  test('text output: one line per finding, file:line rule-id severity message; the match on stderr', async () => {
    const file = dockerfileOf('basics');
    const r = await runCli(['lint', file, '--image', fixtureName(engine, 'layerlens-test/basics:legacy'), '--host', host], { LAYERLENS_CACHE_DIR: cacheDir });
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.ok(lines.length >= 4);
    for (const line of lines) assert.match(line, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+ (DL|LL)\\d{4} (hint|info|warning|error) \\S.*$`));
    // On the rm's own line (22), instead of LL1001 there; the setuid finding on the chmod 4755, with no size.
    assert.ok(lines.includes(`${file}:22 LL2001 warning This RUN deletes 14 B that earlier layers still ship (/app/data/obsolete.txt, added by the RUN on line 12).`), r.stdout);
    assert.ok(lines.includes(`${file}:36 LL3002 warning chmod 4755 makes /app/setuid-file setuid: it runs with the rights of its owner.`), r.stdout);
    assert.ok(!lines.some((l) => /:2[12] LL1001 /.test(l)), r.stdout);
    // The chmod 600 of a file a RUN wrote: one finding, on the chmod, with the bytes copied again.
    assert.ok(lines.some((l) => l.startsWith(`${file}:24 LL2009 warning `) && l.includes('(2.1 MB: /app/big.bin, added by the RUN on line 12)')), r.stdout);
    assert.match(r.stderr, /^layerlens-test\/basics:legacy matches .*Dockerfile on 12 of 12 instructions\.\n$/);
  });

  test('the JSON contract: findings with line, ruleId, severity, message, fix (null or text edits)', async () => {
    const { code, report } = await lintJson([dockerfileOf('basics')], host);
    assert.equal(code, 0, 'static findings are hints and infos');
    assert.deepEqual(Object.keys(report), ['findings']);
    assert.ok(report.findings.length > 0);
    for (const f of report.findings) {
      assert.deepEqual(Object.keys(f).sort(), ['fix', 'line', 'message', 'ruleId', 'severity']);
      assert.ok(Number.isInteger(f.line) && f.line >= 1);
      assert.ok(['hint', 'info'].includes(f.severity));
      if (f.fix) {
        assert.ok(f.fix.title.length > 0);
        for (const e of f.fix.edits) assert.deepEqual(Object.keys(e.range).sort(), ['endCharacter', 'endLine', 'startCharacter', 'startLine']);
      }
    }
    // basics' consecutive RUNs each chain commands: Layerlens' LL1004 (hadolint's DL3059 leaves such pairs alone).
    assert.ok(report.findings.some((f) => f.ruleId === 'LL1004' && f.fix !== null));
  });

  test('exit codes: 0 clean, 2 for a file that cannot be read or parsed, or an unknown --target', async () => {
    const clean = join(work, 'clean.Dockerfile');
    writeFileSync(clean, 'FROM debian:12.5\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\nUSER 1000\n');
    const ok = await runCli(['lint', clean]);
    assert.deepEqual([ok.code, ok.stdout, ok.stderr], [0, '', '']);

    const bad = join(work, 'bad.Dockerfile');
    writeFileSync(bad, 'FROM alpine:3.19\nRUNN make\n');
    const cases: [string[], RegExp][] = [
      [[join(work, 'missing.Dockerfile')], /^layerlens: Cannot read .*missing\.Dockerfile: no such file\.\n$/],
      [[work], /^layerlens: Cannot read .*: it is a directory\.\n$/],
      [[bad], /^layerlens: .*bad\.Dockerfile:2: Unknown instruction "RUNN"\.\n$/],
      [[clean, '--target', 'build'], /^layerlens: This Dockerfile has no stage named "build" \(no stage has a name\)\.\n$/],
      [[], /^layerlens: layerlens lint needs a Dockerfile\.\n$/],
    ];
    for (const [args, stderr] of cases) {
      const r = await runCli(['lint', ...args]);
      assert.equal(r.code, 2, args.join(' '));
      assert.equal(r.stdout, '');
      assert.match(r.stderr, stderr);
    }
  });
});

describe('the editor and `layerlens lint --image` give the same findings (one engine)', () => {
  const engine = oneEngine();
  const docker = connect(engine);
  for (const fixture of [...FIXTURES, 'findings']) {
    for (const builder of BUILDERS) {
      const ref = fixtureName(engine, `layerlens-test/${fixture}:${builder}`);
      test(`${ref}: the editor's diagnostics are the CLI's findings`, async () => {
        const { report } = await lintJson([dockerfileOf(fixture), '--image', ref], engine.host);
        // The editor's way (indexedImages.ts, dockerfileViews.ts): facts of the indexed image, then linkedFindings.
        const { model } = await loadImage(ref, { engine: () => docker, noCache: true });
        const analysis = analyzeImage(model);
        const explained = await explainEveryLayer(model, analysis, (layer, error) => assert.fail(`layer ${layer}: ${String(error)}`));
        const facts = imageFacts({ id: model.data.id, label: ref, steps: model.steps }, analysis, (layer) => explained[layer] ?? []);
        const parsed = parseDockerfile(readFileSync(dockerfileOf(fixture), 'utf8'));
        const match = matchDockerfile(parsed, facts.steps, { target: knownTarget(parsed, undefined) });
        const editor = linkedFindings(parsed, undefined, { facts, match }).map((f) => ({
          line: f.range.startLine + 1, ruleId: f.ruleId, severity: f.severity, message: f.message, fix: f.fix ?? null,
        }));
        assert.deepEqual(JSON.parse(JSON.stringify(editor)), report.findings);
        const ids = new Set(editor.map((f) => f.ruleId));
        if (fixture === 'basics' || fixture === 'findings') assert.ok(ids.has('LL3002') && ids.has('LL2009'), [...ids].join(' '));
      });
    }
  }
});

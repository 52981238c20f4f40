// The .layerlens.yaml policy against a real fixture image (findings:legacy, both builders for the locations):
// each rule kind passes or fails with its violations, in text, JSON and validated SARIF, and fails the build
// (exit 1); --policy names another file; a bad file is one line per mistake, exit 2, before the image is read.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from './support/cli';
import { fixtureName, oneEngine, ROOT } from './support/engines';
import { validateSarif } from './support/sarifValidator';

const engine = oneEngine();
const image = fixtureName(engine, 'layerlens-test/findings:legacy');
const cache = mkdtempSync(join(tmpdir(), 'layerlens-policy-cache-'));
const env = { DOCKER_HOST: engine.host, LAYERLENS_CACHE_DIR: cache };
// dive's rules off: only the policy decides the exit code.
const NO_DIVE = ['--lowest-efficiency', 'off', '--highest-user-wasted-percent', 'off'];

interface PolicyJson {
  id: string;
  kind: string;
  message: string;
  pass: boolean;
  total: number;
  violations: { message: string; layer?: number; path?: string; step?: number }[];
}

function project(policy?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'layerlens-policy-'));
  if (policy !== undefined) writeFileSync(join(dir, '.layerlens.yaml'), policy);
  return dir;
}

async function analyzeJson(cwd: string, ...args: string[]) {
  const r = await runCli(['analyze', image, '--ci', '--json', ...NO_DIVE, ...args], env, { cwd });
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  const report = JSON.parse(r.stdout) as { ci: { pass: boolean; policy?: PolicyJson[] } };
  return { code: r.code, stderr: r.stderr, ci: report.ci, policy: report.ci.policy ?? [] };
}

describe('.layerlens.yaml', () => {
  test('forbid-paths: every shipped path that matches, with its layer, even one a later layer deletes', async () => {
    const r = await analyzeJson(project('rules:\n  - id: no-git\n    message: Git repositories must not ship.\n    forbid-paths: ["**/.git/**", "/root/.ssh/**"]\n'));
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Policy from .layerlens.yaml.\n');
    const [rule] = r.policy;
    assert.deepEqual([rule.id, rule.kind, rule.message, rule.pass], ['no-git', 'forbid-paths', 'Git repositories must not ship.', false]);
    assert.deepEqual(rule.violations.map((v) => [v.path, v.layer]), [
      ['/src/.git', 5], ['/src/.git/HEAD', 5], ['/src/.git/objects', 5], ['/src/.git/objects/pack.bin', 5],
      ['/root/.ssh', 10], ['/root/.ssh/id_ed25519', 10],
    ]);
    assert.equal(r.ci.pass, false);
    const clean = await analyzeJson(project('rules:\n  - id: no-pem\n    forbid-paths: ["*.pem"]\n'));
    assert.deepEqual([clean.code, clean.policy[0].pass, clean.policy[0].violations, clean.ci.pass], [0, true, [], true]);
  });

  test('max-image-size and max-layer-size: over fails (the layers named), at or under passes', async () => {
    const sizes = JSON.parse((await runCli(['layers', image, '--json'], env)).stdout) as { image: { size: number }; layers: { index: number; size: number }[] };
    const biggest = Math.max(...sizes.layers.map((l) => l.size));
    const over = await analyzeJson(project(`rules:\n  - id: image\n    max-image-size: ${sizes.image.size - 1}\n  - id: layer\n    max-layer-size: ${biggest - 1}\n`));
    assert.equal(over.code, 1);
    assert.deepEqual(over.policy.map((p) => [p.id, p.pass, p.total]), [['image', false, 1], ['layer', false, sizes.layers.filter((l) => l.size > biggest - 1).length]]);
    assert.deepEqual(over.policy[1].violations.map((v) => v.layer), sizes.layers.filter((l) => l.size === biggest).map((l) => l.index));
    const at = await analyzeJson(project(`rules:\n  - id: image\n    max-image-size: ${sizes.image.size}\n  - id: layer\n    max-layer-size: ${biggest}\n`));
    assert.deepEqual([at.code, at.policy.map((p) => p.pass)], [0, [true, true]]);
  });

  test('fail-on-findings: the findings named (by id or rule id) fail, others do not', async () => {
    const r = await analyzeJson(project('rules:\n  - id: exposure\n    fail-on-findings: [setuid, LL3003]\n'));
    assert.equal(r.code, 1);
    assert.deepEqual(r.policy[0].violations.map((v) => v.message.split(' ').slice(0, 2).join(' ')), ['LL3002 setuid', 'LL3003 world-writable']);
    assert.ok(r.policy[0].violations.every((v) => v.layer === 12));
    const secrets = await analyzeJson(project('rules:\n  - id: no-secrets\n    fail-on-findings: [secret]\n'));
    assert.ok(secrets.policy[0].violations.some((v) => v.step === 12 && /^LL3001 secret: RUN of step 12/.test(v.message)), 'the build history secret');
    assert.ok(secrets.policy[0].violations.some((v) => v.layer === 10 && v.message.includes('/root/.aws/credentials')), 'the files');
    assert.ok(!JSON.stringify(secrets.policy).includes('fake-layerlens'), 'no secret value');
    const none = await analyzeJson(project('rules:\n  - id: no-objects\n    fail-on-findings: [large-file]\n'));
    assert.deepEqual([none.code, none.policy[0].pass], [0, true], 'no file over 50 MB');
  });

  test("max-growth is compare's: accepted, not judged by analyze", async () => {
    const r = await analyzeJson(project('rules:\n  - id: growth\n    max-growth: 1%\n'));
    assert.deepEqual([r.code, r.policy], [0, []]);
  });

  test('text: PASS/FAIL per rule with the violations; SARIF: each violation a result under the rule id, valid, on Dockerfile lines with --dockerfile', async () => {
    const dir = project('rules:\n  - id: no-git\n    forbid-paths: ["**/.git/**"]\n  - id: small\n    max-image-size: 1GB\n');
    const text = await runCli(['analyze', image, '--ci', ...NO_DIVE], env, { cwd: dir });
    assert.equal(text.code, 1);
    const lines = text.stdout.split('\n');
    assert.ok(lines.includes('FAIL  policy no-git: No path matching **/.git/** may ship. (4 violations)'), text.stdout);
    assert.ok(lines.includes('        /src/.git/HEAD ships in layer 5.'));
    assert.ok(lines.includes('PASS  policy small: The image may be at most 1.0 GB.'));
    assert.ok(lines.includes('Policy: some rules fail.'));
    const file = join(ROOT, 'test', 'fixtures', 'findings', 'Dockerfile');
    const gitLine = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('/src/.git/objects')) + 1;
    for (const builder of ['legacy', 'buildkit']) {
      const ref = fixtureName(engine, `layerlens-test/findings:${builder}`);
      for (const withDockerfile of [false, true]) {
        const args = ['analyze', ref, '--ci', '--format', 'sarif', ...NO_DIVE, ...(withDockerfile ? ['--dockerfile', file] : [])];
        const r = await runCli(args, env, { cwd: dir });
        assert.equal(r.code, 1, r.stderr);
        assert.deepEqual(validateSarif(r.stdout), { multitool: [], schema: [] });
        const run = (JSON.parse(r.stdout) as { runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }[] }[] }[] }).runs[0];
        assert.ok(run.tool.driver.rules.some((x) => x.id === 'no-git') && run.tool.driver.rules.some((x) => x.id === 'small'));
        const git = run.results.filter((x) => x.ruleId === 'no-git');
        assert.equal(git.length, 4, builder);
        assert.ok(git.every((x) => x.level === 'error'));
        const lines = git.map((x) => x.locations[0].physicalLocation.region?.startLine);
        assert.deepEqual(lines, withDockerfile ? [gitLine, gitLine, gitLine, gitLine] : [undefined, undefined, undefined, undefined], `${builder} ${withDockerfile}`);
      }
    }
  });

  test('--policy names the file; a bad one is one line per mistake, exit 2, before the image is read', async () => {
    const dir = project('rules:\n  - id: strict\n    max-image-size: 1KB\n');
    const other = join(dir, 'loose.yaml');
    writeFileSync(other, 'rules:\n  - id: loose\n    max-image-size: 1GB\n');
    const r = await analyzeJson(dir, '--policy', other);
    assert.deepEqual([r.code, r.policy.map((p) => p.id), r.stderr], [0, ['loose'], `Policy from ${other}.\n`]);
    const bad = project('rules:\n  - id: a\n    max-image-sise: 10MB\n  - id: b\n    fail-on-findings: [secrets]\n');
    const refused = await runCli(['analyze', image, '--ci'], { ...env, DOCKER_HOST: 'unix:///nonexistent.sock' }, { cwd: bad });
    assert.equal(refused.code, 2);
    assert.equal(refused.stdout, '');
    assert.equal(
      refused.stderr,
      'layerlens: .layerlens.yaml: rules[0] (a): unknown key "max-image-sise" (did you mean max-image-size?); a rule has id, message and one of forbid-paths, max-image-size, max-layer-size, fail-on-findings, max-growth.\n' +
        '.layerlens.yaml: rules[1] (b).fail-on-findings[0] "secrets" is not a finding; the findings are package-cache, temporary-files, git-directory, object-files, unpacked-archive, archive, undone-later, metadata-rewrite, large-file, package-removed-later, build-toolchain, package-docs-deleted, secret, setuid, world-writable.\n',
    );
    const missing = await runCli(['analyze', image, '--ci', '--policy', join(dir, 'nope.yaml')], env, { cwd: dir });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^layerlens: Cannot read .*nope\.yaml: no such file\.\n$/);
  });
});

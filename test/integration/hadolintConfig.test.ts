// `.hadolint.yaml` as hadolint finds and applies it, through the built CLI: in the working directory, then
// $XDG_CONFIG_HOME, then the home directory; --lint-config names one. ignored / override / failure-threshold
// change the findings and the exit code as they would hadolint's, one stderr line names the file, and every
// mistake in it is one sentence with exit 2. With --image, on a real fixture image.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from './support/cli';
import { fixtureName, oneEngine, ROOT } from './support/engines';

const engine = oneEngine();
const DOCKERFILE = 'FROM debian\nRUN apt-get update && apt-get install -y curl\nADD local.txt /x\n';

/** A project directory with the Dockerfile above and, optionally, a configuration; an empty home and XDG dir. */
function project(config?: string, name = '.hadolint.yaml') {
  const dir = mkdtempSync(join(tmpdir(), 'layerlens-hadolint-'));
  writeFileSync(join(dir, 'Dockerfile'), DOCKERFILE);
  if (config !== undefined) writeFileSync(join(dir, name), config);
  const home = mkdtempSync(join(tmpdir(), 'layerlens-hadolint-home-'));
  const xdg = join(home, 'xdg');
  mkdirSync(xdg, { recursive: true });
  return { dir, home, xdg, env: { HOME: home, XDG_CONFIG_HOME: xdg, DOCKER_HOST: engine.host, LAYERLENS_CACHE_DIR: join(dir, 'cache') } };
}

async function lint(p: ReturnType<typeof project>, ...args: string[]) {
  const r = await runCli(['lint', 'Dockerfile', '--json', ...args], p.env, { cwd: p.dir });
  const findings = r.stdout ? (JSON.parse(r.stdout) as { findings: { ruleId: string; severity: string; line: number }[] }).findings : [];
  return { ...r, found: findings.map((f) => `${f.ruleId}:${f.severity}`) };
}

describe('.hadolint.yaml', () => {
  test('none anywhere: the findings as they are, infos only, exit 0, no line about a configuration', async () => {
    const r = await lint(project());
    assert.deepEqual([r.code, r.found, r.stderr], [0, ['DL3006:info', 'DL3009:info', 'DL3015:info', 'DL3020:info'], '']);
  });

  test("failure-threshold: info makes these infos fail (exit 1, as hadolint's default would); error lets a warning pass", async () => {
    const info = await lint(project('failure-threshold: info\n'));
    assert.equal(info.code, 1);
    assert.equal(info.stderr, 'Lint configuration from .hadolint.yaml.\n');
    const error = await lint(project('failure-threshold: error\noverride:\n  warning: [DL3006]\n'));
    assert.deepEqual([error.code, error.found[0]], [0, 'DL3006:warning']);
    const warning = await lint(project('override:\n  warning: [DL3006]\n'));
    assert.equal(warning.code, 1, "no threshold: Layerlens' own, a warning fails");
  });

  test('ignored and override: rules dropped, severities changed (style is hint), for DL and LL rules alike', async () => {
    const r = await lint(project('ignored:\n  - DL3009\n  - DL3020\noverride:\n  error:\n    - DL3015\n  style:\n    - DL3006\n'));
    assert.deepEqual([r.code, r.found], [1, ['DL3006:hint', 'DL3015:error']]);
    const p = project('override:\n  warning: [LL1004]\n');
    writeFileSync(join(p.dir, 'Dockerfile'), 'FROM debian:12\nRUN echo a && echo b\nRUN echo c\n');
    const ll = await lint(p);
    assert.deepEqual([ll.code, ll.found], [1, ['LL1004:warning']]);
  });

  test('hadolint\'s search order: .hadolint.yaml, .hadolint.yml in the directory, then $XDG_CONFIG_HOME, then ~/.hadolint.yaml', async () => {
    const yml = project('failure-threshold: info\n', '.hadolint.yml');
    assert.deepEqual([(await lint(yml)).code, (await lint(yml)).stderr], [1, 'Lint configuration from .hadolint.yml.\n']);
    const xdg = project();
    writeFileSync(join(xdg.xdg, 'hadolint.yaml'), 'failure-threshold: info\n');
    const fromXdg = await lint(xdg);
    assert.deepEqual([fromXdg.code, fromXdg.stderr], [1, `Lint configuration from ${join(xdg.xdg, 'hadolint.yaml')}.\n`]);
    writeFileSync(join(xdg.dir, '.hadolint.yaml'), 'ignored: [DL3006]\n');
    const first = await lint(xdg);
    assert.deepEqual([first.code, first.found.length, first.stderr], [0, 3, 'Lint configuration from .hadolint.yaml.\n'], 'the working directory comes first');
    const home = project();
    writeFileSync(join(home.home, '.hadolint.yaml'), 'ignored: [DL3006, DL3009, DL3015, DL3020]\n');
    const fromHome = await lint(home);
    assert.deepEqual([fromHome.found, fromHome.stderr], [[], `Lint configuration from ${join(home.home, '.hadolint.yaml')}.\n`]);
  });

  test('--lint-config names the file (the others are not read); one that does not exist is an error', async () => {
    const p = project('ignored: [DL3006]\n');
    const other = join(p.dir, 'lint.yaml');
    writeFileSync(other, 'failure-threshold: info\n');
    const r = await lint(p, '--lint-config', other);
    assert.deepEqual([r.code, r.found.length, r.stderr], [1, 4, `Lint configuration from ${other}.\n`]);
    const missing = await lint(p, '--lint-config', join(p.dir, 'nope.yaml'));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^layerlens: Cannot read .*nope\.yaml: no such file\.\n$/);
  });

  test("hadolint's other keys are accepted; no-fail: exit 0; disable-ignore-pragma: the pragmas count for nothing", async () => {
    const p = project('trustedRegistries: [docker.io]\nfailure-threshold: info\nno-fail: true\n');
    assert.equal((await lint(p)).code, 0);
    const pragma = project('disable-ignore-pragma: true\n');
    writeFileSync(join(pragma.dir, 'Dockerfile'), '# hadolint ignore=DL3006\nFROM debian\n');
    assert.deepEqual((await lint(pragma)).found, ['DL3006:info']);
    writeFileSync(join(pragma.dir, '.hadolint.yaml'), '');
    assert.deepEqual((await lint(pragma)).found, []);
  });

  test('mistakes: one sentence naming the file and key, exit 2', async () => {
    const cases: [string, RegExp][] = [
      ['ignored: DL3006\n', /^layerlens: \.hadolint\.yaml: ignored must be a list of rule ids such as DL3008 or LL1001; it is "DL3006"\.\n$/],
      ['override:\n  fatal: [DL3006]\n', /^layerlens: \.hadolint\.yaml: override\.fatal is not a severity; use error, warning, info or style\.\n$/],
      ['override:\n  error: [DL3006, 12 x]\n', /^layerlens: \.hadolint\.yaml: override\.error\[1\] must be a rule id such as DL3008 or LL1001; it is "12 x"\.\n$/],
      ['failure-threshold: high\n', /^layerlens: \.hadolint\.yaml: failure-threshold must be one of error, warning, info, style, ignore, none; it is "high"\.\n$/],
      ['no-fail: yes please\n', /^layerlens: \.hadolint\.yaml: no-fail must be true or false; it is "yes please"\.\n$/],
      ['ignored: [DL3006\n', /^layerlens: \.hadolint\.yaml(:\d+)? is not valid YAML: .+\.\n$/],
      ['- DL3006\n', /^layerlens: \.hadolint\.yaml: the file must be a map .*; it is a list\.\n$/],
    ];
    for (const [text, stderr] of cases) {
      const r = await lint(project(text));
      assert.equal(r.code, 2, text);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, stderr, text);
    }
  });

  test('with --image: the image-backed rules obey it too (LL2001 ignored, LL3002 raised to error), text and SARIF', async () => {
    const p = project('ignored: [LL2001]\noverride:\n  error: [LL3002]\n');
    const dockerfile = join(ROOT, 'test', 'fixtures', 'basics', 'Dockerfile');
    const image = fixtureName(engine, 'layerlens-test/basics:legacy');
    const plain = await runCli(['lint', dockerfile, '--image', image, '--json'], { ...p.env, HOME: p.home }, { cwd: p.home });
    const before = (JSON.parse(plain.stdout) as { findings: { ruleId: string; severity: string }[] }).findings;
    assert.ok(before.some((f) => f.ruleId === 'LL2001') && before.some((f) => f.ruleId === 'LL3002' && f.severity === 'warning'));
    const r = await runCli(['lint', dockerfile, '--image', image, '--format', 'sarif'], p.env, { cwd: p.dir });
    assert.equal(r.code, 1, r.stderr);
    const results = (JSON.parse(r.stdout) as { runs: { results: { ruleId: string; level: string }[] }[] }).runs[0].results;
    assert.ok(!results.some((x) => x.ruleId === 'LL2001'));
    assert.ok(results.filter((x) => x.ruleId === 'LL3002').every((x) => x.level === 'error') && results.some((x) => x.ruleId === 'LL3002'));
  });
});

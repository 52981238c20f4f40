// Inline pragmas (core/dockerfile/pragmas.ts) and hadolint's configuration (lintConfig.ts) on Layerlens'
// findings: each pragma silences exactly its rules on exactly the next instruction, in `lint` and in the editor
// (both go through dockerfileFindings; linkedFindings is the editor's door); ignored / override /
// failure-threshold as hadolint applies them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dockerfileFindings, parseDockerfile } from '../../src/core/dockerfile';
import { applyLintConfig, lintFails } from '../../src/core/dockerfile/lintConfig';
import { linkedFindings } from '../../src/dockerfile/linkedFindings';

const BASE = [
  'FROM debian', // DL3006
  'RUN apt-get update && apt-get install -y curl', // DL3009, DL3015
  'ADD local.txt /x', // DL3020
  'RUN echo a',
  'RUN echo b', // DL3059 (or LL1004)
];

const ids = (text: string) => dockerfileFindings(parseDockerfile(text)).map((f) => `${f.range.startLine + 1}:${f.ruleId}`);

test('without pragmas: the findings the pragmas below will silence', () => {
  assert.deepEqual(ids(BASE.join('\n')), ['1:DL3006', '2:DL3009', '2:DL3015', '3:DL3020', '5:DL3059']);
});

test('# hadolint ignore= above an instruction silences exactly the rules it lists, on that instruction only', () => {
  const text = ['FROM debian', '# hadolint ignore=DL3009', 'RUN apt-get update && apt-get install -y curl', 'ADD local.txt /x', '# hadolint ignore=DL3009,DL3015', 'RUN apt-get update && apt-get install -y wget'].join('\n');
  assert.deepEqual(ids(text), ['1:DL3006', '3:DL3015', '4:DL3020']);
});

test('# layerlens ignore= works the same, for any rule id; spaces and a trailing comment are allowed', () => {
  const text = ['FROM debian', '#layerlens ignore = DL3015 , DL3059  # we want the recommends', 'RUN apt-get update && apt-get install -y curl', 'RUN echo b'].join('\n');
  assert.deepEqual(ids(text), ['1:DL3006', '3:DL3009', '4:LL1004'], 'the pragma is only for line 3');
  const secret = ['FROM debian:12', '# layerlens ignore=SecretsUsedInArgOrEnv', 'ENV GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'ENV NPM_TOKEN=npm_abcdefghijklmnopqrstuvwxyz0123456789'].join('\n');
  assert.deepEqual(ids(secret), ['4:SecretsUsedInArgOrEnv']);
});

test('a pragma not directly above the instruction, or with another word, silences nothing (as in hadolint)', () => {
  for (const pragma of [['# hadolint ignore=DL3006', ''], ['# hadolint ignore=DL3006', '# another comment'], ['# hadolint ignores=DL3006'], ['# hadolint ignore DL3006'], ['# eslint ignore=DL3006']]) {
    assert.deepEqual(ids([...pragma, 'FROM debian', 'USER 1000'].join('\n')), [`${pragma.length + 1}:DL3006`], pragma.join('|'));
  }
});

test('# hadolint global ignore= silences a rule in the whole file', () => {
  assert.deepEqual(ids(['# hadolint global ignore=DL3009,DL3015', ...BASE].join('\n')), ['2:DL3006', '4:DL3020', '6:DL3059']);
});

test('a multi-line instruction: the pragma goes above its first line, and covers findings on any of its lines', () => {
  const text = ['FROM debian:12', '# hadolint ignore=DL3009', 'RUN apt-get update \\', ' && apt-get install -y --no-install-recommends curl'].join('\n');
  assert.deepEqual(ids(text), []);
});

test("the editor's findings (linkedFindings) honour pragmas as lint does", () => {
  const text = ['# hadolint ignore=DL3006', 'FROM debian', '# layerlens ignore=DL3020', 'ADD local.txt /x'].join('\n');
  assert.deepEqual(linkedFindings(parseDockerfile(text), undefined).map((f) => f.ruleId), []);
  assert.deepEqual(linkedFindings(parseDockerfile(text.replace('# layerlens ignore=DL3020', '')), undefined).map((f) => f.ruleId), ['DL3020']);
});

test('disable-ignore-pragma: the pragmas count for nothing', () => {
  const parsed = parseDockerfile(['# hadolint ignore=DL3006', 'FROM debian'].join('\n'));
  assert.deepEqual(dockerfileFindings(parsed, { config: { ignored: [], override: {}, disableIgnorePragma: true } }).map((f) => f.ruleId), ['DL3006']);
});

test('ignored drops rules; override sets severities (the strongest wins, as hadolint applies error last); style is hint', () => {
  const findings = dockerfileFindings(parseDockerfile(BASE.join('\n')));
  const configured = applyLintConfig(findings, { ignored: ['DL3009'], override: { error: ['DL3006'], warning: ['DL3015', 'DL3006'], style: ['DL3020'] } });
  assert.deepEqual(configured.map((f) => `${f.ruleId}:${f.severity}`), ['DL3006:error', 'DL3015:warning', 'DL3020:hint', 'DL3059:hint']);
});

test("failure-threshold: a finding at that severity or stronger fails; ignore/none fail on any; no-fail never; unset: Layerlens' warning", () => {
  const findings = dockerfileFindings(parseDockerfile(BASE.join('\n'))); // infos and a hint
  const config = (failureThreshold?: 'error' | 'warning' | 'info' | 'style' | 'ignore' | 'none', noFail?: boolean) => ({ ignored: [], override: {}, failureThreshold, noFail });
  assert.equal(lintFails(findings), false);
  assert.equal(lintFails(findings, config('warning')), false);
  assert.equal(lintFails(findings, config('info')), true);
  assert.equal(lintFails(findings, config('style')), true);
  assert.equal(lintFails(findings, config('none')), true);
  assert.equal(lintFails(findings, config('info', true)), false);
  const hintsOnly = findings.filter((f) => f.severity === 'hint');
  assert.equal(lintFails(hintsOnly, config('info')), false);
  assert.equal(lintFails(hintsOnly, config('style')), true);
  assert.equal(lintFails([], config('none')), false);
});

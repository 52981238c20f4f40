// The families of inputs where hadolint's own tests found Layerlens' DL rules apart from hadolint's: RUNs that
// ONBUILD registers, tmpfs mounts, PIP_NO_CACHE_DIR exported in the script or inherited from a stage, aptitude,
// a FROM whose name is only an undeclared variable, and DL3059 against consecutive RUNs that chain commands
// (Layerlens' LL1004). Each with inputs of our own, not hadolint's cases.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile } from '../../src/core/dockerfile/parse';
import { lintDockerfile, ruleById, type Finding } from '../../src/core/dockerfile/rules/index';
import { applyEdits } from '../../src/core/dockerfile/textEdits';

const lines = (...l: string[]) => l.join('\n') + '\n';

function findings(ruleId: string, text: string, target?: string): Finding[] {
  const rule = ruleById(ruleId);
  assert.ok(rule, `no rule ${ruleId}`);
  return lintDockerfile(parseDockerfile(text), { target, rules: [rule] });
}
const ids = (text: string) => lintDockerfile(parseDockerfile(text)).map((f) => `${f.range.startLine}:${f.ruleId}`);

describe('ONBUILD: the instruction it registers is checked', () => {
  test('the parser gives ONBUILD its trigger, with keyword, flags and document positions of its own', () => {
    const df = parseDockerfile(lines('FROM alpine:3.19', 'onbuild  run --mount=type=cache,target=/x \\', '    make all'));
    const onbuild = df.stages[0].instructions[0];
    assert.equal(onbuild.keyword, 'ONBUILD');
    assert.equal(onbuild.trigger?.keyword, 'RUN');
    assert.deepEqual(onbuild.trigger?.flags.map((f) => [f.name, f.value]), [['mount', 'type=cache,target=/x']]);
    assert.equal(onbuild.trigger?.argumentsText, 'make all');
    assert.deepEqual(onbuild.trigger?.keywordRange, { startLine: 1, startCharacter: 9, endLine: 1, endCharacter: 12 });
    assert.equal(parseDockerfile(lines('FROM alpine:3.19', 'ONBUILD')).stages[0].instructions[0].trigger, undefined);
  });

  test('each package-manager rule sees an ONBUILD RUN once, on the command, with its fix', () => {
    const text = lines(
      'FROM debian:12',
      'ONBUILD RUN apt-get update && apt-get install -y curl',
      'ONBUILD RUN apk add jq',
      'ONBUILD RUN pip3 install flask',
    );
    assert.deepEqual(ids(text), ['1:DL3009', '1:DL3015', '2:DL3019', '3:DL3042']);
    const [pip] = findings('DL3042', text);
    assert.deepEqual(pip.range, { startLine: 3, startCharacter: 12, endLine: 3, endCharacter: 24 });
    assert.equal(applyEdits(text, pip.fix!.edits).split('\n')[3], 'ONBUILD RUN pip3 install --no-cache-dir flask');
    const [apt] = findings('DL3009', text);
    assert.equal(applyEdits(text, apt.fix!.edits).split('\n')[1], 'ONBUILD RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*');
  });

  test('also in a stage that does not ship: the trigger runs in whatever image is built FROM that one', () => {
    const text = lines('FROM debian:12 AS base', 'ONBUILD RUN apt-get update', 'RUN apt-get update', 'FROM scratch', 'COPY --from=base /x /x');
    assert.deepEqual(findings('DL3009', text).map((f) => f.range.startLine), [1], 'the plain RUN of the unshipped stage stays quiet');
  });

  test('the same exemptions hold inside ONBUILD: cleanup, flags, mounts, ENV of the stage and ONBUILD ENV before', () => {
    const clean = lines(
      'FROM debian:12',
      'ENV PIP_NO_CACHE_DIR=1',
      'ONBUILD RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*',
      'ONBUILD RUN --mount=type=tmpfs,target=/var/cache/apk apk add jq',
      'ONBUILD RUN pip install flask',
    );
    assert.deepEqual(ids(clean), []);
    const onbuildEnv = lines('FROM python:3.12', 'ONBUILD ENV PIP_NO_CACHE_DIR=off', 'ONBUILD RUN pip install flask', 'ONBUILD RUN pip install six');
    assert.deepEqual(findings('DL3042', onbuildEnv), []);
    const envAfter = lines('FROM python:3.12', 'ONBUILD RUN pip install flask', 'ONBUILD ENV PIP_NO_CACHE_DIR=1');
    assert.equal(findings('DL3042', envAfter).length, 1, 'an ONBUILD ENV registered after the RUN runs after it');
    const ownStage = lines('FROM python:3.12', 'ONBUILD ENV PIP_NO_CACHE_DIR=1', 'RUN pip install flask');
    assert.equal(findings('DL3042', ownStage).length, 1, 'ONBUILD ENV does not apply to the stage that registers it');
  });

  test('rules about this build leave ONBUILD alone: an ONBUILD between RUNs parts them, and is never merged', () => {
    const text = lines('FROM alpine:3.19', 'RUN a', 'ONBUILD RUN b', 'RUN c', 'ONBUILD RUN d', 'ONBUILD RUN e');
    assert.deepEqual([...findings('DL3059', text), ...findings('LL1004', text)], []);
  });
});

describe('cache and tmpfs mounts keep a directory out of the layer', () => {
  test('a tmpfs mount on the directory, or a parent, counts like a cache mount', () => {
    assert.deepEqual(findings('DL3009', lines('FROM debian:12', 'RUN --mount=type=tmpfs,target=/var/lib/apt/lists apt-get update')), []);
    assert.deepEqual(findings('DL3009', lines('FROM debian:12', 'RUN --mount=type=tmpfs,dst=/var/lib apt-get update')), []);
    assert.deepEqual(findings('DL3019', lines('FROM alpine:3.19', 'RUN --mount=target=/var/cache/apk/,type=tmpfs apk add curl')), []);
    assert.deepEqual(findings('DL3042', lines('FROM python:3.12', 'RUN --mount=type=tmpfs,destination=/root/.cache pip install flask')), []);
  });

  test('on another directory it does not: a sibling, a child, a name that only starts the same, another mount type', () => {
    for (const mount of ['type=tmpfs,target=/var/cache/foo', 'type=tmpfs,target=/var/cache/apk/sub', 'type=tmpfs,target=/var/cache/ap', 'type=bind,target=/var/cache/apk', 'type=secret,id=x,target=/var/cache/apk']) {
      assert.equal(findings('DL3019', lines('FROM alpine:3.19', `RUN --mount=${mount} apk add curl`)).length, 1, mount);
    }
    assert.equal(findings('DL3009', lines('FROM debian:12', 'RUN --mount=type=tmpfs,target=/var/cache/apt apt-get update')).length, 1, 'the lists are not the cache');
  });
});

describe('DL3042: PIP_NO_CACHE_DIR from export in the RUN, or inherited', () => {
  test('export earlier in the script, with a value, or of a variable assigned before', () => {
    for (const run of [
      'RUN export PIP_NO_CACHE_DIR=1 && pip install flask',
      'RUN export A=1 PIP_NO_CACHE_DIR=yes; pip install flask',
      'RUN set -e; export PIP_NO_CACHE_DIR=false \\\n && python3 -m pip install flask',
      'RUN PIP_NO_CACHE_DIR=1; export PIP_NO_CACHE_DIR; pip install flask',
      'RUN export PIP_NO_CACHE_DIR=1 && (cd /src && pip install .)',
    ]) {
      assert.deepEqual(findings('DL3042', lines('FROM python:3.12', run)), [], run);
    }
  });

  test('not an export that comes after, is only a shell variable, names another variable, or ends with its subshell', () => {
    for (const run of [
      'RUN pip install flask && export PIP_NO_CACHE_DIR=1',
      'RUN PIP_NO_CACHE_DIR=1; pip install flask',
      'RUN export PIP_NO_CACHE=1 && pip install flask',
      'RUN export PIP_NO_CACHE_DIR && pip install flask',
      'RUN (export PIP_NO_CACHE_DIR=1) && pip install flask',
    ]) {
      assert.equal(findings('DL3042', lines('FROM python:3.12', run)).length, 1, run);
    }
  });

  test('ENV inherits through FROM <stage>, over several stages, but not from a stage the image is not built on', () => {
    assert.deepEqual(findings('DL3042', lines('FROM python:3.12 AS base', 'ENV PIP_NO_CACHE_DIR=1', 'FROM base AS mid', 'FROM mid', 'RUN pip install flask')), []);
    assert.equal(findings('DL3042', lines('FROM python:3.12 AS other', 'ENV PIP_NO_CACHE_DIR=1', 'FROM python:3.12', 'RUN pip install flask')).length, 1);
    assert.equal(findings('DL3042', lines('FROM python:3.12', 'RUN pip install flask', 'ENV PIP_NO_CACHE_DIR=1')).length, 1, 'ENV after the RUN');
  });
});

describe('DL3009: aptitude like apt-get', () => {
  test('aptitude update/install without cleanup is raised, with the fix; with cleanup or another subcommand it is not', () => {
    const text = lines('FROM debian:12', 'RUN aptitude -y -o Aptitude::Cmdline::ignore-trust-violations=true install curl');
    const [f] = findings('DL3009', text);
    assert.equal(f.range.startLine, 1);
    assert.equal(applyEdits(text, f.fix!.edits), lines('FROM debian:12', 'RUN aptitude -y -o Aptitude::Cmdline::ignore-trust-violations=true install curl && rm -rf /var/lib/apt/lists/*'));
    assert.deepEqual(findings('DL3009', lines('FROM debian:12', 'RUN aptitude update && aptitude install -y curl && rm -rf /var/lib/apt/lists/*')), []);
    assert.deepEqual(findings('DL3009', lines('FROM debian:12', 'RUN aptitude search curl')), []);
  });
});

describe('DL3006: a FROM name made of variables the file cannot resolve', () => {
  test('not raised when nothing is left of the name, or for BuildKit platform ARGs used undeclared', () => {
    for (const from of ['FROM ${UNDECLARED}', 'FROM $UNDECLARED', 'FROM ${A}${B}', 'FROM ${TARGETARCH}/alpine', 'FROM $BUILDPLATFORM']) {
      assert.deepEqual(findings('DL3006', lines(from)), [], from);
    }
  });

  test('still raised where the variables leave a name without a tag', () => {
    assert.equal(findings('DL3006', lines('FROM ${REGISTRY}debian')).length, 1, 'an undeclared variable is empty in FROM');
    assert.equal(findings('DL3006', lines('ARG IMAGE=debian', 'FROM ${IMAGE}')).length, 1);
    assert.equal(findings('DL3006', lines('FROM ${UNDECLARED:-debian}')).length, 1);
    assert.equal(findings('DL3006', lines('ARG TARGETARCH=amd64', 'FROM ${TARGETARCH}/alpine')).length, 1, 'a declared platform ARG has its default');
  });
});

describe('DL3059 is hadolint\'s rule; LL1004 the pairs it leaves out', () => {
  test('two RUNs of one command each: DL3059 only', () => {
    const text = lines('FROM alpine:3.19', 'RUN apk add --no-cache curl', '# why', 'RUN adduser -D app');
    assert.deepEqual([findings('DL3059', text).length, findings('LL1004', text).length], [1, 0]);
    const arithmetic = lines('FROM alpine:3.19', 'RUN echo $((1 + 2)) > /n', 'RUN cat /n');
    assert.deepEqual([findings('DL3059', arithmetic).length, findings('LL1004', arithmetic).length], [1, 0], 'arithmetic runs no command');
  });

  test('where either runs more than one command (&&, ;, ||, a pipe, lines of a heredoc, $(…)): LL1004 only, with the same fix', () => {
    for (const [first, second] of [
      ['RUN a && b', 'RUN c'],
      ['RUN a', 'RUN b; c'],
      ['RUN a || true', 'RUN c'],
      ['RUN curl -s x | sh', 'RUN c'],
      ['RUN <<EOF\na\nb\nEOF', 'RUN c'],
      ['RUN echo "$(date)" > /built', 'RUN c'],
      ['RUN a > `mktemp`', 'RUN c'],
    ]) {
      const text = lines('FROM alpine:3.19', first, second);
      assert.deepEqual(findings('DL3059', text), [], `${first} / ${second}`);
      const chained = findings('LL1004', text);
      assert.equal(chained.length, 1, `${first} / ${second}`);
      assert.equal(chained[0].severity, 'hint');
    }
    const text = lines('FROM alpine:3.19', 'RUN a && b', 'RUN c');
    assert.equal(applyEdits(text, findings('LL1004', text)[0].fix!.edits), lines('FROM alpine:3.19', 'RUN a && b \\', '    && c'));
  });

  test('a run of RUNs: each pair gets the id its two RUNs call for, and never both', () => {
    const text = lines('FROM alpine:3.19', 'RUN a && b', 'RUN c', 'RUN d', 'RUN e; f');
    assert.deepEqual(ids(text), ['2:LL1004', '3:DL3059', '4:LL1004']);
  });

  test('LL1004 has its own rule entry: no hadolint page, a title and an explanation', () => {
    const rule = ruleById('LL1004');
    assert.ok(rule);
    assert.equal(rule.url, undefined);
    assert.match(rule.explanation, /DL3059/);
    assert.notEqual(rule.title, ruleById('DL3059')?.title);
  });
});

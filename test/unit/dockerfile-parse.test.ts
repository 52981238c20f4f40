// Parsing Dockerfiles into stages and instructions (over dockerfile-ast), and the state a build carries from
// instruction to instruction (variables, WORKDIR, SHELL). Lines and characters are 0-based.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { baseImageOf } from '../../src/core/dockerfile/baseImage';
import { isDockerfileName, joinContinuations, parseDockerfile, stageChain, targetStage } from '../../src/core/dockerfile/parse';
import { walkChain } from '../../src/core/dockerfile/stageWalk';
import { expandWord, segmentsText } from '../../src/core/dockerfile/variables';

describe('isDockerfileName', () => {
  test('Dockerfile, *.Dockerfile, Dockerfile.*, Containerfile', () => {
    for (const name of ['Dockerfile', 'dockerfile', '/repo/app/Dockerfile', 'api.Dockerfile', 'Dockerfile.dev', 'Containerfile', 'C:\\src\\Containerfile', 'web.containerfile']) {
      assert.ok(isDockerfileName(name), name);
    }
    for (const name of ['Dockerfiles', 'MyDockerfile', 'docker-compose.yml', 'Dockerfile/', 'notes.txt', '.dockerignore']) assert.ok(!isDockerfileName(name), name);
  });
});

describe('parseDockerfile', () => {
  test('stages: names, base images, --platform, ARG before FROM, which stage builds on which', () => {
    const df = parseDockerfile(
      [
        'ARG BASE=alpine:3.19', //                           0
        'ARG VERSION', //                                    1
        'FROM --platform=$BUILDPLATFORM ${BASE} AS build', // 2
        'RUN make', //                                       3
        'FROM scratch AS Assets', //                         4
        'COPY --from=build /out /assets', //                 5
        'FROM build', //                                     6
        'COPY --from=assets --chown=1000:1000 --chmod=644 /assets /srv/', // 7
      ].join('\n'),
    );
    assert.deepEqual(df.problems, []);
    assert.deepEqual(df.globalArgs.map((a) => a.argumentsText), ['BASE=alpine:3.19', 'VERSION']);
    assert.deepEqual(
      df.stages.map((s) => [s.index, s.name, s.baseImage, s.baseStage, s.platform, s.instructions.map((i) => i.range.startLine)]),
      [
        [0, 'build', '${BASE}', undefined, '$BUILDPLATFORM', [3]],
        [1, 'Assets', 'scratch', undefined, undefined, [5]],
        [2, undefined, 'build', 0, undefined, [7]],
      ],
    );
    assert.deepEqual(df.instructions.map((i) => i.stage), [-1, -1, 0, 0, 1, 1, 2, 2]);
    const copy = df.stages[2].instructions[0];
    assert.deepEqual(copy.flags.map((f) => [f.name, f.value]), [['from', 'assets'], ['chown', '1000:1000'], ['chmod', '644']]);
    assert.equal(copy.argumentsText, '/assets /srv/');
    assert.deepEqual(copy.flags[0].range, { startLine: 7, startCharacter: 5, endLine: 7, endCharacter: 18 });
    assert.equal(targetStage(df).index, 2);
    assert.equal(targetStage(df, 'ASSETS').index, 1, 'stage names compare case-insensitively');
    assert.throws(() => targetStage(df, 'test'), /no stage named "test" \(its stages: build, Assets\)/);
    assert.deepEqual(stageChain(df, targetStage(df)).map((s) => s.index), [0, 2]);
    assert.deepEqual(baseImageOf(df, df.stages[0]), { written: '${BASE}', resolved: 'alpine:3.19', kind: 'image', tag: '3.19' });
    assert.equal(baseImageOf(df, df.stages[1]).kind, 'scratch');
    assert.equal(baseImageOf(df, df.stages[2]).kind, 'stage');
  });

  test('continuations: joined as the builder joins them, comment and empty lines inside skipped, ranges kept', () => {
    const text = ['FROM debian:12', 'RUN --mount=type=cache,target=/var/cache/apt apt-get update \\', '# a comment inside', '', '  && apt-get install -y curl   \\', '  && true', 'CMD ["sh"]'].join('\n');
    const df = parseDockerfile(text);
    const run = df.stages[0].instructions[0];
    assert.equal(run.keyword, 'RUN');
    assert.deepEqual(run.range, { startLine: 1, startCharacter: 0, endLine: 5, endCharacter: 9 });
    assert.deepEqual(run.keywordRange, { startLine: 1, startCharacter: 0, endLine: 1, endCharacter: 3 });
    assert.deepEqual(run.flags.map((f) => [f.name, f.value]), [['mount', 'type=cache,target=/var/cache/apt']]);
    assert.equal(run.argumentsText, 'apt-get update   && apt-get install -y curl     && true');
    assert.deepEqual(run.argumentsStart, { line: 1, character: df.lines[1].indexOf('apt-get') });
    // Each character of the joined text knows where it is in the file.
    const joined = joinContinuations(df.lines, run.argumentsStart!, { line: 5, character: 9 }, '\\');
    const at = joined.text.indexOf('install');
    assert.deepEqual(joined.positions[at], { line: 4, character: 13 });
    assert.equal(df.lines[4].slice(13, 20), 'install');
    assert.deepEqual(df.stages[0].instructions[1].json, ['sh']);
  });

  test('the escape directive: a backtick continues lines and backslashes are plain characters', () => {
    const df = parseDockerfile(['# escape=`', 'FROM mcr.microsoft.com/windows/servercore:ltsc2022', 'RUN echo C:\\path `', '    && dir C:\\'].join('\r\n'));
    assert.equal(df.escapeChar, '`');
    assert.equal(df.stages[0].instructions[0].argumentsText, 'echo C:\\path     && dir C:\\');
    assert.deepEqual(df.stages[0].instructions[0].range, { startLine: 2, startCharacter: 0, endLine: 3, endCharacter: 14 });
  });

  test('heredocs: the body and where it is; the arguments keep the raw lines', () => {
    const df = parseDockerfile(['FROM alpine:3.19', 'RUN <<EOF', 'apk add curl', 'echo done', 'EOF', 'COPY <<EOT /etc/motd', 'hello', 'EOT', 'RUN echo after'].join('\n'));
    const [run, copy, after] = df.stages[0].instructions;
    assert.deepEqual(run.heredocs, [{ name: 'EOF', content: 'apk add curl\necho done', contentRange: { startLine: 2, startCharacter: 0, endLine: 3, endCharacter: 9 } }]);
    assert.equal(run.argumentsText, '<<EOF\napk add curl\necho done\nEOF');
    assert.deepEqual(run.range, { startLine: 1, startCharacter: 0, endLine: 4, endCharacter: 3 });
    assert.equal(copy.heredocs[0].content, 'hello');
    assert.equal(after.range.startLine, 8);
  });

  test('a file builders refuse has problems: no FROM, an instruction before FROM, an unknown instruction', () => {
    assert.deepEqual(parseDockerfile('').problems, [{ line: 0, message: 'There is no FROM instruction.' }]);
    assert.deepEqual(parseDockerfile('# just a comment\n').problems, [{ line: 0, message: 'There is no FROM instruction.' }]);
    assert.deepEqual(parseDockerfile('RUN make\nFROM alpine:3').problems, [{ line: 0, message: 'RUN comes before the first FROM; only ARG may.' }]);
    assert.deepEqual(parseDockerfile('FROM alpine:3\nFOO bar').problems, [{ line: 1, message: 'Unknown instruction "FOO".' }]);
    assert.equal(parseDockerfile('FROM alpine:3\x00').problems[0].message, 'This is not a text file.');
    assert.deepEqual(parseDockerfile('from alpine:3\nrun make').problems, [], 'keywords in any case');
    assert.equal(parseDockerfile('from alpine:3\nrun make').stages[0].instructions[0].keyword, 'RUN');
  });
});

describe('walkChain: what each instruction sees', () => {
  test('ARG and ENV values, relative WORKDIRs, SHELL; ENV lives on in a child stage, ARGs do not', () => {
    const df = parseDockerfile(
      [
        'ARG GLOBAL=g',
        'FROM scratch AS base',
        'ARG GLOBAL',
        'ARG A=1',
        'ENV HOME=/root P=/opt/$A Q="a b"',
        'WORKDIR $P',
        'WORKDIR sub',
        'SHELL ["/bin/bash", "-c"]',
        'RUN echo',
        'FROM base',
        'RUN echo',
      ].join('\n'),
    );
    const walked = walkChain(df, stageChain(df, targetStage(df)));
    const before = (line: number) => walked.find((w) => w.instruction.range.startLine === line)!.state;
    assert.deepEqual(Object.fromEntries(before(8).scope), { GLOBAL: 'g', A: '1', HOME: '/root', P: '/opt/1', Q: 'a b' });
    assert.equal(before(8).workdir, '/opt/1/sub');
    assert.deepEqual(before(8).shell, ['/bin/bash', '-c']);
    assert.deepEqual(Object.fromEntries(before(10).scope), { HOME: '/root', P: '/opt/1', Q: 'a b' });
    assert.equal(before(10).workdir, '/opt/1/sub');
    assert.deepEqual(before(10).shell, ['/bin/bash', '-c']);
    assert.equal(before(2).workdir, '/', 'FROM scratch starts at /');
  });

  test('over an image base the WORKDIR is unknown until an absolute one', () => {
    const df = parseDockerfile('FROM node:20\nWORKDIR app\nRUN a\nWORKDIR /srv\nRUN b');
    const walked = walkChain(df, [df.stages[0]]);
    assert.deepEqual(walked.map((w) => w.state.workdir), [undefined, undefined, undefined, '/srv']);
  });
});

describe('variables', () => {
  const scope = new Map<string, string | undefined>([['A', '1'], ['EMPTY', ''], ['UNSET', undefined]]);
  const expand = (word: string) => segmentsText(expandWord(word, scope));
  test('$VAR, ${VAR}, ${VAR:-word}, ${VAR:+word}, quotes and escapes', () => {
    assert.equal(expand('$A/${A}x'), '1/1x');
    assert.equal(expand('${EMPTY:-d}'), 'd');
    assert.equal(expand('${A:+set}'), 'set');
    assert.equal(expand("'$A'\"$A\""), '$A1');
    assert.equal(expand('\\$A'), '$A');
    assert.equal(expand('${UNSET}-$NOPE'), '${UNSET}-${NOPE}', 'unknown values stay visible');
    assert.deepEqual(expandWord('x$NOPE', scope, '\\', true), [{ literal: 'x' }], 'in a closed scope (FROM) undeclared is empty');
  });
});

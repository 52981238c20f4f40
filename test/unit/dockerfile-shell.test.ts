// The bit of shell syntax the rules rely on: simple commands, their words and redirections, operators and
// their depth, here-documents; and a RUN's script mapped back to file positions.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile } from '../../src/core/dockerfile/parse';
import { runScript } from '../../src/core/dockerfile/runScript';
import { assignments, parseShell, programName } from '../../src/core/dockerfile/shellCommands';

const words = (text: string) => parseShell(text).commands.map((c) => c.words.map((w) => w.value));

describe('parseShell', () => {
  test('commands split at && || ; | & and newlines; quotes and escapes resolved; $(…) kept whole', () => {
    assert.deepEqual(words(`apt-get update&&apt-get install -y 'a b' "c \\"d\\"" e\\ f; echo $(date +%s | tr -d 0) | cat & wait`), [
      ['apt-get', 'update'],
      ['apt-get', 'install', '-y', 'a b', 'c "d"', 'e f'],
      ['echo', '$(date +%s | tr -d 0)'],
      ['cat'],
      ['wait'],
    ]);
    const ops = parseShell('a && (b || c); { d; }').operators.map((o) => [o.op, o.depth]);
    assert.deepEqual(ops, [['&&', 0], ['(', 0], ['||', 1], [')', 0], [';', 0], [';', 0]]);
  });

  test('redirections are not words; their targets are kept', () => {
    const [echo, cmd] = parseShell('echo hi > /tmp/out 2>&1; cmd >>/log <in &>/dev/null').commands;
    assert.deepEqual(echo.words.map((w) => w.value), ['echo', 'hi']);
    assert.deepEqual(echo.redirections.map((r) => [r.op, r.target?.value]), [['>', '/tmp/out'], ['2>&', '1']]);
    assert.deepEqual(cmd.redirections.map((r) => [r.op, r.target?.value]), [['>>', '/log'], ['<', 'in'], ['&>', '/dev/null']]);
  });

  test('whatever the text, parsing ends (here-strings, stray operators, unbalanced quotes)', () => {
    assert.deepEqual(words('cat <<< "x" && echo y'), [['cat'], ['echo', 'y']], 'a here-string is input, like <');
    assert.deepEqual(words('echo "unterminated && rm -rf /'), [['echo', 'unterminated && rm -rf /']]);
    assert.deepEqual(words(") ( ;; |& echo $(( 1 + 2 ))"), [['echo', '$(( 1 + 2 ))']]);
  });

  test('comments and here-document bodies are not commands', () => {
    const script = parseShell('cat <<EOT > /etc/x\napt-get install foo\nEOT\necho done # apt-get install bar');
    assert.deepEqual(script.commands.map((c) => c.words.map((w) => w.value)), [['cat'], ['echo', 'done']]);
    assert.equal(script.hasComment, true);
    assert.equal(parseShell('echo "# not a comment"').hasComment, false);
  });

  test('the program behind assignments, sudo and env; assignments before it', () => {
    const [command] = parseShell('DEBIAN_FRONTEND=noninteractive sudo -u root /usr/bin/apt-get install x').commands;
    assert.equal(programName(command), 'apt-get');
    assert.deepEqual([...assignments(command)], [['DEBIAN_FRONTEND', 'noninteractive']]);
    assert.equal(programName(parseShell('X=1').commands[0]), undefined);
  });
});

describe('runScript', () => {
  test('a continued RUN: offsets map back to the file, across lines', () => {
    const df = parseDockerfile('FROM debian:12\nRUN apt-get update \\\n    && apt-get install -y curl');
    const script = runScript(df, df.stages[0].instructions[0])!;
    const install = script.shell.commands[1].words[1];
    assert.equal(install.value, 'install');
    assert.deepEqual(script.positionAt(install.start), { line: 2, character: 15 });
    assert.equal(script.fromHeredoc, false);
  });

  test('RUN <<EOF runs the body: its lines are the commands, at their own positions', () => {
    const df = parseDockerfile('FROM alpine:3\nRUN <<EOF\napk add curl\n  pip install x\nEOF');
    const script = runScript(df, df.stages[0].instructions[0])!;
    assert.equal(script.fromHeredoc, true);
    assert.deepEqual(words(script.text), [['apk', 'add', 'curl'], ['pip', 'install', 'x']]);
    const pip = script.shell.commands[1].words[0];
    assert.deepEqual(script.positionAt(pip.start), { line: 3, character: 2 });
  });

  test('a heredoc as data (RUN cat <<EOT > f): only the first line is shell', () => {
    const df = parseDockerfile('FROM alpine:3\nRUN cat <<EOT > /etc/motd\napk add nothing\nEOT');
    assert.deepEqual(words(runScript(df, df.stages[0].instructions[0])!.text), [['cat']]);
  });

  test('the exec form runs no shell', () => {
    const df = parseDockerfile('FROM alpine:3\nRUN ["apk", "add", "curl"]');
    assert.equal(runScript(df, df.stages[0].instructions[0]), undefined);
  });
});

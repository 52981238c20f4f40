// The `layerlens` command line as a newcomer meets it, against real engines: in a pipe that closes early
// (`| head`), with no arguments or mistyped ones, `--version`, an image not built from the Dockerfile given to
// lint, the column headers of diff and the step numbers of layers, and images named the way the user typed them.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { buildTar } from '../support/tarBuilder';
import { runCli, type CliResult } from './support/cli';
import { connect, escapeRegExp, fixtureName, oneEngine, ROOT, testEngines } from './support/engines';

const engine = oneEngine();
const work = mkdtempSync(join(tmpdir(), 'layerlens-cli-usage-'));
const env = { DOCKER_HOST: engine.host, LAYERLENS_CACHE_DIR: join(work, 'cache') };
const IMAGE = fixtureName(engine, 'layerlens-test/whiteouts:buildkit');
const dockerfileOf = (fixture: string) => join(ROOT, 'test', 'fixtures', fixture, 'Dockerfile');

after(() => rmSync(work, { recursive: true, force: true }));

/**
 * Runs dist/cli.js with its stdout read by a reader that goes away: at once (before the CLI writes anything), or
 * after the first line. `alsoStderr` closes stderr too, as `2>&1 | head` does.
 */
function runIntoClosingPipe(args: string[], closeAfter: 'nothing' | 'first line', alsoStderr = false): Promise<{ code: number | null; signal: string | null; received: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'cli.js'), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let received = '';
    let stderr = '';
    if (closeAfter === 'nothing') child.stdout.destroy();
    else {
      child.stdout.on('data', (chunk: Buffer) => {
        received += chunk.toString('utf8');
        if (received.includes('\n')) child.stdout.destroy();
      });
    }
    if (alsoStderr) child.stderr.destroy();
    else child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, received, stderr }));
  });
}

describe('layerlens in a pipe that closes early', () => {
  before(async () => {
    // Read the image once, so the runs below time nothing but the output.
    const warm = await runCli(['layers', IMAGE], env);
    assert.equal(warm.code, 0, warm.stderr);
  });

  const commands: string[][] = [
    ['layers', IMAGE],
    ['layers', IMAGE, '--json'],
    ['tree', IMAGE],
    ['tree', IMAGE, '--json'],
    ['diff', IMAGE, '--from', '-1', '--to', '3'],
    ['analyze', IMAGE],
    ['analyze', IMAGE, '--ci'], // fails its rules: exit 1 when read, but the reader left first
    ['explain', IMAGE, '--layer', '2'],
    ['explain', IMAGE, '--step', '8', '--json'],
    ['lint', dockerfileOf('whiteouts'), '--image', IMAGE], // warnings: exit 1 when read
    ['--help'],
    ['--version'],
  ];
  for (const args of commands) {
    test(`${args.join(' ')}: a reader gone before the first write ends it quietly, exit 0`, async () => {
      const r = await runIntoClosingPipe(args, 'nothing');
      assert.doesNotMatch(r.stderr, /EPIPE|Error|\n\s+at /, 'no stack trace, no EPIPE');
      // lint's sentence about the match goes to stderr, which is still read; nothing else may.
      if (args[0] === 'lint') assert.match(r.stderr, /^(|\S+ matches \S+ on \d+ of \d+ instructions\.\n)$/);
      else assert.equal(r.stderr, '');
      assert.deepEqual([r.code, r.signal], [0, null]);
    });
  }

  test('stdout and stderr both gone (2>&1 | head): exit 0', async () => {
    const r = await runIntoClosingPipe(['lint', dockerfileOf('whiteouts'), '--image', IMAGE], 'nothing', true);
    assert.deepEqual([r.code, r.signal], [0, null]);
  });

  test('a large output (tree --json, more than a pipe holds) read up to its first line: exit 0, stderr empty', async () => {
    const args = ['tree', fixtureName(engine, 'layerlens-test/findings:buildkit'), '--json'];
    const full = await runCli(args, env);
    assert.equal(full.code, 0, full.stderr);
    assert.ok(Buffer.byteLength(full.stdout) > 65536, `the output (${Buffer.byteLength(full.stdout)} bytes) overfills a 64 KiB pipe, so the CLI is still writing when the reader leaves`);
    const r = await runIntoClosingPipe(args, 'first line');
    assert.ok(r.received.startsWith('{\n'), r.received.slice(0, 40));
    assert.ok(r.received.length < full.stdout.length, 'the reader left before the end');
    assert.equal(r.stderr, '');
    assert.deepEqual([r.code, r.signal], [0, null]);
  });

  test('the same in text (tree, layers): the first line is what a full run prints first', async () => {
    for (const args of [['tree', IMAGE], ['layers', IMAGE]]) {
      const full = await runCli(args, env);
      const r = await runIntoClosingPipe(args, 'first line');
      assert.equal(r.received.split('\n')[0], full.stdout.split('\n')[0]);
      assert.deepEqual([r.code, r.stderr], [0, '']);
    }
  });
});

describe('layerlens first contact', () => {
  test('--version prints the version of package.json; --help the usage on stdout, exit 0', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const v = await runCli(['--version']);
    assert.deepEqual([v.code, v.stdout, v.stderr], [0, `layerlens ${version}\n`, '']);
    const help = await runCli(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: layerlens <command> <ref> \[options\]\n/);
    assert.match(help.stdout, /--version/);
    assert.equal(help.stderr, '');
  });

  test('no arguments: the usage on stderr, nothing on stdout, exit 2', async () => {
    const r = await runCli([]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^Usage: layerlens <command> <ref> \[options\]\n/);
    assert.match(r.stderr, /\n {2}analyze <ref> /);
  });

  test('mistyped commands and options: one line in our words, the nearest known word, exit 2', async () => {
    const cases: [string[], string][] = [
      [['analyse', IMAGE], 'layerlens: Unknown command "analyse": did you mean analyze?\n'],
      [['analyze', IMAGE, '--jsno'], 'layerlens: Unknown option --jsno: did you mean --json?\n'],
      [['tree', IMAGE, '--step', '2'], 'layerlens: --step is not an option of layerlens tree (it belongs to explain).\n'],
      [['tree', IMAGE, '--layer'], 'layerlens: --layer needs a value: --layer N.\n'],
      [['frobnicate', IMAGE], 'layerlens: Unknown command "frobnicate"; the commands are layers, tree, diff, compare, analyze, explain, packages and lint (see layerlens --help).\n'],
    ];
    for (const [args, stderr] of cases) {
      const r = await runCli(args, env);
      assert.deepEqual([r.code, r.stdout, r.stderr], [2, '', stderr], args.join(' '));
    }
  });

  test('diff --from -1 (the empty filesystem) needs no = sign; its text has column headers', async () => {
    const r = await runCli(['diff', IMAGE, '--from', '-1', '--to', '2'], env);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^Changes from layer -1 to layer 2: \d+ \(A added, M modified, D deleted\)$/);
    assert.match(lines[1], /^Change\s+Size\s+Layer\s+Path$/);
    const json = JSON.parse((await runCli(['diff', IMAGE, '--from', '-1', '--to', '2', '--json'], env)).stdout);
    assert.equal(lines.length - 2, json.changes.length, 'one row per change under the header');
    for (const [i, c] of json.changes.entries()) assert.match(lines[i + 2], new RegExp(`^${c.change[0].toUpperCase()}\\s+\\S+ \\S+\\s+#${c.layer}\\s+`));
  });

  test('layers: each row starts with the step number that explain --step takes, and the layer number', async () => {
    const text = (await runCli(['layers', IMAGE], env)).stdout.split('\n');
    const report = JSON.parse((await runCli(['layers', IMAGE, '--json'], env)).stdout);
    const header = text.findIndex((l) => /^Step\s+Layer\s+Size\s/.test(l));
    assert.ok(header > 0, text.join('\n'));
    const rows = text.slice(header + 1).filter((l) => l.trim());
    assert.equal(rows.length, report.steps.length);
    for (const [i, step] of report.steps.entries()) {
      const [stepCell, layerCell] = rows[i].split(/\s+/);
      assert.equal(stepCell, String(step.index));
      assert.equal(layerCell, step.layerIndex === null ? '-' : String(step.layerIndex));
    }
    // The number read off a row is the one explain takes.
    const cmd = report.steps.findIndex((s: { instruction: string }) => s.instruction.startsWith('CMD'));
    const explained = await runCli(['explain', IMAGE, '--step', String(cmd), '--json'], env);
    assert.equal(JSON.parse(explained.stdout).step.instruction, report.steps[cmd].instruction);
  });
});

describe('layerlens lint --image with an image not built from the Dockerfile', () => {
  test('says so in one line, exit 2, nothing on stdout; the right image still passes', async () => {
    const file = dockerfileOf('basics');
    const other = fixtureName(engine, 'layerlens-test/findings:buildkit');
    for (const json of [[], ['--json']]) {
      const r = await runCli(['lint', file, '--image', other, ...json], env);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, new RegExp(`^layerlens: ${escapeRegExp(other)} was not built from ${escapeRegExp(file)}: only \\d+ of its \\d+ instructions match the image's build steps\\.\\n$`));
    }
    const own = await runCli(['lint', file, '--image', fixtureName(engine, 'layerlens-test/basics:buildkit'), '--json'], env);
    assert.equal(own.code, 1, own.stderr);
    assert.equal(JSON.parse(own.stdout).image.score, 1);
  });

  test('names the stage the image matches when --target was forgotten', async () => {
    // The whiteouts Dockerfile as a named stage, then a last stage the image was never built from.
    const text = readFileSync(dockerfileOf('whiteouts'), 'utf8').replace(/^FROM scratch$/m, 'FROM scratch AS app');
    assert.match(text, /^FROM scratch AS app$/m);
    const file = join(work, 'two-stages.Dockerfile');
    writeFileSync(file, `${text}\nFROM scratch\nCOPY --from=app /bin/busybox /busybox\n`);
    const r = await runCli(['lint', file, '--image', IMAGE], env);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /; it matches stage "app" \(add --target app\)\.\n$/);
    const targeted = await runCli(['lint', file, '--image', IMAGE, '--target', 'app', '--json'], env);
    assert.notEqual(targeted.code, 2, targeted.stderr);
    assert.equal(JSON.parse(targeted.stdout).image.score, 1);
  });
});

// A pull through a mirror leaves two names on one image; the one the user typed is the one to show.
for (const info of testEngines().filter((e) => e.saveFormat !== 'podman')) {
  describe(`the image is named as the user typed it, on ${info.name}`, () => {
    const docker = connect(info).docker;
    const hostEnv = { DOCKER_HOST: info.host, LAYERLENS_CACHE_DIR: join(work, `cache-${info.name}`) };
    const repo = `layerlens-cli-names/app`;
    const tag = `t${process.pid}`;
    const names = [`127.0.0.1:5055/${repo}:${tag}`, `${repo}:${tag}`];
    let id = '';
    let repoTags: string[] = [];

    before(async () => {
      // An image of our own (a fixture's tags must not change under other tests): one layer from `docker import`.
      const tar = buildTar([{ name: 'hello.txt', content: 'hello\n' }]);
      const progress = await docker.importImage(Readable.from([tar]) as unknown as string);
      let text = '';
      for await (const chunk of progress as AsyncIterable<Buffer>) text += chunk.toString();
      id = text.match(/sha256:[0-9a-f]{64}/g)!.at(-1)!;
      for (const name of names) {
        const at = name.lastIndexOf(':');
        await docker.getImage(id).tag({ repo: name.slice(0, at), tag: name.slice(at + 1) });
      }
      repoTags = (await docker.getImage(id).inspect()).RepoTags;
      assert.deepEqual([...repoTags].sort(), [...names].sort());
    });
    after(async () => {
      if (id) await docker.getImage(id).remove({ force: true });
    });

    test('layers, analyze and explain title the image with the typed name, not the first RepoTag', async () => {
      const typed = repoTags[1]; // the engine lists the other name first
      const first = repoTags[0];
      const layers = await runCli(['layers', typed], hostEnv);
      assert.equal(layers.code, 0, layers.stderr);
      assert.equal(layers.stdout.split('\n')[0], `Image   ${typed}  ${id.slice(7, 19)}`);
      const analyze = await runCli(['analyze', typed], hostEnv);
      assert.equal(analyze.stdout.split('\n')[0], `Image   ${typed}  ${id.slice(7, 19)}`);
      const explain = await runCli(['explain', typed, '--layer', '0'], hostEnv);
      assert.equal(explain.code, 0, explain.stderr);
      assert.equal(explain.stdout.split('\n')[0], `Layer 0 of ${typed}`);
      if (!typed.includes(first)) assert.ok(!explain.stdout.includes(first), 'the other name is not used');
    });

    test('by ID: the first RepoTag; the JSON keeps the tags as the engine lists them', async () => {
      const byId: CliResult = await runCli(['layers', id.slice(7, 19)], hostEnv);
      assert.equal(byId.stdout.split('\n')[0], `Image   ${repoTags[0]}  ${id.slice(7, 19)}`);
      const explain = await runCli(['explain', id, '--layer', '0'], hostEnv);
      assert.equal(explain.stdout.split('\n')[0], `Layer 0 of ${repoTags[0]}`);
      const json = JSON.parse((await runCli(['layers', repoTags[1], '--json'], hostEnv)).stdout);
      assert.deepEqual(json.image.tags, repoTags);
      const explained = JSON.parse((await runCli(['explain', repoTags[1], '--layer', '0', '--json'], hostEnv)).stdout);
      assert.deepEqual(explained.image.tags, repoTags);
    });
  });
}

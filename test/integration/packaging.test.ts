// What the marketplace and npm get: `npm run package` (vsce) prints no warning and its .vsix carries the
// 128×128 PNG icon, the CHANGELOG, the categories and no placeholder repository; `npm pack` gives a CLI that
// works installed alone (`npm install -g` of the tarball into an empty prefix, then `layerlens --help`).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ROOT } from './support/engines';

const work = mkdtempSync(join(tmpdir(), 'layerlens-packaging-'));

function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const r = spawnSync(command, args, { cwd: options.cwd ?? ROOT, env: { ...process.env, ...options.env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, all: `${r.stdout}\n${r.stderr}` };
}

/** A member of a zip archive (the .vsix), read with Python's zipfile (the machine's python3, as tar_manifest.py). */
function zipMember(zip: string, member: string): Buffer {
  const r = spawnSync('python3', ['-c', 'import sys,zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))', zip, member]);
  assert.equal(r.status, 0, r.stderr.toString());
  return r.stdout;
}

function zipNames(zip: string): string[] {
  const r = spawnSync('python3', ['-c', 'import sys,zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', zip], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n');
}

describe('packaging', () => {
  test('npm run package: vsce prints no warning; the .vsix has the icon (a 128×128 PNG), the CHANGELOG and the categories', () => {
    const vsix = join(work, 'layerlens.vsix');
    const r = run('npm', ['run', '-s', 'package', '--', '-o', vsix]);
    assert.equal(r.code, 0, r.all);
    assert.doesNotMatch(r.all, /WARNING|warn|Do you want to continue/i, r.all);
    assert.match(r.all, /DONE\s+Packaged:/);
    const names = zipNames(vsix);
    for (const name of ['extension/media/icon.png', 'extension/CHANGELOG.md', 'extension/LICENSE.txt', 'extension/dist/cli.js', 'extension/dist/extension.js']) {
      assert.ok(names.some((n) => n.toLowerCase() === name.toLowerCase()), `${name} in ${names.join(', ')}`);
    }
    const png = zipMember(vsix, 'extension/media/icon.png');
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128], 'IHDR width and height');
    const manifest = JSON.parse(zipMember(vsix, 'extension/package.json').toString('utf8')) as { icon: string; categories: string[]; repository?: unknown };
    assert.equal(manifest.icon, 'media/icon.png');
    assert.deepEqual(manifest.categories, ['Visualization', 'Linters']);
    assert.equal(manifest.repository, undefined, 'no placeholder repository');
    const vsixManifest = zipMember(vsix, 'extension.vsixmanifest').toString('utf8');
    assert.match(vsixManifest, /Microsoft\.VisualStudio\.Services\.Icons\.Default" Path="extension\/media\/icon\.png"/);
    assert.match(vsixManifest, /Microsoft\.VisualStudio\.Services\.Content\.Changelog/);
  });

  test('npm pack, then npm install -g of the tarball into an empty prefix: layerlens --help works with nothing else around', () => {
    const packed = run('npm', ['pack', '--pack-destination', work, '--json']);
    assert.equal(packed.code, 0, packed.all);
    const [{ filename, files }] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
    assert.deepEqual(files.map((f) => f.path).sort(), ['CHANGELOG.md', 'LICENSE', 'README.md', 'dist/cli.js', 'dist/sql-wasm-inline.js', 'dist/ssh2.js', 'package.json']);
    const prefix = join(work, 'prefix');
    // An empty npm cache and no network for dependencies: the CLI needs none at run time (the bundle holds them).
    const installed = run('npm', ['install', '-g', '--prefix', prefix, '--offline', '--cache', join(work, 'npm-cache'), '--no-audit', '--no-fund', join(work, filename)], { cwd: work });
    assert.equal(installed.code, 0, installed.all);
    assert.deepEqual(readdirSync(join(prefix, 'lib', 'node_modules')), ['layerlens']);
    const help = run(join(prefix, 'bin', 'layerlens'), ['--help'], { cwd: work, env: { PATH: `${join(prefix, 'bin')}:/usr/bin:/bin` } });
    assert.equal(help.code, 0, help.all);
    assert.match(help.stdout, /^Usage: layerlens <command> <ref> \[options\]/);
    assert.match(help.stdout, /--format <text\|json\|sarif>/);
    const version = run(join(prefix, 'bin', 'layerlens'), ['--version'], { cwd: work, env: { PATH: `${join(prefix, 'bin')}:/usr/bin:/bin` } });
    assert.match(version.stdout, /^layerlens \d+\.\d+\.\d+\n$/);
    // It runs a real command too: lint needs no engine.
    const lint = run(join(prefix, 'bin', 'layerlens'), ['lint', join(ROOT, 'test', 'fixtures', 'basics', 'Dockerfile'), '--format', 'sarif'], { cwd: work, env: { PATH: `${join(prefix, 'bin')}:/usr/bin:/bin` } });
    assert.equal(lint.code, 0, lint.all);
    assert.equal((JSON.parse(lint.stdout) as { version: string }).version, '2.1.0');
  });
});

// The `layerlens` command line against a real engine: its JSON contract, dive-style CI exit codes,
// and how the host is chosen (--host > DOCKER_HOST).
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from './support/cli';
import { oneEngine } from './support/engines';

const engine = oneEngine();
const cacheDir = mkdtempSync(join(tmpdir(), 'layerlens-cli-cache-'));
const env = { DOCKER_HOST: engine.host, LAYERLENS_CACHE_DIR: cacheDir };
const IMAGE = 'layerlens-test/whiteouts:legacy';

describe('layerlens CLI', () => {
  test('layers --json follows the documented contract', async () => {
    const r = await runCli(['layers', IMAGE, '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(report).sort(), ['efficiency', 'exactWastedBytes', 'image', 'layers', 'steps', 'userWastedPercent', 'wastedBytes']);
    assert.deepEqual(Object.keys(report.image).sort(), ['id', 'size', 'tags']);
    assert.match(report.image.id, /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual(report.image.tags, [IMAGE]);
    for (const [i, layer] of report.layers.entries()) {
      assert.deepEqual(Object.keys(layer).sort(), ['added', 'createdBy', 'deleted', 'diffId', 'index', 'instruction', 'modified', 'packages', 'size', 'wastedBytes']);
      // This image has no package database: counts of nothing, never null (loadAnalysis reads packages).
      assert.deepEqual(layer.packages, { present: 0, installed: 0, upgraded: 0, downgraded: 0, removed: 0, installedBytes: 0, byManager: [] });
      assert.equal(layer.index, i);
      assert.match(layer.diffId, /^sha256:[0-9a-f]{64}$/);
    }
    assert.equal(report.layers.length, report.steps.filter((s: { emptyLayer: boolean }) => !s.emptyLayer).length);
    assert.ok(report.steps.some((s: { instruction: string; emptyLayer: boolean }) => s.instruction === 'CMD ["/bin/sh"]' && s.emptyLayer));
    assert.ok(report.efficiency > 0 && report.efficiency <= 1);
    assert.equal(report.image.size, report.layers.reduce((sum: number, l: { size: number }) => sum + l.size, 0));
  });

  test('tree --json lists the merged filesystem with modes, owners, links and origins', async () => {
    const r = await runCli(['tree', 'layerlens-test/basics:legacy', '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    const byPath = new Map(report.entries.map((e: { path: string }) => [e.path, e]));
    const setuid = byPath.get('/app/setuid-file') as Record<string, unknown>;
    assert.deepEqual(Object.keys(setuid).sort(), ['addedIn', 'contentChanged', 'gid', 'linkTarget', 'mode', 'modifiedIn', 'path', 'size', 'type', 'uid']);
    assert.equal(setuid.mode, 0o4755);
    assert.equal(setuid.linkTarget, null);
    assert.equal((byPath.get('/app/data/rel-symlink') as { linkTarget: string }).linkTarget, '../lib/target.txt');
    const big = byPath.get('/app/big.bin') as { modifiedIn: number[]; contentChanged: boolean };
    assert.equal(big.modifiedIn.length, 1);
    assert.equal(big.contentChanged, false);
    const atZero = JSON.parse((await runCli(['tree', 'layerlens-test/basics:legacy', '--layer', '0', '--json'], env)).stdout);
    assert.equal(atZero.layer, 0);
    assert.ok(atZero.entries.length < report.entries.length);
  });

  test('diff --json gives the net changes between two layers', async () => {
    const layers = JSON.parse((await runCli(['layers', IMAGE, '--json'], env)).stdout).layers;
    const r = await runCli(['diff', IMAGE, '--from', '2', '--to', String(layers.length - 1), '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.from, 2);
    const kinds = new Set(report.changes.map((c: { change: string }) => c.change));
    assert.deepEqual([...kinds].sort(), ['added', 'deleted', 'modified']);
    for (const c of report.changes) assert.ok(c.layer > 2 && c.layer < layers.length, `change of ${c.path} made by a layer in (2, top]`);
  });

  test('analyze --ci exits 1 when a rule fails and 0 when all pass', async () => {
    const strict = await runCli(['analyze', IMAGE, '--ci'], env);
    assert.equal(strict.code, 1, strict.stdout + strict.stderr);
    assert.match(strict.stdout, /FAIL {2}highestUserWastedPercent/);
    const relaxed = await runCli(['analyze', IMAGE, '--ci', '--highest-user-wasted-percent', '0.99', '--highest-wasted-bytes', '1MB'], env);
    assert.equal(relaxed.code, 0, relaxed.stdout + relaxed.stderr);
    assert.match(relaxed.stdout, /CI: all rules pass/);
    const json = JSON.parse((await runCli(['analyze', IMAGE, '--json', '--ci', '--lowest-efficiency', '0.5'], env)).stdout);
    assert.equal(json.ci.pass, false);
    assert.ok(json.wastedFiles.length > 0 && json.wastedFiles.every((w: { reason: string }) => ['overwritten', 'deleted', 'metadata-only'].includes(w.reason)));
    const disabled = await runCli(['analyze', IMAGE, '--json', '--ci', '--lowest-efficiency', 'disabled', '--highest-user-wasted-percent', 'disabled'], env);
    assert.equal(disabled.code, 0, disabled.stderr);
    assert.deepEqual(JSON.parse(disabled.stdout).ci, { pass: true, rules: [] }, 'rules set to disabled are skipped');
  });

  test('--host wins over DOCKER_HOST', async () => {
    const r = await runCli(['layers', IMAGE, '--json', '--host', engine.host], { ...env, DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    assert.equal(r.code, 0, r.stderr);
    const viaEnv = await runCli(['layers', IMAGE, '--json'], { ...env, DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    assert.equal(viaEnv.code, 2);
    assert.match(viaEnv.stderr, /unix:\/\/\/nonexistent\/docker\.sock \(from DOCKER_HOST\)/);
  });

  test('bad arguments get one line and exit 2', async () => {
    for (const args of [['frobnicate', IMAGE], ['tree', IMAGE, '--layer', '999'], ['diff', IMAGE, '--from', '1'], ['analyze']]) {
      const r = await runCli(args, env);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, `one line for ${args.join(' ')}: ${r.stderr}`);
    }
  });
});

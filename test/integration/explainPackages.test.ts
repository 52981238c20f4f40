// `layerlens explain` on the debian fixture's steps (real .debs installed, upgraded, purged and downgraded by dpkg)
// names the packages each step changed. Oracles the explain code did not compute: `dpkg-query -W` in the legacy
// builder's step images before and after the install step (what it installed is the difference), and
// `layerlens packages --json` (another command, over the same databases) for every engine and both builders.
// Podman's images are loaded from Engine 20.10 with the same layers (see packages.test.ts).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { LayerExplanation } from '../../src/core/explain/explanation';
import type { PackagesReport } from '../../src/core/packages/packagesReport';
import { runCli } from './support/cli';
import { connect, fixtureName, testEngines, type TestEngine } from './support/engines';

const run = promisify(execFile);
const DOCKER = '/usr/bin/docker';
const BUILDERS = ['legacy', 'buildkit'] as const;
/** The fixture's layers (test/fixtures/debian/Dockerfile): 0 the base, 1 the COPY of the .debs, 2 the install, 3 the upgrade, 4 the purge. */
const INSTALL = 2;
const UPGRADE = 3;
const PURGE = 4;

async function dpkgQuery(engine: TestEngine, image: string): Promise<Set<string>> {
  const { stdout } = await run(DOCKER, ['-H', engine.host, 'run', '--rm', '--network', 'none', '--entrypoint', 'dpkg-query', image, '-W', '-f', '${Package} ${Version}\n'], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return new Set(stdout.split('\n').filter(Boolean));
}

async function cliJson<T>(env: NodeJS.ProcessEnv, args: string[]): Promise<T> {
  const r = await runCli(args, env);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as T;
}

const dpkgOf = (e: LayerExplanation) => e.packages?.managers.find((m) => m.manager === 'dpkg');

for (const info of testEngines()) {
  describe(`engine ${info.name} (${info.saveFormat})`, () => {
    const cacheDir = mkdtempSync(join(tmpdir(), `layerlens-explain-packages-${info.name}-`));
    after(() => rmSync(cacheDir, { recursive: true, force: true }));
    const env = { DOCKER_HOST: info.host, LAYERLENS_CACHE_DIR: cacheDir };

    for (const builder of BUILDERS) {
      const ref = fixtureName(info, `layerlens-test/debian:${builder}`);

      test(`${ref}: explain of the install step names the packages \`layerlens packages\` says it installed, with their bytes`, async () => {
        const report = await cliJson<PackagesReport>(env, ['packages', ref, '--json', '--layer', String(INSTALL)]);
        const installed = report.packages.filter((p) => p.manager === 'dpkg' && p.layer === INSTALL);
        assert.deepEqual(installed.map((p) => p.name).sort(), ['jq', 'less', 'libjq1', 'libonig5']);
        const e = await cliJson<LayerExplanation>(env, ['explain', ref, '--layer', String(INSTALL), '--json']);
        const dpkg = dpkgOf(e)!;
        assert.deepEqual(
          dpkg.installed.map((p) => `${p.name} ${p.version} ${p.bytes} ${p.files}`).sort(),
          installed.map((p) => `${p.name} ${p.version} ${p.size} ${p.files}`).sort(),
        );
        assert.deepEqual(dpkg.installed.map((p) => p.bytes), [...dpkg.installed.map((p) => p.bytes)].sort((a, b) => b - a), 'the biggest first');
        assert.deepEqual([dpkg.upgraded, dpkg.downgraded, dpkg.removed], [[], [], []]);

        // The text says the same, in one sentence naming each package.
        const text = (await runCli(['explain', ref, '--layer', String(INSTALL)], env)).stdout;
        const line = text.split('\n').find((l) => l.includes('This RUN installed'));
        assert.ok(line, text);
        assert.match(line, /This RUN installed 4 dpkg packages \(/);
        for (const p of installed) assert.ok(line.includes(`${p.name} (`), `${p.name} in: ${line}`);

        // less is purged two steps later: its bytes still ship in this layer (LL2011), as `packages` counts them.
        const removedLater = e.findings.find((f) => f.ruleId === 'LL2011')!;
        const less = installed.find((p) => p.name === 'less')!;
        assert.deepEqual(
          removedLater.evidence.map((ev) => [ev.package?.name, ev.package?.version, ev.bytes, ev.layer]),
          [['less', less.version, less.size, PURGE]],
        );
        const top = await cliJson<PackagesReport>(env, ['packages', ref, '--json']);
        assert.ok(top.changes.some((c) => c.layer === PURGE && c.change === 'removed' && c.name === 'less'));
      });

      test(`${ref}: explain of the upgrade and the purge: both versions, the removals, and the documentation deleted after the upgrade`, async () => {
        const top = await cliJson<PackagesReport>(env, ['packages', ref, '--json']);
        const changesAt = (layer: number, kind: string) => top.changes.filter((c) => c.layer === layer && c.change === kind).map((c) => `${c.name} ${c.from} ${c.to}`);
        const upgrade = await cliJson<LayerExplanation>(env, ['explain', ref, '--layer', String(UPGRADE), '--json']);
        assert.deepEqual(dpkgOf(upgrade)!.upgraded.map((u) => `${u.name} ${u.from} ${u.to}`), changesAt(UPGRADE, 'upgraded'));
        assert.equal(changesAt(UPGRADE, 'upgraded').length, 2);
        // The purge step deletes /usr/share/doc/jq and jq's man page, which the upgraded jq brought (LL2013).
        const docs = upgrade.findings.find((f) => f.ruleId === 'LL2013')!;
        const jq = upgrade.packages && dpkgOf(upgrade)!.upgraded.find((u) => u.name === 'jq')!;
        assert.deepEqual(
          docs.evidence.map((ev) => [ev.path, ev.package?.name, ev.package?.version, ev.layer]).sort(),
          [['/usr/share/doc/jq', 'jq', jq!.to, PURGE], ['/usr/share/man/man1', 'jq', jq!.to, PURGE]],
        );
        const purge = await cliJson<LayerExplanation>(env, ['explain', ref, '--layer', String(PURGE), '--json']);
        assert.deepEqual(dpkgOf(purge)!.removed.map((r) => `${r.name} ${r.version} null`), changesAt(PURGE, 'removed'));
        assert.deepEqual(purge.packages!.problems, []);
      });
    }

    // The legacy builder keeps each step as an image: dpkg-query before and after the install step is the oracle.
    if (info.saveFormat !== 'podman') {
      test('layerlens-test/debian:legacy: the install step\'s packages equal what dpkg-query gains across that step', async () => {
        const name = 'layerlens-test/debian:legacy';
        const engine = connect(info);
        const byLayerCount = new Map<number, string>();
        for (const step of (await engine.imageHistory(name)) as { Id: string }[]) {
          if (!step.Id || step.Id === '<missing>') continue;
          const layers = (await engine.inspectImage(step.Id)).RootFS.Layers ?? [];
          if (layers.length > 0 && !byLayerCount.has(layers.length)) byLayerCount.set(layers.length, step.Id);
        }
        const before = await dpkgQuery(info, byLayerCount.get(INSTALL)!); // INSTALL layers: 0..INSTALL-1
        const afterInstall = await dpkgQuery(info, byLayerCount.get(INSTALL + 1)!);
        const gained = [...afterInstall].filter((p) => !before.has(p)).sort();
        assert.equal(gained.length, 4, gained.join(', '));
        const e = await cliJson<LayerExplanation>(env, ['explain', name, '--layer', String(INSTALL), '--json']);
        assert.deepEqual(dpkgOf(e)!.installed.map((p) => `${p.name} ${p.version}`).sort(), gained);

        const beforePurge = await dpkgQuery(info, byLayerCount.get(PURGE)!);
        const afterPurge = await dpkgQuery(info, byLayerCount.get(PURGE + 1)!);
        const lost = [...beforePurge].filter((p) => !afterPurge.has(p)).sort();
        const purge = await cliJson<LayerExplanation>(env, ['explain', name, '--layer', String(PURGE), '--json']);
        assert.deepEqual(dpkgOf(purge)!.removed.map((r) => `${r.name} ${r.version}`), lost);
        assert.deepEqual(lost.map((p) => p.split(' ')[0]), ['e2fsprogs', 'less']);
      });
    }
  });
}

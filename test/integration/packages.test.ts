// `layerlens packages` against dpkg itself: for the debian fixture (a real debootstrap base and real .debs
// installed, upgraded, purged and downgraded by dpkg), the name and version of every package at a layer equal
// `dpkg-query -W` run in a container of the image, and of each legacy-builder step's image for the layers below,
// on every engine and both builders. Podman here cannot start containers (its runtime may not set rlimits), so
// its images, loaded from Engine 20.10 with the same layers, are checked against dpkg-query run there.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { PackagesReport } from '../../src/core/packages/packagesReport';
import { runCli } from './support/cli';
import { connect, fixtureName, testEngines, type TestEngine } from './support/engines';

const run = promisify(execFile);
const DOCKER = '/usr/bin/docker';
const BUILDERS = ['legacy', 'buildkit'] as const;
const engines = testEngines();
const d20 = engines.find((e) => e.name === 'd20');

/** dpkg-query's own list, in a throwaway container without network: "name version" lines, sorted. */
async function dpkgQuery(engine: TestEngine, image: string): Promise<string[]> {
  const { stdout } = await run(DOCKER, ['-H', engine.host, 'run', '--rm', '--network', 'none', '--entrypoint', 'dpkg-query', image, '-W', '-f', '${Package} ${Version}\n'], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout.split('\n').filter(Boolean).sort();
}

async function packagesAt(env: NodeJS.ProcessEnv, ref: string, layer?: number, extra: string[] = []): Promise<PackagesReport> {
  const r = await runCli(['packages', ref, '--json', ...(layer === undefined ? [] : ['--layer', String(layer)]), ...extra], env);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as PackagesReport;
}

const namesAndVersions = (report: PackagesReport) => report.packages.filter((p) => p.manager === 'dpkg').map((p) => `${p.name} ${p.version}`).sort();

for (const info of engines) {
  describe(`engine ${info.name} (${info.saveFormat})`, () => {
    const cacheDir = mkdtempSync(join(tmpdir(), `layerlens-packages-${info.name}-`));
    after(() => rmSync(cacheDir, { recursive: true, force: true }));
    const env = { DOCKER_HOST: info.host, LAYERLENS_CACHE_DIR: cacheDir };
    const oracleEngine = info.saveFormat === 'podman' ? d20! : info;

    for (const builder of BUILDERS) {
      const name = `layerlens-test/debian:${builder}`;
      test(`${name}: the packages at the top equal dpkg-query in a container, read cold and from the cache`, async () => {
        const oracle = await dpkgQuery(oracleEngine, name);
        assert.ok(oracle.length > 100, `dpkg-query listed ${oracle.length} packages`);
        if (info.saveFormat === 'podman') {
          const ours = (await connect(info).inspectImage(fixtureName(info, name))).RootFS.Layers;
          assert.deepEqual(ours, (await connect(d20!).inspectImage(name)).RootFS.Layers, 'Podman holds the same layers as Engine 20.10');
        }
        const cold = await packagesAt(env, fixtureName(info, name), undefined, ['--no-cache']);
        assert.deepEqual(namesAndVersions(cold), oracle);
        await packagesAt(env, fixtureName(info, name)); // fills the cache
        const warm = await packagesAt(env, fixtureName(info, name));
        assert.deepEqual(warm, cold, 'a cached read gives the same answer');
        assert.deepEqual(warm.problems, []);
      });

      test(`${name}: installs, upgrades, purges and downgrades at the layers that made them, with their bytes`, async () => {
        const top = await packagesAt(env, fixtureName(info, name));
        assert.equal(top.layer, 6);
        const changes = top.changes.filter((c) => c.layer > 0).map((c) => `${c.layer} ${c.change} ${c.name} ${c.from} ${c.to}`);
        assert.deepEqual(changes, [
          '2 installed jq null 1.6-2.1+deb12u2',
          '2 installed less null 590-2.1~deb12u2',
          '2 installed libjq1 null 1.6-2.1+deb12u2',
          '2 installed libonig5 null 6.9.8-1',
          '3 upgraded jq 1.6-2.1+deb12u2 1.6-2.1+deb12u3',
          '3 upgraded libjq1 1.6-2.1+deb12u2 1.6-2.1+deb12u3',
          '4 removed e2fsprogs 1.47.0-2+b2 null',
          '4 removed less 590-2.1~deb12u2 null',
          '5 downgraded jq 1.6-2.1+deb12u3 1.6-2.1+deb12u2',
          '5 downgraded libjq1 1.6-2.1+deb12u3 1.6-2.1+deb12u2',
        ]);
        const jq = top.packages.find((p) => p.name === 'jq')!;
        assert.deepEqual([jq.layer, jq.architecture, jq.location, jq.deletedLaterBytes], [5, 'amd64', '/var/lib/dpkg/status', 0]);
        assert.ok(jq.files >= 3 && jq.size > 0, `jq: ${jq.files} files, ${jq.size} bytes`);
        // At layer 3 the upgraded jq is present; layer 4 deleted its docs and layer 5 overwrote its binary.
        const upgraded = (await packagesAt(env, fixtureName(info, name), 3)).packages.find((p) => p.name === 'jq')!;
        assert.equal(upgraded.layer, 3);
        assert.ok(upgraded.deletedLaterBytes > 0 && upgraded.deletedLaterBytes <= upgraded.size, `${upgraded.deletedLaterBytes} of ${upgraded.size}`);
        const libc = top.packages.find((p) => p.name === 'libc6')!;
        assert.equal(libc.layer, 0);
        assert.ok(libc.size > 5_000_000, `libc6 ships ${libc.size} bytes in the base (its /lib paths resolved through merged /usr)`);
        const unowned = new Map(top.unowned.map((u) => [u.layer, u]));
        assert.deepEqual(unowned.get(6)?.topDirectories[0], { path: '/var/cache/layerlens', bytes: 3_000_000 });
        assert.equal(unowned.get(1)?.topDirectories[0].path, '/tmp/debs');
      });
    }

    // The legacy builder keeps every step as an image: dpkg-query in each is the oracle for its layer.
    if (info.saveFormat !== 'podman') {
      test('layerlens-test/debian:legacy: the packages at every layer equal dpkg-query in that step\'s image', async () => {
        const name = 'layerlens-test/debian:legacy';
        const engine = connect(info);
        const history = (await engine.imageHistory(name)) as { Id: string }[];
        const byLayerCount = new Map<number, string>();
        for (const step of history) {
          if (!step.Id || step.Id === '<missing>') continue;
          const layers = (await engine.inspectImage(step.Id)).RootFS.Layers ?? [];
          if (layers.length > 0 && !byLayerCount.has(layers.length)) byLayerCount.set(layers.length, step.Id);
        }
        assert.ok(byLayerCount.size >= 6, `found intermediate images for ${byLayerCount.size} layers`);
        for (const [count, id] of [...byLayerCount].sort((a, b) => a[0] - b[0])) {
          const ours = namesAndVersions(await packagesAt(env, name, count - 1));
          assert.deepEqual(ours, await dpkgQuery(info, id), `layer ${count - 1} (step image ${id.slice(0, 19)})`);
        }
      });
    }
  });
}

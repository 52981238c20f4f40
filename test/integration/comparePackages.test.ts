// The package difference of `layerlens compare --json` against dpkg itself: for pairs of images whose dpkg sets
// differ, the added, removed, upgraded and downgraded packages equal the difference of `dpkg-query -W` run in a
// container of each image, the direction of each version change as `dpkg --compare-versions` judges it, on every
// engine and both builders. The pairs: the debian base against the debian fixture (installs and a purge of a base
// package), and, where the legacy builder keeps its step images, the image after jq's upgrade against the top and
// back (downgrades, removals; upgrades, additions). Each side's layer and bytes are the ones `layerlens packages`
// gives for that image. Podman here cannot start containers, and holds no debian base: its fixture is compared
// with the base saved from Engine 20.10 as an archive, against dpkg-query run on Engine 20.10 (same layers).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { ImageComparison, PackageDifference } from '../../src/core/compare';
import type { PackagesReport } from '../../src/core/packages/packagesReport';
import { runCli } from './support/cli';
import { connect, fixtureName, testEngines, type TestEngine } from './support/engines';
import { saveImageToFile } from './support/saveImage';

const run = promisify(execFile);
const DOCKER = '/usr/bin/docker';
const BASE = 'layerlens-test/debian-base:bookworm';
const BUILDERS = ['legacy', 'buildkit'] as const;
const engines = testEngines();
const d20 = engines.find((e) => e.name === 'd20')!;
const work = mkdtempSync(join(tmpdir(), 'layerlens-compare-packages-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** dpkg-query's own list in a throwaway container without network: name → version. */
async function dpkgQuery(engine: TestEngine, image: string): Promise<Map<string, string>> {
  const { stdout } = await run(DOCKER, ['-H', engine.host, 'run', '--rm', '--network', 'none', '--entrypoint', 'dpkg-query', image, '-W', '-f', '${Package} ${Version}\n'], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return new Map(stdout.split('\n').filter(Boolean).map((line) => line.split(' ') as [string, string]));
}

/** dpkg's own order: is `x` newer than `y`? */
async function dpkgNewer(engine: TestEngine, image: string, x: string, y: string): Promise<boolean> {
  try {
    await run(DOCKER, ['-H', engine.host, 'run', '--rm', '--network', 'none', '--entrypoint', 'dpkg', image, '--compare-versions', x, 'gt', y]);
    return true;
  } catch (error) {
    if ((error as { code?: number }).code === 1) return false;
    throw error;
  }
}

/** The difference of the two dpkg-query lists, as "change name versionA versionB" lines, sorted. */
async function expectedDifference(engine: TestEngine, imageA: string, imageB: string): Promise<string[]> {
  const [a, b] = await Promise.all([dpkgQuery(engine, imageA), dpkgQuery(engine, imageB)]);
  assert.ok(a.size > 100 && b.size > 100, `dpkg-query listed ${a.size} and ${b.size} packages`);
  const lines: string[] = [];
  for (const [name, vb] of b) {
    const va = a.get(name);
    if (va === undefined) lines.push(`added ${name} - ${vb}`);
    else if (va !== vb) lines.push(`${(await dpkgNewer(engine, imageB, vb, va)) ? 'upgraded' : 'downgraded'} ${name} ${va} ${vb}`);
  }
  for (const [name, va] of a) if (!b.has(name)) lines.push(`removed ${name} ${va} -`);
  return lines.sort();
}

const reported = (packages: PackageDifference[]) => packages.filter((p) => p.manager === 'dpkg').map((p) => `${p.change} ${p.name} ${p.a?.version ?? '-'} ${p.b?.version ?? '-'}`).sort();

async function cli(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const r = await runCli(args, env);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

/** Each side's layer and bytes are those `layerlens packages` reports for the version that image holds. */
async function assertSidesAsPackagesSays(packages: PackageDifference[], refA: string, refB: string, env: NodeJS.ProcessEnv): Promise<void> {
  for (const [ref, side] of [[refA, 'a'], [refB, 'b']] as const) {
    const report = JSON.parse(await cli(['packages', ref, '--json'], env)) as PackagesReport;
    const byName = new Map(report.packages.filter((p) => p.manager === 'dpkg').map((p) => [p.name, p]));
    for (const p of packages) {
      const s = p[side];
      if (!s) continue;
      const listed = byName.get(p.name);
      assert.deepEqual(s, listed && { version: listed.version, layer: listed.layer, size: listed.size }, `${p.name} on side ${side}`);
    }
  }
}

for (const info of engines) {
  describe(`engine ${info.name} (${info.saveFormat})`, () => {
    const cacheDir = mkdtempSync(join(tmpdir(), `layerlens-compare-packages-${info.name}-`));
    after(() => rmSync(cacheDir, { recursive: true, force: true }));
    const env = { DOCKER_HOST: info.host, LAYERLENS_CACHE_DIR: cacheDir };
    const podman = info.saveFormat === 'podman';
    const oracleEngine = podman ? d20 : info;
    let baseRef = BASE;
    before(async () => {
      if (!podman) return;
      baseRef = join(work, 'debian-base.tar');
      await saveImageToFile(connect(d20), BASE, baseRef);
    });

    for (const builder of BUILDERS) {
      const name = `layerlens-test/debian:${builder}`;
      test(`${BASE} → ${name}: the package difference equals dpkg-query's in both images, in the JSON and the text`, async () => {
        const expected = await expectedDifference(oracleEngine, BASE, name);
        assert.ok(expected.some((l) => l.startsWith('added ')) && expected.some((l) => l.startsWith('removed ')), expected.join('\n'));
        const ref = fixtureName(info, name);
        const comparison = JSON.parse(await cli(['compare', baseRef, ref, '--json'], env)) as ImageComparison;
        assert.deepEqual(reported(comparison.packages!), expected);
        await assertSidesAsPackagesSays(comparison.packages!, baseRef, ref, env);
        const added = expected.filter((l) => l.startsWith('added ')).length;
        const removed = expected.filter((l) => l.startsWith('removed ')).length;
        const text = await cli(['compare', baseRef, ref], env);
        assert.match(text, new RegExp(`^Packages: \\+${added} −${removed} \\(dpkg\\)`, 'm'));
        for (const p of comparison.packages!) assert.match(text, new RegExp(`^  [+−↑↓]  dpkg    ${p.name} `, 'm'), p.name);
      });
    }

    // The legacy builder keeps every step as an image: jq's upgrade is the image of 4 layers.
    if (!podman) {
      test('layerlens-test/debian:legacy, its step image after the upgrade against the top and back: dpkg-query\'s difference both ways', async () => {
        const name = 'layerlens-test/debian:legacy';
        const engine = connect(info);
        let upgraded: string | undefined;
        for (const step of (await engine.imageHistory(name)) as { Id: string }[]) {
          if (!step.Id || step.Id === '<missing>') continue;
          if ((await engine.inspectImage(step.Id)).RootFS.Layers?.length === 4) upgraded = step.Id;
        }
        assert.ok(upgraded, 'the step image of 4 layers');
        for (const [a, b] of [[upgraded, name], [name, upgraded]]) {
          const expected = await expectedDifference(info, a, b);
          const comparison = JSON.parse(await cli(['compare', a, b, '--json'], env)) as ImageComparison;
          assert.deepEqual(reported(comparison.packages!), expected, `${a} → ${b}`);
          assert.ok(comparison.packages!.some((p) => p.change === 'upgraded' || p.change === 'downgraded'), 'a version changed');
          await assertSidesAsPackagesSays(comparison.packages!, a, b, env);
        }
      });
    }
  });
}

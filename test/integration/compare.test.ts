// `layerlens compare` against the truth: the difference of two `docker export`s (containers of A and of B, read by
// Python's tarfile, tar_manifest.py), path by path — type, content hash, size, mode, uid, gid and link target —
// equals what `layerlens compare --json` reports, on every engine and with both builders, for the fixture pair
// compare-a / compare-b (test/fixtures, a shared compare-base then diverging steps). Then the CI gate's exit codes
// for both limit forms, --ignore, and an archive compared with an engine image.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { ImageComparison, PathDifference } from '../../src/core/compare';
import { runCli } from './support/cli';
import { connect, fixtureName, oneEngine, testEngines } from './support/engines';
import { comparableFromOracle, exportedFilesystem, madeByContainer, type Comparable } from './support/oracle';
import { saveImageToFile } from './support/saveImage';

const cacheDir = mkdtempSync(join(tmpdir(), 'layerlens-compare-cache-'));
const work = mkdtempSync(join(tmpdir(), 'layerlens-compare-'));
after(() => {
  rmSync(cacheDir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

/** `change kind path` lines, the way both sides are compared. */
function expectedChanges(a: Map<string, Comparable>, b: Map<string, Comparable>): string[] {
  const lines: string[] = [];
  for (const path of new Set([...a.keys(), ...b.keys()])) {
    if (madeByContainer(path)) continue;
    const x = a.get(path);
    const y = b.get(path);
    if (!x) lines.push(`added - ${JSON.stringify(path)}`);
    else if (!y) lines.push(`removed - ${JSON.stringify(path)}`);
    else if (x.type !== y.type) lines.push(`modified type ${JSON.stringify(path)}`);
    else if (x.contentHash !== y.contentHash || x.size !== y.size || x.linkTarget !== y.linkTarget) lines.push(`modified content ${JSON.stringify(path)}`);
    else if (x.mode !== y.mode || x.uid !== y.uid || x.gid !== y.gid) lines.push(`modified metadata ${JSON.stringify(path)}`);
  }
  return lines.sort();
}

function reportedChanges(changes: PathDifference[]): string[] {
  return changes.map((c) => `${c.change} ${c.kind ?? '-'} ${JSON.stringify(c.path)}`).sort();
}

/** Each side the report shows, against the export of that image (a hardlink is compared as its target, as the oracle does). */
function sideProblems(changes: PathDifference[], a: Map<string, Comparable>, b: Map<string, Comparable>): string[] {
  const problems: string[] = [];
  for (const c of changes) {
    for (const [name, side, truth] of [['A', c.a, a], ['B', c.b, b]] as const) {
      if (!side) continue;
      const want = truth.get(c.path);
      if (!want) {
        problems.push(`${c.path}: side ${name} is not in the export`);
        continue;
      }
      const got = {
        type: side.type === 'hardlink' ? 'file' : side.type,
        size: side.size,
        mode: side.mode,
        uid: side.uid,
        gid: side.gid,
        linkTarget: side.type === 'symlink' ? side.linkTarget : undefined,
        contentHash: side.hash ?? undefined,
      };
      for (const key of Object.keys(got) as (keyof typeof got)[]) {
        if (got[key] !== want[key]) problems.push(`${JSON.stringify(c.path)} ${name}.${key}: ${JSON.stringify(got[key])}, export says ${JSON.stringify(want[key])}`);
      }
    }
  }
  return problems;
}

async function compareJson(args: string[], host: string): Promise<ImageComparison> {
  const r = await runCli(['compare', ...args, '--json'], { DOCKER_HOST: host, LAYERLENS_CACHE_DIR: cacheDir });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as ImageComparison;
}

for (const info of testEngines()) {
  describe(`engine ${info.name} (${info.saveFormat}, ${info.version})`, () => {
    const engine = connect(info);
    for (const builder of ['legacy', 'buildkit']) {
      const [refA, refB, refBase] = ['compare-a', 'compare-b', 'compare-base'].map((f) => fixtureName(info, `layerlens-test/${f}:${builder}`));

      test(`${builder}: compare --json equals the difference of the two exports, path by path`, async () => {
        const report = await compareJson([refA, refB], info.host);
        const [inspectA, inspectB, inspectBase] = await Promise.all([refA, refB, refBase].map((r) => engine.inspectImage(r)));
        const exportA = comparableFromOracle(await exportedFilesystem(engine, inspectA.Id));
        const exportB = comparableFromOracle(await exportedFilesystem(engine, inspectB.Id));

        const expected = expectedChanges(exportA, exportB);
        assert.deepEqual(reportedChanges(report.changes), expected);
        assert.deepEqual(sideProblems(report.changes, exportA, exportB), []);

        // The fixture's known differences are there (so the equality above is not between two empty lists).
        const byPath = new Map(report.changes.map((c) => [c.path, c]));
        const brief = (path: string) => (c => c && `${c.change} ${c.kind ?? '-'}`)(byPath.get(path));
        assert.equal(brief('/app/config.txt'), 'modified content');
        assert.equal(brief('/app/run.sh'), 'modified metadata');
        assert.equal(brief('/app/owned.txt'), 'modified metadata');
        for (const p of ['/app/type/file2dir', '/app/type/dir2file', '/app/type/link2file', '/app/type/file2link']) assert.equal(brief(p), 'modified type', p);
        assert.equal(brief('/app/link'), 'modified content');
        assert.equal(brief('/app/links/hard.txt'), 'modified content');
        assert.equal(brief('/app/del/gone.txt'), 'removed -');
        assert.equal(brief('/app/del/readd-other.txt'), 'modified content');
        assert.equal(brief('/app/names/latin1-\udce9.txt'), 'modified content');
        assert.equal(brief('/app/names/tab\there-\udcff.txt'), 'added -');
        assert.equal(brief('/app/names/new\nline.txt'), 'removed -');
        assert.equal(brief('/usr/share/big/blob.bin'), 'added -');
        // A copy become a hardlink to the same bytes, and a path re-added with the bytes it had: no change.
        assert.equal(byPath.get('/app/links/copy.txt'), undefined);
        assert.equal(byPath.get('/app/del/readd-same.txt'), undefined);

        // Each side's layer is in range, and the step that made it is the step of that layer.
        for (const c of report.changes) {
          if (c.b) assert.ok(c.b.layer >= 0 && c.b.layer < report.b.layerCount, c.path);
        }
        assert.equal(byPath.get('/usr/share/big/blob.bin')!.b!.layer, report.b.layerCount - 1);
        assert.equal(byPath.get('/app/config.txt')!.a!.layer, inspectBase.RootFS.Layers!.length - 1);

        assert.equal(report.sharedLayers, inspectBase.RootFS.Layers!.length);
        assert.equal(report.a.id, inspectA.Id);
        assert.equal(report.b.id, inspectB.Id);
        assert.ok(report.sizeDelta > 3_000_000 && report.sizeDelta < 3_001_000, `sizeDelta ${report.sizeDelta}`);
        assert.equal(report.directories[0].path, '/usr/share/big');
        const statuses = report.steps.map((s) => s.status);
        assert.deepEqual(statuses.slice(0, statuses.indexOf('changed')).every((s) => s === 'same'), true);
        assert.ok(statuses.includes('onlyB'));
        const fields = report.config.map((c) => c.field);
        for (const field of ['Env', 'Cmd', 'Labels', 'User']) assert.ok(fields.includes(field), `config ${field} differs`);
        assert.equal(report.ci, null);
      });
    }
  });
}

describe('compare on one engine', () => {
  const info = oneEngine();
  const engine = connect(info);
  const [refA, refB] = ['compare-a', 'compare-b'].map((f) => fixtureName(info, `layerlens-test/${f}:buildkit`));
  const env = { DOCKER_HOST: info.host, LAYERLENS_CACHE_DIR: cacheDir };

  test('--ci --max-growth SIZE: exit 1 beyond the limit, listing the biggest growths; 0 within it', async () => {
    const over = await runCli(['compare', refA, refB, '--ci', '--max-growth', '1MB'], env);
    assert.equal(over.code, 1, over.stderr);
    assert.match(over.stdout, /FAIL {2}maxGrowth/);
    assert.match(over.stdout, /Biggest growths:\n\s+\+3\.0 MB {2}\/usr\/share\/big/);
    const within = await runCli(['compare', refA, refB, '--ci', '--max-growth', '10MB'], env);
    assert.equal(within.code, 0, within.stderr);
    assert.match(within.stdout, /PASS {2}maxGrowth/);
  });

  test('--ci --max-growth PCT: a percentage of A, in text and JSON', async () => {
    const report = await compareJson([refA, refB], info.host);
    const ratio = report.sizeDelta / report.a.size;
    assert.ok(ratio > 0.05 && ratio < 2, `the pair grows by ${ratio}`);
    const over = await runCli(['compare', refA, refB, '--ci', '--max-growth', '5%', '--json'], env);
    assert.equal(over.code, 1, over.stderr);
    const gate = (JSON.parse(over.stdout) as ImageComparison).ci!;
    assert.equal(gate.pass, false);
    assert.deepEqual(gate.limit, { bytes: null, ratio: 0.05 });
    assert.equal(gate.growth, report.sizeDelta);
    assert.equal(gate.biggestGrowths[0].path, '/usr/share/big');
    const within = await runCli(['compare', refA, refB, '--ci', '--max-growth', '200%'], env);
    assert.equal(within.code, 0, within.stderr);
    // B → A shrinks: any limit passes.
    assert.equal((await runCli(['compare', refB, refA, '--ci', '--max-growth', '0%'], env)).code, 0);
  });

  test('the gate needs --ci: without it nothing is checked (a warning says so); --ci needs a limit', async () => {
    const unchecked = await runCli(['compare', refA, refB, '--max-growth', '1MB'], env);
    assert.equal(unchecked.code, 0);
    assert.match(unchecked.stderr, /--max-growth is checked only with --ci/);
    assert.doesNotMatch(unchecked.stdout, /maxGrowth/);
    const noLimit = await runCli(['compare', refA, refB, '--ci'], env);
    assert.equal(noLimit.code, 2);
    assert.equal(noLimit.stderr, 'layerlens: layerlens compare --ci needs --max-growth SIZE or PCT (such as --max-growth 10MB or 5%) or a max-growth rule in .layerlens.yaml.\n');
    const bad = await runCli(['compare', refA, refB, '--ci', '--max-growth', 'lots'], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--max-growth must be a size such as 10MB or a percentage such as 5%/);
  });

  test('--ignore drops paths (repeatable), and the text groups changes by directory with each side\'s step', async () => {
    const all = await compareJson([refA, refB], info.host);
    const ignored = await compareJson([refA, refB, '--ignore', '/usr/share/**', '--ignore', '*.log'], info.host);
    assert.ok(all.changes.some((c) => c.path.startsWith('/usr/share/big/')) && all.changes.some((c) => c.path.endsWith('.log')));
    assert.deepEqual(
      ignored.changes.map((c) => c.path),
      all.changes.filter((c) => !c.path.startsWith('/usr/share/') && !c.path.endsWith('.log')).map((c) => c.path),
    );
    const text = await runCli(['compare', refA, refB], env);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`^Shared layers  ${all.sharedLayers} `, 'm'));
    const blobStep = all.changes.find((c) => c.path === '/usr/share/big/blob.bin')!.b!.step;
    assert.match(text.stdout, new RegExp(`^/usr/share/big  \\+3\\.0 MB\\n  A +3\\.0 MB +- → step ${blobStep} +blob\\.bin$`, 'm'));
    assert.match(text.stdout, /latin1-\\xe9\.txt/, 'a raw byte is shown escaped');
  });

  test('an archive compared with an engine image: the same changes as engine against engine', async () => {
    const archive = join(work, 'compare-a.tar');
    await saveImageToFile(engine, refA, archive);
    const fromEngine = await compareJson([refA, refB], info.host);
    const fromArchive = await compareJson([archive, refB], info.host);
    assert.deepEqual(fromArchive.changes, fromEngine.changes);
    assert.equal(fromArchive.sharedLayers, fromEngine.sharedLayers);
  });
});

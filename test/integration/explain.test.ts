// "Explain This Layer" on real engines: the fixture test/fixtures/findings (both builders) gives each step exactly
// the findings its Dockerfile comment names and none to its clean steps; every number and every piece of evidence
// is checked against the model's own facts and against the daemon's `docker export`; then the CLI's --json.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { analyzeImage } from '../../src/core/analysis/analysis';
import { explainLayer, explainLayers } from '../../src/core/explain/explainLayer';
import type { Finding, LayerExplanation } from '../../src/core/explain/explanation';
import type { ImageModel } from '../../src/core/model/imageModel';
import { loadImage } from '../../src/docker/imageLoader';
import { runCli } from './support/cli';
import { connect, fixtureName, oneEngine, testEngines } from './support/engines';
import { comparableFromEngine, comparableFromOracle, compareFilesystems, exportedFilesystem, type Comparable } from './support/oracle';

const FIXTURES = ['layerlens-test/findings:legacy', 'layerlens-test/findings:buildkit'];
const LARGE_FILE_BYTES = 2_000_000;

/** Each layer of the fixture, found by its instruction, and the findings it must have ("id[/matchedBy]: path bytes, …"). */
function expectedFindings(sizeInExport: (path: string) => number): { step: RegExp; findings: string[] }[] {
  return [
    { step: /COPY .*\/bin\/busybox/, findings: [] },
    { step: /--install/, findings: [] },
    { step: /clean-step/, findings: [] },
    { step: /COPY .*\/srv\/clean\/clean\.sh/, findings: [] },
    {
      step: /\/var\/lib\/apt\/lists\/partial/,
      findings: [
        'package-cache: /var/lib/apt/lists 300000, /var/cache/apt 100000',
        'package-cache: /root/.cache/pip 50000',
        'package-cache: /root/.npm/_cacache 20000',
      ],
    },
    {
      step: /\/tmp\/build\.log/,
      findings: [
        'git-directory: /src/.git 5021',
        'temporary-files: /tmp/build.log 3000, /var/tmp/cache.bin 2000',
        'object-files: /src/app/main.o 1500',
        `unpacked-archive: /opt/tool-1.0.tar.gz ${sizeInExport('/opt/tool-1.0.tar.gz')}`,
        'archive: /opt/data.zip 700',
      ],
    },
    { step: /download\.bin && echo v1/, findings: ['undone-later: /data/download.bin 1000000 (layer +1), /data/settings.txt 3 (layer +1)'] },
    { step: /rm \/data\/download\.bin/, findings: [] },
    { step: /COPY .*\/srv\/app\/app\.sh/, findings: ['undone-later: /srv/app/app.sh 19 (layer +1)'] },
    { step: /chmod 755 \/srv\/app\/app\.sh/, findings: ['metadata-rewrite: /srv/app/app.sh 19 (layer -1)'] },
    {
      step: /mkdir -p \/root\/\.ssh/,
      findings: [
        // The next step deletes three of them: still secrets here (the layer names the deleting one), not waste.
        'secret/content: /root/.ssh/id_ed25519 111 (layer +1), /app/keys/deploy.txt 71',
        'secret/content: /root/.pypirc 62, /root/.npmrc 54',
        'secret/content: /root/.aws/credentials 86 (layer +1)',
        'secret/name: /root/.git-credentials 44 (layer +1)',
        'secret/name: /srv/app/.env 25',
        // The RUN line itself writes the npm token and the PyPI password: the build history shows them.
        'secret/history: RUN of step {step} (a password or token assignment) 0',
      ],
    },
    { step: /rm -rf \/root\/\.ssh/, findings: [] },
    { step: /suid-tool/, findings: ['setuid: /usr/local/bin/sgid-tool 20, /usr/local/bin/suid-tool 20', 'world-writable: /srv/shared/notes.txt 7, /srv/shared 0'] },
    { step: /model\.bin/, findings: ['large-file: /srv/model.bin 3000000'] },
  ];
}

/** A finding in one line; an evidence layer is written relative to the layer explained. */
function summary(f: Finding, layer: number): string {
  const evidence = f.evidence.map((ev) => `${ev.path} ${ev.bytes}${ev.layer === undefined ? '' : ` (layer ${ev.layer > layer ? '+' : ''}${ev.layer - layer})`}`);
  return `${f.id}${f.matchedBy ? '/' + f.matchedBy : ''}: ${evidence.join(', ')}`;
}

/** The explanation's own numbers agree with the model's per-layer changes (themselves checked against exports by oracle.test.ts). */
function assertNumbersAreTheModels(model: ImageModel, e: LayerExplanation): void {
  const changes = model.layerChanges(e.layer);
  const kept = changes.filter((c) => c.change !== 'deleted');
  assert.equal(e.cost.size, kept.reduce((sum, c) => sum + (c.type === 'file' ? c.size : 0), 0), `size of layer ${e.layer}`);
  assert.equal(e.cost.added, changes.filter((c) => c.change === 'added').length);
  assert.equal(e.cost.modified, changes.filter((c) => c.change === 'modified').length);
  assert.equal(e.cost.deleted, changes.filter((c) => c.change === 'deleted').length);
  assert.equal(e.stack.deleted.paths, e.cost.deleted);
  assert.equal(e.stack.copiedUp.paths, changes.filter((c) => c.change === 'modified' && c.type !== 'dir' && c.kind !== 'type').length);
  assert.ok(e.cost.topDirectories.reduce((sum, d) => sum + d.bytes, 0) <= e.cost.size);
  assert.ok(e.findings.every((f) => f.total.paths >= f.evidence.length && f.evidence.length > 0));
}

/** Every piece of evidence is true of the daemon's own export of the image. */
function assertEvidenceMatchesExport(e: LayerExplanation, model: ImageModel, exported: Map<string, Comparable>): void {
  const ownEntries = new Map(model.data.layers[e.layer].entries.map((x) => [x.path, x]));
  const bytesUnder = (dir: string) => [...exported].filter(([p]) => p.startsWith(dir + '/')).reduce((sum, [, x]) => sum + (x.type === 'file' ? x.size : 0), 0);
  for (const f of e.findings) {
    for (const ev of f.evidence) {
      const there = exported.get(ev.path);
      const what = `${f.id} evidence ${ev.path} of layer ${e.layer}`;
      switch (f.id) {
        case 'package-cache':
        case 'git-directory':
          assert.equal(bytesUnder(ev.path), ev.bytes, what);
          break;
        case 'undone-later': {
          // Deleted, or not the version this layer holds (other content, mode or owner).
          const mine = ownEntries.get(ev.path)!;
          assert.ok(!there || there.mode !== mine.mode || there.uid !== mine.uid || there.contentHash !== mine.hash, what);
          break;
        }
        case 'secret':
          // In the build metadata (core/secrets): the step that made this layer records it, no file holds it.
          if (f.matchedBy === 'history' || f.matchedBy === 'config') {
            assert.deepEqual([ev.bytes, ev.step], [0, e.step?.index], what);
            break;
          }
          // Flagged even when a later step deleted it: then it is gone from the export, yet still in this layer.
          if (there) assert.equal(there.size, ev.bytes, what);
          else assert.ok(ownEntries.has(ev.path), what);
          break;
        case 'setuid':
          assert.notEqual(there!.mode & 0o6000, 0, what);
          break;
        case 'world-writable':
          assert.notEqual(there!.mode & 0o002, 0, what);
          break;
        default:
          assert.equal(there?.size, ev.bytes, what);
      }
    }
  }
}

for (const info of testEngines()) {
  describe(`explain on engine ${info.name} (${info.saveFormat}, ${info.version})`, () => {
    const engine = connect(info);

    for (const name of FIXTURES) {
      test(`${name}: each step has exactly its findings, clean steps none, all backed by docker export`, async () => {
        const loaded = await loadImage(fixtureName(info, name), { engine: () => engine, noCache: true });
        const model = loaded.model;
        const analysis = analyzeImage(model);
        const exported = comparableFromOracle(await exportedFilesystem(engine, loaded.inspect!.Id));
        assert.deepEqual(compareFilesystems(comparableFromEngine(model.mergedViewAt()), exported), [], 'the model is what docker export says');

        const explanations = explainLayers(model, analysis, () => ({ largeFileBytes: LARGE_FILE_BYTES }));
        assert.deepEqual(explanations, explanations.map((e) => explainLayer(model, analysis, e.layer, { largeFileBytes: LARGE_FILE_BYTES })), 'one pass = layer by layer');
        const expected = expectedFindings((path) => exported.get(path)!.size);
        const claimed = new Set<number>();
        for (const { step, findings } of expected) {
          const matching = explanations.filter((e) => step.test(e.step?.instruction ?? ''));
          assert.equal(matching.length, 1, `one layer made by ${step}`);
          const e = matching[0];
          claimed.add(e.layer);
          const withStep = findings.map((f) => f.replace('{step}', String(e.step!.index)));
          assert.deepEqual(e.findings.map((f) => summary(f, e.layer)), withStep, `findings of layer ${e.layer}: ${e.step!.instruction.slice(0, 80)}`);
        }
        assert.equal(claimed.size, model.layerCount, 'every layer of the fixture has its expectation');
        // The fixes fit the evidence: a RUN wrote the .env (no .dockerignore can help), a COPY added app.sh (--chown can).
        const all = explanations.flatMap((e) => e.findings);
        const env = all.find((f) => f.id === 'secret' && f.evidence.some((ev) => ev.path === '/srv/app/.env'));
        assert.ok(env && !/dockerignore/.test(env.fix), env?.fix);
        const rewrite = all.find((f) => f.id === 'metadata-rewrite');
        assert.match(rewrite!.fix, /COPY --chown/);
        assert.ok(all.every((f) => /^LL[23]\d{3}$/.test(f.ruleId)), 'every finding has its LL rule id');
        for (const e of explanations) {
          assert.equal(e.origin, 'dockerfile');
          assert.equal(e.stack.undoneLater.bytes, analysis.layers[e.layer].wastedBytes);
          assertNumbersAreTheModels(model, e);
          assertEvidenceMatchesExport(e, model, exported);
        }
        // With the default threshold (50 MB) the 3 MB file is no finding.
        assert.ok(explainLayer(model, analysis, model.topLayer).findings.every((f) => f.id !== 'large-file'));
      });
    }

    if (info.saveFormat !== 'podman') {
      test('layerlens-test/commit: the committed layer says docker commit, with what the container changed', async () => {
        const { model } = await loadImage('layerlens-test/commit:latest', { engine: () => engine, noCache: true });
        const e = explainLayer(model, analyzeImage(model), model.topLayer);
        assert.equal(e.origin, 'commit');
        assert.equal(e.step!.comment, 'layerlens commit fixture');
        assert.equal(e.step!.commands[0], 'echo added > /added-by-commit.txt');
        assertNumbersAreTheModels(model, e);
        assert.ok(e.stack.deleted.paths > 0 && e.stack.copiedUp.paths === 1, 'it deleted paths and rewrote /readd.txt');
      });
    }
  });
}

describe('layerlens explain (CLI)', () => {
  const info = oneEngine();
  const engine = connect(info);
  const env = { DOCKER_HOST: info.host, LAYERLENS_CACHE_DIR: mkdtempSync(join(tmpdir(), 'layerlens-explain-cache-')) };
  const IMAGE = fixtureName(info, 'layerlens-test/findings:legacy');

  /** Names of other images holding `diffId`, asked of the docker CLI (not of Layerlens' engine code). */
  function sharedPerDockerCli(diffId: string, selfId: string): string[] {
    const docker = (...args: string[]) => execFileSync('/usr/bin/docker', ['-H', info.host, ...args], { encoding: 'utf8' });
    const ids = [...new Set(docker('image', 'ls', '-q', '--no-trunc').split('\n').filter(Boolean))];
    const names: string[] = [];
    for (const id of ids) {
      if (id === selfId) continue;
      const [inspect] = JSON.parse(docker('image', 'inspect', id)) as { RootFS: { Layers?: string[] }; RepoTags?: string[] }[];
      if (!(inspect.RootFS.Layers ?? []).includes(diffId)) continue;
      names.push((inspect.RepoTags ?? []).find((t) => t !== '<none>:<none>') ?? id.replace(/^sha256:/, '').slice(0, 12));
    }
    return names.sort();
  }

  test('--json is the explanation object, with the images sharing the layer', async () => {
    const { model, inspect } = await loadImage(IMAGE, { engine: () => engine, noCache: true });
    const analysis = analyzeImage(model);
    for (const layer of [0, 10]) {
      // Other tests may add or remove images meanwhile: compare with a list that held before and after the run.
      for (let attempt = 1; ; attempt++) {
        const before = sharedPerDockerCli(model.data.layers[layer].diffId, inspect!.Id);
        const r = await runCli(['explain', IMAGE, '--layer', String(layer), '--json', '--large-file', '2MB'], env);
        assert.equal(r.code, 0, r.stderr);
        const sharedWith = sharedPerDockerCli(model.data.layers[layer].diffId, inspect!.Id);
        if (JSON.stringify(before) !== JSON.stringify(sharedWith) && attempt < 3) continue;
        const json = JSON.parse(r.stdout);
        assert.deepEqual(Object.keys(json).sort(), ['cost', 'diffId', 'findings', 'image', 'kind', 'layer', 'layerCount', 'origin', 'packages', 'sharedWith', 'stack', 'step']);
        assert.deepEqual(json, explainLayer(model, analysis, layer, { largeFileBytes: LARGE_FILE_BYTES, sharedWith }));
        assert.equal(json.cost.size, analysis.layers[layer].size);
        break;
      }
    }
    // The busybox layer is the same in every fixture built by the legacy builder: stored once.
    const base = JSON.parse((await runCli(['explain', IMAGE, '--layer', '0', '--json'], env)).stdout);
    assert.ok(base.sharedWith.length > 0, 'the busybox layer is shared with the other legacy fixtures');
  });

  test('no finding shows a secret\'s content', async () => {
    const r = await runCli(['explain', IMAGE, '--layer', '10', '--json'], env);
    const json = JSON.parse(r.stdout);
    assert.ok(json.findings.some((f: Finding) => f.id === 'secret' && f.matchedBy === 'content'));
    // The step's own instruction wrote them (docker history shows it too); the findings never repeat them.
    assert.doesNotMatch(JSON.stringify(json.findings), /fake-layerlens|ZmFrZ|pypi-AgE|_authToken/);
  });

  test('--step explains a metadata-only step; text output reads as the explanation', async () => {
    const layers = JSON.parse((await runCli(['layers', IMAGE, '--json'], env)).stdout);
    const envStep = layers.steps.find((s: { instruction: string }) => s.instruction.startsWith('ENV LAYERLENS_FIXTURE='));
    const step = JSON.parse((await runCli(['explain', IMAGE, '--step', String(envStep.index), '--json'], env)).stdout);
    assert.deepEqual([step.kind, step.effect, step.configField, step.bytes], ['step', 'config', 'Env', 0]);
    const text = await runCli(['explain', IMAGE, '--layer', '10'], env);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^Layer 10 of layerlens-test\/findings:legacy\n/);
    assert.match(
      text.stdout,
      /Security \(LL3001\): Private keys are in this layer, where anyone who can pull the image can read them\.\n\nMatched by a pattern in the file's content; the secret itself is not shown\.\n\n {2}- \/root\/\.ssh\/id_ed25519 — 111 B, deleted or replaced in layer 11 but still readable in this one\n/,
    );
  });

  test('bad arguments: one line on stderr, exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['explain', IMAGE], /needs either --layer N or --step N\.$/],
      [['explain', IMAGE, '--layer', '1', '--step', '1'], /needs either --layer N or --step N\.$/],
      [['explain', IMAGE, '--layer', '99'], /--layer must be a layer number from 0 to 13\.$/],
      [['explain', IMAGE, '--step', 'x'], /--step must be a step number from 0 to \d+\.$/],
      [['explain', IMAGE, '--layer', '1', '--large-file', 'big'], /--large-file must be a size such as 50MB\.$/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args, env);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr.trim(), message);
    }
  });
});

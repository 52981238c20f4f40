// The numbers behind the Dockerfile hover and CodeLens: per-layer facts computed once per image, what each
// instruction of a linked Dockerfile is told (its layer, metadata only, its base, or "changed" with no numbers),
// the CodeLens line, and "Explain This Layer"'s findings turned into image-backed diagnostics.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { matchAtLine, matchDockerfile, parseDockerfile } from '../../src/core/dockerfile';
import type { ImageAnalysis } from '../../src/core/analysis/analysis';
import { mapSteps } from '../../src/core/model/history';
import { codeLensText } from '../../src/dockerfile/codeLensText';
import { linkedFindings } from '../../src/dockerfile/linkedFindings';
import { baseFacts, shortImageName, type ImageFacts } from '../../src/dockerfile/imageFacts';
import { instructionInsight, type InstructionInsight } from '../../src/dockerfile/instructionInsight';
import { PROBE_BUILDS } from './dockerfileHistories';
import { DOCKERFILE, exampleFacts } from './dockerfileEditorImage';

const { facts, explained } = exampleFacts();

function insightAt(text: string, line: number, imageFacts: ImageFacts = facts): InstructionInsight | undefined {
  const parsed = parseDockerfile(text);
  const m = matchAtLine(matchDockerfile(parsed, imageFacts.steps), line);
  return m && instructionInsight(parsed, imageFacts, m);
}

describe('imageFacts: per-layer numbers, once per image', () => {
  test('sizes, shares and file counts come from the analysis', () => {
    assert.equal(facts.layerCount, 3);
    assert.equal(facts.totalSize, 100 + 301050 + 7);
    assert.deepEqual(
      facts.layers.map((l) => [l.size, l.added, l.deleted]),
      [
        [100, 2, 0],
        [301050, 8, 0],
        [7, 1, 1],
      ],
    );
    assert.ok(Math.abs(facts.layers[1].shareOfImage - 301050 / 301157) < 1e-12);
  });

  test('waste both ways: the deleting layer hides the bytes, the adding layer wastes them', () => {
    assert.equal(facts.layers[2].hidesBytes, 1000, 'layer 2 deletes /app/big (1000 B) of layer 1');
    assert.equal(facts.layers[2].wastedLaterBytes, 0);
    assert.equal(facts.layers[1].wastedLaterBytes, 1000);
    assert.equal(facts.layers[1].hidesBytes, 0);
  });

  test("each layer keeps its explanation's findings, most severe first", () => {
    assert.deepEqual(
      facts.layers[1].findings.map((f) => f.id),
      ['package-cache', 'undone-later'],
    );
    assert.deepEqual(facts.layers[0].findings, []);
  });

  test('the base of a FROM: the layers of the steps before the stage', () => {
    assert.deepEqual(baseFacts(facts, 0), { layers: 0, size: 0, shareOfImage: 0 });
    const two = baseFacts(facts, 3); // steps 0-2: layers 0 and 1 (step 2 is ENV)
    assert.equal(two.layers, 2);
    assert.equal(two.size, 301150);
  });

  test('short names for the status bar', () => {
    assert.equal(shortImageName('layerlens-test/basics:legacy'), 'basics:legacy');
    assert.equal(shortImageName('localhost:5000/team/app:1.2'), 'app:1.2');
    assert.equal(shortImageName('busybox:latest'), 'busybox:latest');
    assert.equal(shortImageName('sha256:' + 'ab'.repeat(32)), 'abababababab');
  });
});

describe('instructionInsight: what a line is told', () => {
  test('a RUN (any of its lines) gets its own layer', () => {
    for (const line of [3, 4]) {
      const insight = insightAt(DOCKERFILE, line);
      assert.equal(insight?.kind, 'layer');
      assert.equal(insight.kind === 'layer' && insight.layer.layer, 1);
    }
    const last = insightAt(DOCKERFILE, 6);
    assert.ok(last?.kind === 'layer' && last.layer.layer === 2 && last.stepIndex === 3);
  });

  test('ENV is metadata only; FROM scratch an empty base; a comment nothing', () => {
    assert.deepEqual(insightAt(DOCKERFILE, 5), { kind: 'metadata', keyword: 'ENV', stepIndex: 2, recorded: 'ENV A=1', secrets: [] });
    assert.deepEqual(insightAt(DOCKERFILE, 1), { kind: 'from', base: { kind: 'scratch', name: 'scratch', layers: 0, size: 0, shareOfImage: 0 } });
    assert.equal(insightAt(DOCKERFILE, 0), undefined);
  });

  test('an edited line is "changed" with no numbers, and its neighbours keep their own layers', () => {
    const edited = DOCKERFILE.replace('echo n > /app/new', 'echo m > /app/new');
    assert.deepEqual(insightAt(edited, 6), { kind: 'changed', keyword: 'RUN' });
    const before = insightAt(edited, 3);
    assert.ok(before?.kind === 'layer' && before.layer.layer === 1);
  });

  test('multi-stage: FROM an earlier stage brings its layers; COPY --from says where the bytes come from', () => {
    const build = PROBE_BUILDS['every-instruction:legacy'];
    const steps = mapSteps({ history: build.history }, build.history.filter((h) => !h.empty_layer).length);
    const layerCount = steps.filter((s) => s.layerIndex !== undefined).length;
    // Plain facts: layer i is (i + 1) × 100 bytes.
    const layers = Array.from({ length: layerCount }, (_, layer) => ({
      layer, size: (layer + 1) * 100, shareOfImage: 0, added: 1, modified: 0, metadataOnly: 0, deleted: 0, hidesBytes: 0, wastedLaterBytes: 0, findings: [],
    }));
    const total = layers.reduce((sum, l) => sum + l.size, 0);
    const multi: ImageFacts = { id: 'sha256:x', label: 'multi:1', steps, buildSecrets: [], layerCount, totalSize: total, layers, analysis: {} as ImageAnalysis };
    const lines = build.dockerfile.split('\n');
    const fromBuild = lines.indexOf('FROM build');
    const from = insightAt(build.dockerfile, fromBuild, multi);
    assert.ok(from?.kind === 'from' && from.base.kind === 'stage' && from.base.name === 'build');
    assert.ok(from.base.layers >= 3, `the build stage made layers: ${from.base.layers}`);
    assert.equal(from.base.size, layers.slice(0, from.base.layers).reduce((s, l) => s + l.size, 0));
    const copy = insightAt(build.dockerfile, lines.findIndex((l) => l.startsWith('COPY --from=build')), multi);
    assert.ok(copy?.kind === 'layer', JSON.stringify(copy));
    assert.equal(copy.copiedFrom, 'build');
  });
});

describe('codeLensText', () => {
  test('a layer: size, files, what else changed, wasted bytes', () => {
    assert.equal(codeLensText(insightAt(DOCKERFILE, 3)!), '301 kB · +8 files · 1.0 kB wasted');
    assert.equal(codeLensText(insightAt(DOCKERFILE, 6)!), '7 B · +1 file · 1 deleted');
  });

  test('a layer that changed no file says so, and no "+0 files"', () => {
    const layer = { ...facts.layers[1], size: 0, added: 0, modified: 0, metadataOnly: 0, deleted: 0, wastedLaterBytes: 0 };
    assert.equal(codeLensText({ kind: 'layer', keyword: 'RUN', stepIndex: 1, layer, layerCount: 3 }), '0 B · no file changed');
  });

  test('big counts get separators, as in "+1,204 files"', () => {
    const layer = { ...facts.layers[1], size: 12_300_000, added: 1204, wastedLaterBytes: 4_100_000 };
    assert.equal(codeLensText({ kind: 'layer', keyword: 'RUN', stepIndex: 1, layer, layerCount: 3 }), '12.3 MB · +1,204 files · 4.1 MB wasted');
  });

  test('metadata, bases, changed lines, and nothing for unrecorded ones', () => {
    assert.equal(codeLensText(insightAt(DOCKERFILE, 5)!), 'metadata only · no layer');
    assert.equal(codeLensText(insightAt(DOCKERFILE, 1)!), 'scratch · empty base');
    assert.equal(codeLensText({ kind: 'from', base: { kind: 'image', name: 'debian:12', layers: 1, size: 74_000_000, shareOfImage: 0.92 } }), 'base 74.0 MB · 1 layer · 92.0 % of the image');
    assert.equal(codeLensText({ kind: 'changed', keyword: 'RUN' }), 'changed since the image was built');
    assert.equal(codeLensText({ kind: 'unrecorded', keyword: 'ONBUILD' }), undefined);
  });
});

describe('linkedFindings: what the editor shows, "Explain This Layer" included', () => {
  test('warnings become one-sentence findings under their LL id; undone-later is left to LL2001 on the deleting line', () => {
    assert.ok(explained[1].some((f) => f.id === 'undone-later'), 'the explanation does report it');
    const parsed = parseDockerfile(DOCKERFILE);
    const findings = linkedFindings(parsed, undefined, { facts, match: matchDockerfile(parsed, facts.steps) }).filter((f) => f.severity === 'warning');
    assert.deepEqual(
      findings.map((f) => [f.range.startLine, f.ruleId, f.message]),
      [
        [3, 'LL2002', 'The apt package lists or archives are left in this layer (300 kB).'],
        [6, 'LL2001', 'This RUN deletes 1.0 kB that earlier layers still ship (/app/big, added by the RUN on line 4).'],
      ],
    );
  });

  test('without the image: the static rules alone, for the stage the link names if it still exists', () => {
    const parsed = parseDockerfile(DOCKERFILE);
    const alone = linkedFindings(parsed, undefined);
    assert.ok(alone.every((f) => !/^LL[23]/.test(f.ruleId)), JSON.stringify(alone));
    assert.deepEqual(linkedFindings(parsed, 'no-such-stage'), alone, 'an unknown target falls back to the last stage');
  });
});

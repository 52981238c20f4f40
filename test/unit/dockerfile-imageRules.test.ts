// Image-backed Dockerfile findings: on the line that made a layer, from what that layer really does. A
// three-layer image built by hand, its history in the legacy builder's words.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeImage } from '../../src/core/analysis/analysis';
import { deletedBytesByLayer, imageFindings } from '../../src/core/dockerfile/imageRules';
import { IMAGE_RULES, STATIC_RULES, ruleInfo } from '../../src/core/dockerfile/index';
import type { Finding as ExplainFinding } from '../../src/core/explain/explanation';
import { FINDING_RULES } from '../../src/core/explain/findingRules';
import { matchDockerfile } from '../../src/core/dockerfile/match';
import { parseDockerfile } from '../../src/core/dockerfile/parse';
import { ImageModel } from '../../src/core/model/imageModel';
import { dir, file, image, layer } from './helpers';

const HASH = 'c'.repeat(64);
const model = new ImageModel(
  image(
    [
      layer([dir('/bin'), file('/bin/busybox', 100, 'B')]),
      layer([dir('/app'), file('/app/big', 1000, 'G'), dir('/app/dir'), file('/app/dir/a', 30, 'A'), file('/app/dir/b', 20, 'b'), file('/keep', 5, 'K')]),
      layer([dir('/app'), file('/app/new', 7, 'N')], { whiteouts: ['/app/big', '/app/dir'] }),
    ],
    {
      history: [
        { created_by: `/bin/sh -c #(nop) COPY file:${HASH} in /bin/busybox ` },
        { created_by: '/bin/sh -c mkdir -p /app/dir && make' },
        { created_by: '/bin/sh -c #(nop)  ENV A=1', empty_layer: true },
        { created_by: '/bin/sh -c rm -rf /app/big /app/dir && echo n > /app/new' },
      ],
    },
  ),
);
const analysis = analyzeImage(model);
const DOCKERFILE = ['FROM scratch', 'COPY busybox /bin/busybox', 'RUN mkdir -p /app/dir && make', 'ENV A=1', 'RUN rm -rf /app/big /app/dir \\', '    && echo n > /app/new', ''].join('\n');

describe('LL2001: a step deleting bytes that earlier layers still ship', () => {
  test('the rule table knows it (and the static rules) by id', () => {
    assert.equal(ruleInfo('LL2001')?.severity, 'warning');
    assert.equal(ruleInfo('DL3009')?.severity, 'info');
    assert.equal(ruleInfo('XX0000'), undefined);
  });

  test('deleted bytes per layer: a whited-out directory counts everything below it', () => {
    assert.deepEqual([...deletedBytesByLayer(analysis)], [[2, { bytes: 1050, files: 3, biggest: '/app/big', biggestLayer: 1 }]]);
  });

  test('a warning on the first line of the RUN that deletes them, nowhere else', () => {
    const df = parseDockerfile(DOCKERFILE);
    const match = matchDockerfile(df, model.steps);
    assert.equal(match.score, 1);
    const findings = imageFindings(df, match, analysis);
    assert.deepEqual(findings, [
      {
        ruleId: 'LL2001',
        severity: 'warning',
        message: 'This RUN deletes 1.1 kB that earlier layers still ship (3 files, the biggest /app/big, added by the RUN on line 3).',
        range: { startLine: 4, startCharacter: 0, endLine: 4, endCharacter: 30 },
      },
    ]);
  });

  test('a line changed since the build gets nothing: its numbers would belong to another text', () => {
    const df = parseDockerfile(DOCKERFILE.replace('echo n > /app/new', 'echo m > /app/new'));
    const match = matchDockerfile(df, model.steps);
    assert.equal(match.instructions.find((m) => m.instruction.range.startLine === 4)?.status, 'changed');
    assert.deepEqual(imageFindings(df, match, analysis), []);
  });
});

describe('"Explain This Layer"\'s findings as image-backed findings', () => {
  test('they land on the line that made the layer, under their LL id; information and undone-later stay out', () => {
    const df = parseDockerfile(DOCKERFILE);
    const asked: number[] = [];
    const finding = (id: ExplainFinding['id'], severity: ExplainFinding['severity']): ExplainFinding => ({
      id, ruleId: FINDING_RULES[id].ruleId, severity, title: 'Some `thing` is left in this layer.', evidence: [{ path: '/app/x', bytes: 41 }], total: { paths: 1, bytes: 41 }, fix: 'Fix it.',
    });
    const explained = (layerIndex: number) => {
      asked.push(layerIndex);
      return layerIndex === 1 ? [finding('package-cache', 'warning'), finding('archive', 'info'), finding('undone-later', 'warning'), finding('secret', 'security')] : [];
    };
    const findings = imageFindings(df, matchDockerfile(df, model.steps), analysis, { explained });
    assert.deepEqual(asked, [0, 1, 2], 'asked once per matched layer');
    assert.deepEqual(findings.map((f) => [f.range.startLine, f.ruleId, f.severity, f.message]), [
      [2, 'LL2002', 'warning', 'Some thing is left in this layer (41 B).'],
      [2, 'LL3001', 'warning', 'Some thing is left in this layer (/app/x).'],
      [4, 'LL2001', 'warning', 'This RUN deletes 1.1 kB that earlier layers still ship (3 files, the biggest /app/big, added by the RUN on line 3).'],
    ]);
  });
});

describe('one naming scheme for rule ids', () => {
  test('DL for hadolint\'s rules, BuildKit\'s check names for its checks, LL1 for the static ones of our own, LL2 for image waste, LL3 for exposure; each id once', () => {
    const ids = [...STATIC_RULES.map((r) => r.id), ...IMAGE_RULES.map((r) => r.id)];
    assert.equal(new Set(ids).size, ids.length);
    for (const r of STATIC_RULES) {
      if (r.url?.startsWith('https://docs.docker.com/reference/build-checks/')) assert.match(r.id, /^[A-Z][A-Za-z]+$/);
      else assert.match(r.id, r.url ? /^DL\d{4}$/ : /^LL1\d{3}$/);
    }
    for (const r of IMAGE_RULES) assert.match(r.id, /^LL[23]\d{3}$/);
    const explainIds = Object.values(FINDING_RULES).map((r) => r.ruleId);
    assert.equal(new Set(explainIds).size, explainIds.length);
    for (const [id, rule] of Object.entries(FINDING_RULES)) {
      assert.match(rule.ruleId, ['secret', 'setuid', 'world-writable'].includes(id) ? /^LL3\d{3}$/ : /^LL2\d{3}$/, id);
      if (IMAGE_RULES.some((r) => r.id === rule.ruleId)) assert.equal(ruleInfo(rule.ruleId)?.title, rule.title);
    }
  });
});

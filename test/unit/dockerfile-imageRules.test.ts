// Image-backed Dockerfile findings: on the line that made a layer, from what that layer really does. A
// three-layer image built by hand, its history in the legacy builder's words.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeImage } from '../../src/core/analysis';
import { deletedBytesByLayer, imageFindings, type LayerFindingSource } from '../../src/core/dockerfile/imageRules';
import { ruleInfo } from '../../src/core/dockerfile/index';
import { matchDockerfile } from '../../src/core/dockerfile/match';
import { parseDockerfile } from '../../src/core/dockerfile/parse';
import { ImageModel } from '../../src/core/imageModel';
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
    assert.deepEqual([...deletedBytesByLayer(analysis)], [[2, { bytes: 1050, files: 3, biggest: '/app/big' }]]);
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
        message: 'This RUN deletes 1.1 kB that earlier layers still ship (3 files, the biggest /app/big).',
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

describe('the hook for other layer analyses ("Explain This Layer")', () => {
  test('their findings land on the line that made the layer', () => {
    const df = parseDockerfile(DOCKERFILE);
    const asked: number[] = [];
    const source: LayerFindingSource = (layerIndex) => {
      asked.push(layerIndex);
      return layerIndex === 1 ? [{ ruleId: 'LL2002', severity: 'warning', message: 'This RUN leaves 41 MB of apt lists.' }] : [];
    };
    const findings = imageFindings(df, matchDockerfile(df, model.steps), analysis, { sources: [source] });
    assert.deepEqual(asked, [0, 1, 2], 'asked once per matched layer');
    assert.deepEqual(findings.map((f) => [f.range.startLine, f.ruleId]), [[2, 'LL2002'], [4, 'LL2001']]);
  });
});

// dive's user-wasted percent when the layers above the first hold no bytes: waste over 0 is +Inf (Go's float
// division) and fails dive's highestUserWastedPercent rule; 0 over 0 is 0. JSON cannot hold Infinity, so the
// --json outputs say "+Inf" and the cache restores it.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { renderAnalysis } from '../../src/cli/humanOutput';
import { analyzeImage } from '../../src/core/analysis/analysis';
import { ImageModel } from '../../src/core/model/imageModel';
import { IndexCache } from '../../src/core/index/indexCache';
import { analyzeReport, evaluateCiRules, layersReport } from '../../src/core/reports/imageReports';
import { describeUserWasted, formatUserWastedRatio, jsonRatio, reviveUserWastedPercent, userWastedRatio } from '../../src/core/analysis/userWasted';
import { file, image, layer } from './helpers';

// ggcr's whiteout_image.tar in small: the base ships /foo.txt (4 B), the only other layer whites it out.
const wasteButNoUserBytes = () => new ImageModel(image([layer([file('/foo.txt', 4, 'F'), file('/bar.txt', 3, 'B')]), layer([], { whiteouts: ['/foo.txt'] })]));
const ID = 'sha256:' + 'a'.repeat(64);

describe('userWastedRatio', () => {
  test('wasted ÷ user bytes; waste over no user bytes is +Inf; nothing over nothing is 0', () => {
    assert.equal(userWastedRatio(50, 200), 0.25);
    assert.equal(userWastedRatio(0, 200), 0);
    assert.equal(userWastedRatio(4, 0), Infinity);
    assert.equal(userWastedRatio(0, 0), 0);
  });
});

describe('an image with waste but no user bytes', () => {
  const model = wasteButNoUserBytes();
  const analysis = analyzeImage(model);

  test('analyzeImage: wastedBytes 4 over 0 user bytes is +Inf', () => {
    assert.deepEqual(analysis.layers.map((l) => l.size), [7, 0]);
    assert.equal(analysis.wastedBytes, 4);
    assert.equal(analysis.userWastedPercent, Infinity);
  });

  test('the highestUserWastedPercent rule fails at any limit, even 1', () => {
    for (const limit of [0, 0.1, 1]) {
      const [rule] = evaluateCiRules(analysis, { highestUserWastedPercent: limit });
      assert.deepEqual(rule, { rule: 'highestUserWastedPercent', limit, actual: Infinity, pass: false });
    }
  });

  test('--json: "+Inf" in userWastedPercent and in the rule, never null', () => {
    const ci = evaluateCiRules(analysis, { lowestEfficiency: 0.4, highestUserWastedPercent: 0.1 });
    const parsed = JSON.parse(JSON.stringify(analyzeReport(model, analysis, ci)));
    assert.equal(parsed.userWastedPercent, '+Inf');
    assert.deepEqual(parsed.ci, {
      pass: false,
      rules: [
        { rule: 'lowestEfficiency', limit: 0.4, actual: 3 / 7, pass: true },
        { rule: 'highestUserWastedPercent', limit: 0.1, actual: '+Inf', pass: false },
      ],
    });
    assert.equal(JSON.parse(JSON.stringify(layersReport(model, analysis))).userWastedPercent, '+Inf');
  });

  test('the text says ∞ and why, never Infinity or null', () => {
    const text = renderAnalysis(model, analysis, evaluateCiRules(analysis, { highestUserWastedPercent: 0.1 }), 10, 'whiteout');
    assert.match(text, /^User wasted {9}∞ \(waste, but no bytes above the first layer\)$/m);
    assert.match(text, /^FAIL {2}highestUserWastedPercent: ∞ \(limit 10\.0 %\)$/m);
    assert.doesNotMatch(text, /Infinity|null|NaN/);
  });

  test('the cache gives +Inf back, and refuses an entry holding the old 0', async () => {
    const directory = await fs.mkdtemp(join(tmpdir(), 'layerlens-userwasted-'));
    try {
      const cache = new IndexCache(directory);
      await cache.writeAnalysis(ID, analysis);
      const back = await cache.readAnalysis(ID);
      assert.equal(back?.userWastedPercent, Infinity);
      assert.deepEqual(back, analysis);
      await cache.writeAnalysis(ID, { ...analysis, userWastedPercent: 0 });
      assert.equal(await cache.readAnalysis(ID), undefined, 'an entry written before +Inf was computed is read again');
    } finally {
      await fs.rm(directory, { recursive: true, force: true });
    }
  });
});

describe('reviveUserWastedPercent', () => {
  const analysis = analyzeImage(new ImageModel(image([layer([file('/f', 10, 'v1')]), layer([file('/f', 30, 'v2')])])));
  const fromJson = (changes: object) => ({ ...JSON.parse(JSON.stringify(analysis)), ...changes });

  test('a finite figure that its parts give is kept', () => {
    assert.equal(analysis.userWastedPercent, 40 / 30);
    const a = fromJson({});
    assert.ok(reviveUserWastedPercent(a));
    assert.equal(a.userWastedPercent, 40 / 30);
  });

  test('null is +Inf only where the parts give +Inf; anything else is refused', () => {
    for (const userWastedPercent of [null, 0, 1, '+Inf', 'x', undefined]) assert.equal(reviveUserWastedPercent(fromJson({ userWastedPercent })), false, String(userWastedPercent));
    assert.equal(reviveUserWastedPercent(fromJson({ layers: [null, analysis.layers[1]] })), false, 'a first layer without a size');
    assert.equal(reviveUserWastedPercent(fromJson({ wastedBytes: '40' })), false);
    const inf = { ...JSON.parse(JSON.stringify(analyzeImage(wasteButNoUserBytes()))) };
    assert.equal(inf.userWastedPercent, null, 'JSON.stringify writes Infinity as null');
    assert.ok(reviveUserWastedPercent(inf));
    assert.equal(inf.userWastedPercent, Infinity);
  });
});

describe('formatting', () => {
  test('short and in a sentence', () => {
    assert.equal(formatUserWastedRatio(0.4835), '48.4 %');
    assert.equal(formatUserWastedRatio(Infinity), '∞');
    assert.equal(describeUserWasted(0.5), '50.0 % of all layers but the first');
    assert.equal(describeUserWasted(Infinity), '∞ (waste, but no bytes above the first layer)');
    assert.equal(jsonRatio(0.5), 0.5);
    assert.equal(jsonRatio(Infinity), '+Inf');
  });
});

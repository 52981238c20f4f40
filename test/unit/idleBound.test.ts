import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_ENGINE_IDLE_SECONDS, exportAnswerSeconds, idleSecondsFromEnv, parseIdleSeconds } from '../../src/docker/idleBound';

test('the bound is a positive number of seconds; anything else falls back to the default', () => {
  assert.equal(parseIdleSeconds('2.5'), 2.5);
  assert.equal(parseIdleSeconds(30), 30);
  for (const bad of ['', '0', '-1', 'soon', 'Infinity', 'NaN', undefined]) assert.equal(parseIdleSeconds(bad), undefined, String(bad));
  assert.equal(idleSecondsFromEnv({ LAYERLENS_ENGINE_IDLE_TIMEOUT: '7' }), 7);
  assert.equal(idleSecondsFromEnv({ LAYERLENS_ENGINE_IDLE_TIMEOUT: 'x' }), DEFAULT_ENGINE_IDLE_SECONDS);
  assert.equal(idleSecondsFromEnv({}), DEFAULT_ENGINE_IDLE_SECONDS);
});

test('an export may wait 1 s more per 10 MB of image for its first byte', () => {
  assert.equal(exportAnswerSeconds(30, 0), 30);
  assert.equal(exportAnswerSeconds(30, 594_000_000), 30 + 60);
  assert.equal(exportAnswerSeconds(30, 1), 31);
  assert.equal(exportAnswerSeconds(30, NaN), 30);
  assert.equal(exportAnswerSeconds(30, -5), 30);
});

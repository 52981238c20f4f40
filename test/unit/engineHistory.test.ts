import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { stepsFromEngineHistory, type EngineHistoryEntry } from '../../src/core/model/engineHistory';

describe('steps from the engine history API', () => {
  const h = (CreatedBy: string, Size: number): EngineHistoryEntry => ({ Id: '<missing>', Created: 1, CreatedBy, Tags: null, Size, Comment: '' });

  test('a zero-size RUN is a layer when the counts say so', () => {
    // newest first, as the API returns it
    const history = [h('CMD ["sh"]', 0), h('RUN /bin/sh -c true # buildkit', 0), h('ENV A=1', 0), h('COPY x /x # buildkit', 10)];
    const steps = stepsFromEngineHistory(history, 2);
    assert.deepEqual(
      steps.map((s) => [s.instruction, s.layerIndex, s.metadataOnly]),
      [
        ['COPY x /x', 0, false],
        ['ENV A=1', undefined, true],
        ['RUN true', 1, false],
        ['CMD ["sh"]', undefined, true],
      ],
    );
  });

  test('a zero-size RUN is metadata when the sized steps already account for every layer', () => {
    const history = [h('/bin/sh -c true', 0), h('/bin/sh -c #(nop) COPY file:abc in /x ', 10)];
    const steps = stepsFromEngineHistory(history, 1);
    assert.deepEqual(steps.map((s) => s.layerIndex), [0, undefined]);
    assert.equal(steps[1].metadataOnly, true);
  });

  test('ambiguous counts leave layers unknown rather than guess', () => {
    const history = [h('/bin/sh -c a', 0), h('/bin/sh -c b', 0), h('/bin/sh -c c', 5)];
    assert.deepEqual(stepsFromEngineHistory(history, 2).map((s) => s.layerIndex), [undefined, undefined, undefined]);
  });
});

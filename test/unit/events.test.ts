import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEvent } from '../../src/docker/events';

describe('engine events', () => {
  test('parses current and legacy /events shapes and ignores junk', () => {
    assert.deepEqual(parseEvent('{"Type":"image","Action":"tag","Actor":{"ID":"sha256:abc","Attributes":{"name":"x:1"}}}'), {
      type: 'image',
      action: 'tag',
      id: 'sha256:abc',
      name: 'x:1',
    });
    assert.deepEqual(parseEvent('{"status":"exec_start: sh","id":"c1","from":"busybox"}'), { type: 'container', action: 'exec_start', id: 'c1' });
    assert.equal(parseEvent('not json'), undefined);
    assert.equal(parseEvent('{"Type":"image"}'), undefined);
  });

  test("Layerlens' own temporary file readers are not reported; other labelled containers are", () => {
    const event = (labels: Record<string, string>) =>
      parseEvent(JSON.stringify({ Type: 'container', Action: 'create', Actor: { ID: 'c1', Attributes: { name: 'n', image: 'x', ...labels } } }));
    assert.equal(event({ 'layerlens.temporary': 'true' }), undefined);
    assert.deepEqual(event({ 'layerlens.temporary': 'false', other: 'true' }), { type: 'container', action: 'create', id: 'c1', name: 'n' });
  });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCatalog, layerUsage, sharedBytes, splitReference, type CatalogImage } from '../../src/core/catalog';
import { parseEvent } from '../../src/docker/events';

const image = (id: string, repoTags: string[], created: number, layers: string[] = []): CatalogImage => ({ id, repoTags, repoDigests: [], created, size: 100, layers });

describe('catalog', () => {
  test('splitReference keeps registry ports and digests apart from tags', () => {
    assert.deepEqual(splitReference('alpine:3.20'), { repository: 'alpine', tag: '3.20' });
    assert.deepEqual(splitReference('localhost:5000/team/app:1.2'), { repository: 'localhost:5000/team/app', tag: '1.2' });
    assert.deepEqual(splitReference('localhost:5000/team/app'), { repository: 'localhost:5000/team/app', tag: 'latest' });
    assert.deepEqual(splitReference('app@sha256:abc'), { repository: 'app', tag: 'sha256:abc' });
  });

  test('images are grouped by repository then tag; untagged ones are dangling, newest first', () => {
    const catalog = buildCatalog([
      image('sha256:1', ['web:2', 'web:1'], 10),
      image('sha256:2', ['api:latest', 'web:stable'], 20),
      image('sha256:3', [], 5),
      image('sha256:4', ['<none>:<none>'], 30),
    ]);
    assert.deepEqual(
      catalog.repositories.map((r) => [r.name, r.tags.map((t) => `${t.tag}=${t.image.id}`)]),
      [
        ['api', ['latest=sha256:2']],
        ['web', ['1=sha256:1', '2=sha256:1', 'stable=sha256:2']],
      ],
    );
    assert.deepEqual(catalog.dangling.map((i) => i.id), ['sha256:4', 'sha256:3']);
  });

  test('layer usage counts images, not references, and shared bytes add the shared layers', () => {
    const base = image('sha256:a', ['a:1', 'a:2'], 1, ['L0', 'L1']);
    const child = image('sha256:b', ['b:1'], 2, ['L0', 'L1', 'L2']);
    const other = image('sha256:c', ['c:1'], 3, ['X0']);
    const usage = layerUsage([base, child, other]);
    assert.deepEqual(Object.fromEntries(usage), { L0: 2, L1: 2, L2: 1, X0: 1 });
    const sizes: Record<string, number> = { L0: 1000, L1: 10, L2: 5, X0: 7 };
    assert.equal(sharedBytes(child, usage, (d) => sizes[d]), 1010);
    assert.equal(sharedBytes(other, usage, (d) => sizes[d]), 0);
  });
});

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
});

import { stepsFromEngineHistory, type EngineHistoryEntry } from '../../src/core/engineHistory';

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

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCatalog, layerUsage, splitReference, type CatalogImage } from '../../src/core/catalog/catalog';

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

  test('layer usage counts images, not references', () => {
    const base = image('sha256:a', ['a:1', 'a:2'], 1, ['L0', 'L1']);
    const child = image('sha256:b', ['b:1'], 2, ['L0', 'L1', 'L2']);
    const other = image('sha256:c', ['c:1'], 3, ['X0']);
    const usage = layerUsage([base, child, other]);
    assert.deepEqual(Object.fromEntries(usage), { L0: 2, L1: 2, L2: 1, X0: 1 });
  });
});

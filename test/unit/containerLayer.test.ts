import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { containerChangeTree, countChanges } from '../../src/core/model/containerLayer';

describe('container read-write layer', () => {
  test('docker diff output becomes a sorted tree; parents not reported themselves carry no kind', () => {
    const changes = [
      { Path: '/app', Kind: 0 },
      { Path: '/app/hello.txt', Kind: 2 },
      { Path: '/new.txt', Kind: 1 },
      { Path: '/var/log/x/y.log', Kind: 1 },
      { Path: '/app/data/config.txt', Kind: 0 },
    ];
    const tree = containerChangeTree(changes);
    const flat = (nodes: ReturnType<typeof containerChangeTree>, depth = 0): string[] =>
      nodes.flatMap((n) => [`${'  '.repeat(depth)}${n.name}:${n.kind ?? '-'}`, ...flat(n.children, depth + 1)]);
    assert.deepEqual(flat(tree), ['app:changed', '  data:-', '    config.txt:changed', '  hello.txt:deleted', 'new.txt:added', 'var:-', '  log:-', '    x:-', '      y.log:added']);
    assert.equal(tree[0].children[0].path, '/app/data');
    assert.deepEqual(countChanges(changes), { added: 2, changed: 2, deleted: 1 });
  });
});

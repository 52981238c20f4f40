// Two images with common lower layers are stacked once, in forks that share what they do not change
// (FsStack.fork, compare/finalViews.ts), and the comparison skips what they share. The oracle: the same
// comparison when the two images' layers have other diffIDs, so nothing is shared and every path is walked.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { FsStack, type FsNode } from '../../src/core/model/fsStack';
import { ImageModel } from '../../src/core/model/imageModel';
import { compareImages } from '../../src/core/compare';
import type { LayerEntry, LayerIndex } from '../../src/core/model/types';
import { dir, file, image, layer, sha256Hex } from './helpers';

const hardlink = (path: string, target: string): LayerEntry => ({ path, type: 'hardlink', size: 0, mode: 0o644, uid: 0, gid: 0, linkTarget: target });

/** Every visible path with what the stack knows of it, in path order. */
function snapshot(stack: FsStack): string[] {
  const rows = [...stack.walk()].map((n: FsNode) => JSON.stringify([n.entry, n.layer, n.addedIn, n.modifiedIn ?? [], !!n.contentChanged]));
  return [JSON.stringify(stack.root.entry), ...rows.sort()];
}

function stackOf(layers: LayerIndex[]): FsStack {
  const stack = new FsStack();
  for (const l of layers) stack.apply(l);
  return stack;
}

const lower = layer([dir('/a'), dir('/a/b'), file('/a/b/c', 3, 'C'), file('/a/keep', 1, 'K'), dir('/o'), file('/o/x', 2, 'X'), file('/f', 5, 'F')]);
const mid = layer([dir('/a', { mode: 0o700 }), file('/a/m', 4, 'M')]);
const topOne = layer([dir('/a', { uid: 7 }), file('/a/b/c', 9, 'C2'), dir('/f'), file('/f/in', 1, 'I'), file('/o/new', 1, 'N')], { whiteouts: ['/a/keep'], opaqueDirs: ['/o'] });
const topTwo = layer([file('/a/b', 2, 'B'), file('/z', 1, 'Z')], { whiteouts: ['/a/m'] });

describe('FsStack.fork', () => {
  test('each fork equals a stack built from scratch, and neither changes the stack it came from', () => {
    const common = stackOf([lower, mid]);
    const before = snapshot(common);
    const one = common.fork();
    const two = common.fork();
    one.apply(topOne);
    two.apply(topTwo);
    assert.deepEqual(snapshot(one), snapshot(stackOf([lower, mid, topOne])));
    assert.deepEqual(snapshot(two), snapshot(stackOf([lower, mid, topTwo])));
    assert.deepEqual(snapshot(common), before);
    assert.equal(one.height, 3);
  });

  test('what a fork leaves alone stays the very node of the stack it came from', () => {
    const common = stackOf([lower, mid]);
    const one = common.fork();
    one.apply(layer([file('/new', 1, 'N')]));
    assert.equal(one.lookup('/a'), common.lookup('/a'));
    assert.equal(one.lookup('/o/x'), common.lookup('/o/x'));
    assert.notEqual(one.root, common.root);
  });

  test('a forked stack takes no more layers (that would change its forks)', () => {
    const common = stackOf([lower]);
    common.fork();
    assert.throws(() => common.apply(mid), /forked stack/);
  });
});

/** The same layers under other diffIDs: equal contents, nothing shared with the originals. */
const renamed = (layers: LayerIndex[], tag: string) => layers.map((l) => ({ ...l, diffId: 'sha256:' + sha256Hex(tag + l.diffId) }));

function modelOf(layers: LayerIndex[], id: string): ImageModel {
  return new ImageModel({ ...image(layers), id: 'sha256:' + id.repeat(64), repoTags: [] });
}

/** The comparison with the lower layers shared, and the same with nothing shared: they must say the same. */
function bothWays(common: LayerIndex[], onlyA: LayerIndex[], onlyB: LayerIndex[]) {
  const shared = compareImages(modelOf([...common, ...onlyA], 'a'), modelOf([...common, ...onlyB], 'b'));
  const apart = compareImages(modelOf(renamed([...common, ...onlyA], 'a'), 'a'), modelOf(renamed([...common, ...onlyB], 'b'), 'b'));
  assert.equal(shared.sharedLayers, common.length);
  assert.equal(apart.sharedLayers, 0);
  return { shared, apart };
}

describe('compareImages over shared lower layers', () => {
  test('finds what a walk over every path finds', () => {
    const { shared, apart } = bothWays([lower, mid], [topOne], [topTwo]);
    assert.ok(shared.changes.length > 5);
    assert.deepEqual(shared.changes, apart.changes);
    assert.deepEqual(shared.directories, apart.directories);
  });

  test('a hardlink of a shared layer whose target lives in another layer is compared by the bytes each image shows', () => {
    // /l links to /t, which its own layer does not hold: its bytes are /t's in the final view, which A rewrites.
    const withLink = layer([hardlink('/l', '/t')]);
    const { shared, apart } = bothWays([layer([file('/t', 3, 'T')]), withLink], [layer([file('/t', 4, 'T2')])], [layer([file('/u', 1, 'U')])]);
    assert.deepEqual(shared.changes, apart.changes);
    assert.ok(shared.changes.some((c) => c.path === '/l' && c.kind === 'content'), JSON.stringify(shared.changes));
  });

  test('on generated layers, in many seeds', () => {
    let seed = 11;
    const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    const names = ['/a', '/a/b', '/a/b/c', '/a/d', '/e', '/e/f', '/g'];
    const generated = (): LayerIndex => {
      const entries: LayerEntry[] = [];
      const used = new Set<string>();
      for (let k = next(5); k > 0; k--) {
        const path = names[next(names.length)];
        if (used.has(path)) continue;
        used.add(path);
        const kind = next(4);
        if (kind === 0) entries.push(dir(path, { mode: next(2) ? 0o755 : 0o700 }));
        else if (kind === 3 && entries.some((e) => e.type === 'file')) entries.push(hardlink(path, entries.find((e) => e.type === 'file')!.path));
        else entries.push(file(path, 1 + next(3), 'h' + next(3), { uid: next(2) }));
      }
      const whiteouts = next(3) ? [] : [names[next(names.length)]];
      const opaqueDirs = next(4) ? [] : [names[next(names.length)]];
      return layer(entries, { whiteouts, opaqueDirs, diffId: 'sha256:' + sha256Hex(`${seed}`) });
    };
    for (let round = 0; round < 300; round++) {
      const common = Array.from({ length: 1 + next(3) }, generated);
      const { shared, apart } = bothWays(common, Array.from({ length: next(3) }, generated), Array.from({ length: next(3) }, generated));
      assert.deepEqual(shared.changes, apart.changes, `round ${round}`);
      assert.deepEqual(shared.directories, apart.directories, `round ${round}`);
    }
  });
});

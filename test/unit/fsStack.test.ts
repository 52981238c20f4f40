// The stacking rules of the OCI image spec (layer.md "Applying Changesets" and "Whiteouts").
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { FsStack, modificationKind, type DeletionCause, type ModificationKind } from '../../src/core/model/fsStack';
import type { LayerIndex } from '../../src/core/model/types';
import { buildTar } from '../support/tarBuilder';
import { dir, file, indexBlob, layer } from './helpers';

function stackOf(...layers: LayerIndex[]): FsStack {
  const stack = new FsStack();
  for (const l of layers) stack.apply(l);
  return stack;
}

const visiblePaths = (stack: FsStack) => [...stack.walk()].map((n) => n.entry.path).sort();

interface Event {
  change: 'added' | 'modified' | 'deleted';
  path: string;
  detail?: ModificationKind | DeletionCause;
}

/** Applies `top` over `below` and records the listener's events for it. */
function eventsOf(below: LayerIndex[], top: LayerIndex): Event[] {
  const stack = stackOf(...below);
  const events: Event[] = [];
  stack.apply(top, {
    added: (n) => events.push({ change: 'added', path: n.entry.path }),
    modified: (_b, a, kind) => events.push({ change: 'modified', path: a.entry.path, detail: kind }),
    deleted: (n, cause) => events.push({ change: 'deleted', path: n.entry.path, detail: cause }),
  });
  return events;
}

const base = layer([dir('/a'), dir('/a/b'), file('/a/b/c', 3, 'C'), file('/a/keep', 1, 'K'), file('/x', 5, 'X')]);

describe('FsStack: whiteouts', () => {
  test('a whiteout deletes a file, and a whole subtree, from the layers below', () => {
    const top = layer([], { whiteouts: ['/x', '/a/b'] });
    const stack = stackOf(base, top);
    assert.deepEqual(visiblePaths(stack), ['/a', '/a/keep']);
    assert.equal(stack.lookup('/a/b/c'), undefined);
    assert.deepEqual(eventsOf([base], top), [
      { change: 'deleted', path: '/x', detail: 'whiteout' },
      { change: 'deleted', path: '/a/b', detail: 'whiteout' },
      { change: 'deleted', path: '/a/b/c', detail: 'whiteout' },
    ]);
  });

  test('a whiteout of a path that is not there changes nothing', () => {
    const stack = stackOf(base, layer([], { whiteouts: ['/nope', '/a/b/c/deeper', '/x/under-a-file'] }));
    assert.deepEqual(visiblePaths(stack), ['/a', '/a/b', '/a/b/c', '/a/keep', '/x']);
  });

  test('a whiteout never deletes an entry of its own layer', () => {
    const top = layer([file('/x', 9, 'X2')], { whiteouts: ['/x'] });
    const stack = stackOf(base, top);
    assert.equal(stack.lookup('/x')?.entry.hash, 'X2');
    assert.equal(stack.lookup('/x')?.addedIn, 1, 'the lower /x was deleted, this one is new');
    // Also with nothing below to delete.
    assert.equal(stackOf(layer([file('/y', 1, 'Y')], { whiteouts: ['/y'] })).lookup('/y')?.entry.hash, 'Y');
  });

  test('whatever the tar order, a whiteout and an entry of one path in one layer leave the entry', async () => {
    for (const members of [
      [{ name: '.wh.x' }, { name: 'x', content: 'new' }],
      [{ name: 'x', content: 'new' }, { name: '.wh.x' }],
    ]) {
      const stack = stackOf(base, await indexBlob(buildTar(members)));
      assert.equal(stack.lookup('/x')?.entry.size, 3);
    }
  });

  test('a whiteout of "/" is ignored and never wipes the image', async () => {
    const stack = stackOf(base, layer([], { whiteouts: ['/'] }));
    assert.deepEqual(visiblePaths(stack), ['/a', '/a/b', '/a/b/c', '/a/keep', '/x']);
    // The member names that could mean "whiteout of the root" do not make whiteouts at all.
    const hostile = await indexBlob(buildTar([{ name: '.wh..' }, { name: '/.wh.' }, { name: './.wh.' }, { name: '../.wh..' }]));
    assert.deepEqual(hostile.whiteouts, []);
    assert.deepEqual(visiblePaths(stackOf(base, hostile)), ['/a', '/a/b', '/a/b/c', '/a/keep', '/x']);
  });
});

describe('FsStack: opaque directories', () => {
  test('an opaque directory hides lower children and keeps its own layer\'s, whatever the tar order', async () => {
    const lower = layer([dir('/d'), file('/d/old', 1, 'O'), dir('/d/sub'), file('/d/sub/deep', 1, 'D'), file('/e', 1, 'E')]);
    for (const members of [
      [{ name: 'd/', type: 'dir' as const }, { name: 'd/new', content: 'n' }, { name: 'd/.wh..wh..opq' }],
      [{ name: 'd/.wh..wh..opq' }, { name: 'd/', type: 'dir' as const }, { name: 'd/new', content: 'n' }],
      [{ name: 'd/new', content: 'n' }, { name: 'd/.wh..wh..opq' }],
    ]) {
      const stack = stackOf(lower, await indexBlob(buildTar(members)));
      assert.deepEqual(visiblePaths(stack), ['/d', '/d/new', '/e']);
      assert.equal(stack.lookup('/d')?.addedIn, 0, 'the directory itself stays');
    }
    assert.deepEqual(eventsOf([lower], layer([file('/d/new', 1, 'N')], { opaqueDirs: ['/d'] })), [
      { change: 'deleted', path: '/d/old', detail: 'opaque' },
      { change: 'deleted', path: '/d/sub', detail: 'opaque' },
      { change: 'deleted', path: '/d/sub/deep', detail: 'opaque' },
      { change: 'added', path: '/d/new' },
    ]);
  });
});

describe('FsStack: replacing paths', () => {
  test('a directory over a directory replaces its attributes and keeps its children', () => {
    const top = layer([dir('/a', { mode: 0o700, uid: 5, gid: 6 })]);
    const stack = stackOf(base, top);
    const a = stack.lookup('/a')!;
    assert.deepEqual([a.entry.mode, a.entry.uid, a.entry.gid], [0o700, 5, 6]);
    assert.equal(a.layer, 1);
    assert.equal(a.addedIn, 0);
    assert.deepEqual(a.modifiedIn, [1]);
    assert.deepEqual(visiblePaths(stack), ['/a', '/a/b', '/a/b/c', '/a/keep', '/x']);
    assert.deepEqual(eventsOf([base], top), [{ change: 'modified', path: '/a', detail: 'metadata' }]);
  });

  test('a directory re-listed with the same attributes is no change', () => {
    const stack = stackOf(base, layer([dir('/a'), file('/a/new', 1, 'N')]));
    assert.equal(stack.lookup('/a')?.layer, 0);
    assert.equal(stack.lookup('/a')?.modifiedIn, undefined);
    assert.deepEqual(eventsOf([base], layer([dir('/a'), file('/a/new', 1, 'N')])), [{ change: 'added', path: '/a/new' }]);
  });

  test('file → directory', () => {
    const top = layer([dir('/x'), file('/x/child', 2, 'CH')]);
    const stack = stackOf(base, top);
    assert.equal(stack.lookup('/x')?.entry.type, 'dir');
    assert.equal(stack.lookup('/x/child')?.entry.hash, 'CH');
    assert.equal(stack.lookup('/x')?.contentChanged, true);
    assert.deepEqual(eventsOf([base], top), [
      { change: 'modified', path: '/x', detail: 'type' },
      { change: 'added', path: '/x/child' },
    ]);
  });

  test('directory → file takes the subtree with it', () => {
    const top = layer([file('/a', 4, 'A')]);
    const stack = stackOf(base, top);
    assert.equal(stack.lookup('/a')?.entry.type, 'file');
    assert.equal(stack.lookup('/a')?.children, undefined);
    assert.deepEqual(visiblePaths(stack), ['/a', '/x']);
    assert.deepEqual(eventsOf([base], top), [
      { change: 'deleted', path: '/a/b', detail: 'replaced' },
      { change: 'deleted', path: '/a/b/c', detail: 'replaced' },
      { change: 'deleted', path: '/a/keep', detail: 'replaced' },
      { change: 'modified', path: '/a', detail: 'type' },
    ]);
    // And a later layer that puts a file below it brings the directory back (a malformed layer, warned about).
    const again = stackOf(base, top, layer([file('/a/z', 1, 'Z')]));
    assert.equal(again.lookup('/a')?.entry.type, 'dir');
    assert.equal(again.warnings.length, 1);
  });

  test('whiteout then re-add: the path is new in the layer that re-adds it', () => {
    const stack = stackOf(base, layer([], { whiteouts: ['/x'] }), layer([file('/x', 5, 'X')]));
    const x = stack.lookup('/x')!;
    assert.equal(x.addedIn, 2);
    assert.equal(x.layer, 2);
    assert.equal(x.modifiedIn, undefined);
  });

  test('metadata-only change (same bytes, chmod) versus content change', () => {
    const chmod = layer([file('/x', 5, 'X', { mode: 0o600 })]);
    const stack = stackOf(base, chmod);
    assert.equal(stack.lookup('/x')?.contentChanged, false);
    assert.deepEqual(stack.lookup('/x')?.modifiedIn, [1]);
    assert.deepEqual(eventsOf([base], chmod), [{ change: 'modified', path: '/x', detail: 'metadata' }]);
    const edit = layer([file('/x', 5, 'Y', { mode: 0o600 })]);
    assert.deepEqual(eventsOf([base, chmod], edit), [{ change: 'modified', path: '/x', detail: 'content' }]);
    const both = stackOf(base, chmod, edit, layer([file('/x', 5, 'Y', { uid: 7 })]));
    assert.deepEqual(both.lookup('/x')?.modifiedIn, [1, 2, 3]);
    assert.equal(both.lookup('/x')?.contentChanged, true, 'once content changed, it stays changed');
    assert.equal(both.lookup('/x')?.addedIn, 0);
  });
});

describe('modificationKind', () => {
  test('per type', () => {
    assert.equal(modificationKind(file('/f', 1, 'A'), file('/f', 1, 'A', { mode: 0o755 })), 'metadata');
    assert.equal(modificationKind(file('/f', 1, 'A'), file('/f', 1, 'B')), 'content');
    assert.equal(modificationKind(file('/f', 1, 'A'), dir('/f')), 'type');
    const link = (target: string) => ({ path: '/l', type: 'symlink' as const, size: 0, mode: 0o777, uid: 0, gid: 0, linkTarget: target });
    assert.equal(modificationKind(link('a'), link('a')), 'metadata');
    assert.equal(modificationKind(link('a'), link('b')), 'content');
    const dev = (major: number, minor: number) => ({ path: '/d', type: 'char' as const, size: 0, mode: 0o666, uid: 0, gid: 0, devMajor: major, devMinor: minor });
    assert.equal(modificationKind(dev(1, 3), dev(1, 3)), 'metadata');
    assert.equal(modificationKind(dev(1, 3), dev(1, 5)), 'content');
  });
});

describe('FsStack: hardlinks and warnings', () => {
  const hardlink = (path: string, target: string) => ({ path, type: 'hardlink' as const, size: 0, mode: 0o644, uid: 0, gid: 0, linkTarget: target });

  test('a hardlink to a missing target is reported in warnings', () => {
    const stack = stackOf(base, layer([hardlink('/bad', '/nowhere')]));
    assert.equal(stack.warnings.length, 1);
    assert.match(stack.warnings[0], /Layer 1: hardlink \/bad points to \/nowhere, which does not exist/);
  });

  test('hardlinks to a lower layer, or to a later member of the same layer, are fine', () => {
    const stack = stackOf(base, layer([hardlink('/to-lower', '/a/keep'), hardlink('/to-later', '/later'), file('/later', 1, 'L')]));
    assert.deepEqual(stack.warnings, []);
  });

  test('the root entry ("./") updates the root attributes and adds nothing', () => {
    const stack = stackOf(layer([dir('/', { mode: 0o700 }), file('/f', 1, 'F')]));
    assert.equal(stack.root.entry.mode, 0o700);
    assert.deepEqual(visiblePaths(stack), ['/f']);
    assert.equal(stack.height, 1);
  });
});

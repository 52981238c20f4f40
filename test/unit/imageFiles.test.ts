// The file-system view of an image: stat, list and locate at a layer, hardlinks read from their own layer,
// which bytes a container of the top image can serve, and the bounded cache of merged views.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LayerlensError } from '../../src/core/errors';
import { ImageFiles, memberKey, NotAFileError } from '../../src/core/model/imageFiles';
import { ImageModel } from '../../src/core/model/imageModel';
import { PathResolutionError } from '../../src/core/model/imagePaths';
import type { LayerEntry } from '../../src/core/model/types';
import { assertOneSentence, dir, file, image, layer } from './helpers';

const link = (path: string, type: 'symlink' | 'hardlink', target: string): LayerEntry => ({ path, type, size: 0, mode: 0o777, uid: 0, gid: 0, linkTarget: target });

// 0: a tree; 1: a hardlink to a file of its own layer; 2: that target rewritten, a file deleted, a chmod
// (same bytes), a copy of old bytes elsewhere; 3: nothing but a fifo.
const model = new ImageModel(
  image(
    [
      layer([dir('/app'), file('/app/a.txt', 5, 'A1'), file('/app/gone.txt', 4, 'G'), file('/app/same.bin', 9, 'S'), file('/app/moved.txt', 3, 'M'), link('/app/to-a', 'symlink', 'a.txt'), link('/app/nowhere', 'symlink', '/missing')]),
      layer([file('/app/a.txt', 5, 'A1'), link('/app/hard-a', 'hardlink', '/app/a.txt')]),
      layer(
        [file('/app/a.txt', 6, 'A2'), file('/app/same.bin', 9, 'S', { mode: 0o600 }), dir('/copy'), file('/copy/moved-copy.txt', 3, 'M'), file('/app/moved.txt', 7, 'M2')],
        { whiteouts: ['/app/gone.txt'] },
      ),
      layer([{ path: '/app/fifo', type: 'fifo', size: 0, mode: 0o644, uid: 0, gid: 0 }]),
    ],
    { created: '2024-05-01T10:00:00Z' },
  ),
);
const files = new ImageFiles(model);

describe('ImageFiles', () => {
  test('locate gives the layer and tar member that hold a file\'s visible bytes', () => {
    assert.deepEqual(files.locate(0, '/app/a.txt'), { hash: 'A1', size: 5, path: '/app/a.txt', layer: 0 });
    assert.deepEqual(files.locate(1, '/app/a.txt'), { hash: 'A1', size: 5, path: '/app/a.txt', layer: 1 });
    assert.deepEqual(files.locate(3, '/app/a.txt'), { hash: 'A2', size: 6, path: '/app/a.txt', layer: 2 });
    assert.deepEqual(files.locate(3, '/app/to-a'), files.locate(3, '/app/a.txt'), 'a symlink reads its target at the same layer');
  });

  test('a hardlink keeps the bytes of its own layer, even after a later layer rewrites its target path', () => {
    assert.deepEqual(files.locate(3, '/app/hard-a'), { hash: 'A1', size: 5, path: '/app/a.txt', layer: 1 });
    assert.equal(files.stat(3, '/app/hard-a').target, 'file');
    assert.equal(files.stat(3, '/app/hard-a').size, 5);
  });

  test('stat says what a name is and what it leads to', () => {
    assert.deepEqual(files.stat(3, '/app/to-a'), { path: '/app/a.txt', type: 'symlink', target: 'file', size: 6 });
    assert.deepEqual(files.stat(3, '/app/nowhere'), { path: '/app/nowhere', type: 'symlink', target: 'dangling', size: 0 });
    assert.deepEqual(files.stat(3, '/app'), { path: '/app', type: 'dir', target: 'dir', size: 0 });
    assert.equal(files.stat(0, '/app/gone.txt').type, 'file');
    assert.throws(() => files.stat(2, '/app/gone.txt'), PathResolutionError, 'deleted at layer 2');
    assert.equal(files.createdMs, Date.parse('2024-05-01T10:00:00Z'));
  });

  test('list gives each entry with what it leads to', () => {
    const listed = new Map(files.list(3, '/app').map((e) => [e.name, e]));
    assert.deepEqual([...listed.keys()].sort(), ['a.txt', 'fifo', 'hard-a', 'moved.txt', 'nowhere', 'same.bin', 'to-a']);
    assert.deepEqual(listed.get('to-a'), { name: 'to-a', type: 'symlink', target: 'file' });
    assert.deepEqual(listed.get('nowhere'), { name: 'nowhere', type: 'symlink', target: 'dangling' });
    assert.deepEqual(listed.get('hard-a'), { name: 'hard-a', type: 'hardlink', target: 'file' });
    assert.throws(() => files.list(3, '/app/a.txt'), NotAFileError);
  });

  test('directories, fifos and devices have no content to open', () => {
    for (const [path, type] of [
      ['/app', 'dir'],
      ['/app/fifo', 'fifo'],
    ] as const) {
      assert.throws(
        () => files.locate(3, path),
        (error: unknown) => error instanceof NotAFileError && error.type === type && (assertOneSentence(error.message), true),
      );
    }
  });

  test('a layer the image does not have is "not found", in one sentence', () => {
    assert.throws(() => files.locate(4, '/app/a.txt'), (error: unknown) => error instanceof LayerlensError && error.kind === 'not-found' && /layers 0 to 3/.test(error.message));
  });

  test('topPathFor: bytes the top still shows, at the same path or another one; undefined for lost versions', () => {
    assert.equal(files.topPathFor(files.locate(3, '/app/a.txt')), '/app/a.txt');
    assert.equal(files.topPathFor(files.locate(0, '/app/same.bin')), '/app/same.bin', 'a chmod keeps the bytes');
    assert.equal(files.topPathFor(files.locate(0, '/app/moved.txt')), '/copy/moved-copy.txt', 'the same bytes elsewhere');
    assert.equal(files.topPathFor(files.locate(0, '/app/a.txt')), undefined, 'overwritten');
    assert.equal(files.topPathFor(files.locate(1, '/app/gone.txt')), undefined, 'deleted');
  });

  test('olderVersions lists the small file versions the top does not show, by size and path', () => {
    const older = files.olderVersions(1024);
    const expected: [string, string][] = [
      [memberKey(4, '/app/gone.txt'), 'G'],
      [memberKey(5, '/app/a.txt'), 'A1'],
    ];
    assert.deepEqual([...older].sort(), expected.sort());
    assert.equal(files.olderVersions(4).has(memberKey(5, '/app/a.txt')), false, 'bounded by size');
  });

  test('lastLayerShowing: until the next layer writes, whites out or replaces the path (or a parent)', () => {
    assert.equal(files.lastLayerShowing(files.locate(0, '/app/a.txt')), 0, 'layer 1 writes /app/a.txt again');
    assert.equal(files.lastLayerShowing(files.locate(1, '/app/a.txt')), 1, 'layer 2 rewrites it');
    assert.equal(files.lastLayerShowing(files.locate(0, '/app/gone.txt')), 1, 'layer 2 whites it out');
    assert.equal(files.lastLayerShowing(files.locate(3, '/app/a.txt')), 3, 'still shown at the top');
    const parents = new ImageFiles(
      new ImageModel(
        image([
          layer([dir('/d'), dir('/d/e'), file('/d/e/f', 1, 'F'), dir('/o'), file('/o/x', 1, 'X')]),
          layer([], { opaqueDirs: ['/o'] }),
          layer([file('/d/e', 1, 'E')]),
        ]),
      ),
    );
    assert.equal(parents.lastLayerShowing(parents.locate(0, '/d/e/f')), 1, 'a parent replaced by a file at layer 2');
    assert.equal(parents.lastLayerShowing(parents.locate(0, '/o/x')), 0, 'an opaque parent at layer 1');
  });

  test('merged views are stacked once per layer and only a few are kept', () => {
    const fresh = new ImageFiles(model);
    const first = fresh.views.at(1);
    assert.equal(fresh.views.at(1), first, 'the same tree again');
    for (const l of [0, 2, 3, 0, 2]) fresh.views.at(l);
    assert.ok(fresh.views.cachedLayers.length <= 4);
    assert.deepEqual(fresh.views.cachedLayers, [1, 3, 0, 2].slice(-fresh.views.cachedLayers.length));
  });
});

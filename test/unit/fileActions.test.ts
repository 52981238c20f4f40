// What Open and Compare do on a path of the Layer Explorer (src/explorer/fileActions.ts): a file opens; a symlink
// opens or reveals what it leads to inside the image; a dangling link, a loop, a directory or a fifo say why not.
// And the byte sniffing that tells Compare a binary from text, by VS Code's own rule (src/fs/binaryContent.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeImage } from '../../src/core/analysis/analysis';
import { ImageModel } from '../../src/core/model/imageModel';
import type { LayerEntry } from '../../src/core/model/types';
import { ExplorerSession } from '../../src/explorer/explorerSession';
import { looksBinary } from '../../src/fs/binaryContent';
import { assertOneSentence, dir, file, image, layer } from './helpers';

const link = (path: string, linkTarget: string): LayerEntry => ({ path, type: 'symlink', size: 0, mode: 0o777, uid: 0, gid: 0, linkTarget });

const model = new ImageModel(
  image([
    layer([dir('/app'), dir('/app/lib'), file('/app/lib/target.txt', 7, 't1'), dir('/etc')]),
    layer([
      file('/app/lib/target.txt', 9, 't2'),
      link('/app/abs', '/app/lib/target.txt'),
      link('/etc/rel', '../app/lib/target.txt'),
      link('/app/dangling', '/nonexistent/nowhere'),
      link('/app/dirlink', 'lib'),
      link('/app/loop-a', 'loop-b'),
      link('/app/loop-b', 'loop-a'),
      { path: '/app/fifo', type: 'fifo', size: 0, mode: 0o644, uid: 0, gid: 0 },
      link('/app/to-fifo', 'fifo'),
    ]),
  ]),
);
const session = new ExplorerSession(model, analyzeImage(model));

test('a file opens, and compares when it has an earlier version', () => {
  const { open, compare } = session.fileActions('/app/lib/target.txt', 1);
  assert.deepEqual([open.kind, open.label, open.enabled, open.layer], ['open', 'Open', true, 1]);
  assert.deepEqual([compare.kind, compare.enabled], ['compare', true]);
  assert.match(compare.title, /of #0 with its version of #1/);
  const first = session.fileActions('/app/lib/target.txt', 0).compare;
  assert.equal(first.enabled, false);
  assertOneSentence(first.title);
});

test('absolute and relative symlinks open their target, resolved inside the image, and compare its versions', () => {
  for (const path of ['/app/abs', '/etc/rel']) {
    const { open, compare } = session.fileActions(path, 1);
    assert.deepEqual([open.kind, open.label, open.enabled, open.target], ['openTarget', 'Open Link Target', true, '/app/lib/target.txt'], path);
    assert.match(open.title, /^Opens \/app\/lib\/target\.txt, where this link leads\.$/);
    assert.deepEqual([compare.kind, compare.label, compare.enabled, compare.target], ['compareTarget', 'Compare Link Target with Previous Version', true, '/app/lib/target.txt']);
  }
});

test('a link to a directory reveals it; a dangling link, a loop and a link to a fifo are disabled with a reason', () => {
  const dirLink = session.fileActions('/app/dirlink', 1);
  assert.deepEqual([dirLink.open.kind, dirLink.open.label, dirLink.open.target, dirLink.open.enabled], ['revealTarget', 'Reveal Link Target', '/app/lib', true]);
  assert.equal(dirLink.compare.enabled, false);

  const dangling = session.fileActions('/app/dangling', 1);
  assert.deepEqual([dangling.open.label, dangling.open.enabled, dangling.compare.enabled], ['Open Link Target', false, false]);
  assert.equal(dangling.open.title, 'This link leads to /nonexistent/nowhere, which does not exist at layer 1.');

  const loop = session.fileActions('/app/loop-a', 1).open;
  assert.equal(loop.enabled, false);
  assert.match(loop.title, /loop of symlinks/);

  const fifo = session.fileActions('/app/to-fifo', 1).open;
  assert.equal(fifo.enabled, false);
  assert.match(fifo.title, /leads to \/app\/fifo, a named pipe \(fifo\), which has no content to open/);
  for (const title of [dirLink.compare.title, dangling.open.title, loop.title, fifo.title, session.fileActions('/app/fifo', 1).open.title]) assertOneSentence(title);
});

test('details carry the same actions as the keys and the menu use', () => {
  const answer = session.answer({ kind: 'details', id: 1, query: { mode: 'filesystem', sort: 'name', range: { from: 1, to: 1 } }, path: '/app/dangling' });
  assert.ok('details' in answer);
  assert.deepEqual(answer.details.open, session.fileActions('/app/dangling', 1).open);
  assert.equal(answer.details.canOpen, false);
  const dirDetails = session.answer({ kind: 'details', id: 2, query: { mode: 'filesystem', sort: 'name', range: { from: 1, to: 1 } }, path: '/app/lib' });
  assert.ok('details' in dirDetails);
  assert.equal(dirDetails.details.open.enabled, false);
});

test('a hardlink is a file to its reader: it opens, and compares with the version it replaced', () => {
  const linked = new ImageModel(
    image([
      layer([dir('/bin'), file('/bin/tool', 10, 'v1')]),
      layer([file('/bin/tool-2', 12, 'v2'), { path: '/bin/tool', type: 'hardlink', size: 0, mode: 0o755, uid: 0, gid: 0, linkTarget: '/bin/tool-2' }]),
    ]),
  );
  const actions = new ExplorerSession(linked, analyzeImage(linked)).fileActions('/bin/tool', 1);
  assert.deepEqual([actions.open.kind, actions.open.enabled], ['open', true]);
  assert.deepEqual([actions.compare.kind, actions.compare.enabled], ['compare', true]);
  assert.match(actions.compare.title, /of #0 with its version of #1/);
});

test('binary or text, as VS Code decides: a NUL in the first 512 bytes, unless a BOM or UTF-16 says text', () => {
  assert.equal(looksBinary(Buffer.from('#!/bin/sh\necho hi\n')), false);
  assert.equal(looksBinary(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0])), true, 'an ELF header');
  assert.equal(looksBinary(Buffer.concat([Buffer.alloc(600, 'a'), Buffer.from([0])])), false, 'a NUL after 512 bytes is not seen');
  assert.equal(looksBinary(Buffer.from('hi there', 'utf16le')), false, 'UTF-16LE without a BOM');
  assert.equal(looksBinary(Buffer.from([0xff, 0xfe, 0, 0, 0, 1])), false, 'a UTF-16 BOM');
  assert.equal(looksBinary(new Uint8Array()), false);
});

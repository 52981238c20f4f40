// Path resolution inside an image: `..` clamped at the image root, symlinks followed inside the merged view
// only, loops stopped, names that are not UTF-8 found again from their displayed form.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FsStack } from '../../src/core/model/fsStack';
import { describePath, displayName, MAX_SYMLINKS, normalizeImagePath, PathResolutionError, resolveInImage } from '../../src/core/model/imagePaths';
import type { LayerEntry } from '../../src/core/model/types';
import { assertOneSentence, dir, file, layer } from './helpers';

function symlink(path: string, target: string): LayerEntry {
  return { path, type: 'symlink', size: 0, mode: 0o777, uid: 0, gid: 0, linkTarget: target };
}

function tree(entries: LayerEntry[]): FsStack {
  const stack = new FsStack();
  stack.apply(layer(entries));
  return stack;
}

function resolve(stack: FsStack, path: string, followFinal = true): string {
  return resolveInImage(stack.root, path, { followFinal, where: 'at layer 0' }).path;
}

function failure(stack: FsStack, path: string): PathResolutionError {
  try {
    resolveInImage(stack.root, path, { where: 'at layer 0' });
  } catch (error) {
    assert.ok(error instanceof PathResolutionError, `a PathResolutionError, got ${String(error)}`);
    assertOneSentence(error.message);
    return error;
  }
  assert.fail(`${JSON.stringify(path)} resolved`);
}

const image = tree([
  dir('/etc'),
  file('/etc/passwd', 12, 'image-passwd'),
  file('/etc/shadow', 12, 'image-shadow'),
  dir('/usr'),
  dir('/usr/lib'),
  file('/usr/lib/libc.so', 10, 'libc'),
  symlink('/lib', 'usr/lib'),
  symlink('/lib64', '/lib'),
  dir('/app'),
  symlink('/app/abs-escape', '/../../etc/shadow'),
  dir('/app/sub'),
  symlink('/app/sub/abs', '/etc/passwd'),
  symlink('/app/rel-escape', '../../../../../../etc/passwd'),
  symlink('/app/to-dir', '../usr'),
  symlink('/app/dangling', '/nonexistent/nowhere'),
  symlink('/app/empty', ''),
  symlink('/app/self', 'self'),
  symlink('/app/ping', 'pong'),
  symlink('/app/pong', 'ping'),
  symlink('/app/host-proc', '/proc/self/root/etc/passwd'),
  file('/app/file', 3, 'f'),
]);

describe('resolveInImage', () => {
  test('a plain path resolves to its node', () => {
    const resolved = resolveInImage(image.root, '/usr/lib/libc.so');
    assert.equal(resolved.path, '/usr/lib/libc.so');
    assert.equal(resolved.node.entry.type, 'file');
    assert.deepEqual(resolved.via, []);
  });

  test('`..` stops at the image root: ../../etc/passwd is the image\'s /etc/passwd', () => {
    assert.equal(resolve(image, '../../etc/passwd'), '/etc/passwd');
    assert.equal(resolve(image, '/../../../etc/./passwd'), '/etc/passwd');
    assert.equal(resolve(image, '/usr/../../..//etc/passwd'), '/etc/passwd');
    assert.equal(resolveInImage(image.root, '/../../etc/passwd').node.entry.path, '/etc/passwd');
  });

  test('an absolute symlink starts again from the image root, and its `..` is clamped there too', () => {
    const resolved = resolveInImage(image.root, '/app/abs-escape');
    assert.equal(resolved.path, '/etc/shadow');
    assert.equal((resolved.node.entry as LayerEntry).hash, 'image-shadow', 'the image\'s shadow, not the host\'s');
    assert.deepEqual(resolved.via, ['/app/abs-escape']);
    assert.equal(resolve(image, '/app/sub/abs'), '/etc/passwd', 'from the root, not from the link\'s directory');
  });

  test('a relative symlink is read from the link\'s directory and cannot climb out either', () => {
    assert.equal(resolve(image, '/app/rel-escape'), '/etc/passwd');
    assert.equal(resolve(image, '/app/to-dir/lib/libc.so'), '/usr/lib/libc.so');
  });

  test('symlinks in the middle of a path are always followed; the last one only when asked', () => {
    assert.equal(resolve(image, '/lib64/libc.so'), '/usr/lib/libc.so');
    assert.equal(resolve(image, '/lib64', false), '/lib64');
    assert.equal(resolve(image, '/lib64', true), '/usr/lib');
    assert.equal(resolveInImage(image.root, '/lib64/libc.so').via.length, 2);
  });

  test('`..` after a symlink to a directory goes to the target\'s parent, as the kernel does', () => {
    assert.equal(resolve(image, '/lib/../lib/libc.so'), '/usr/lib/libc.so');
    assert.equal(resolve(image, '/lib/..'), '/usr');
  });

  test('a symlink into the host\'s /proc finds nothing: only the image\'s own tree is searched', () => {
    const error = failure(image, '/app/host-proc');
    assert.equal(error.reason, 'missing');
    assert.match(error.message, /leads to \/proc\/self\/root\/etc\/passwd/);
  });

  test('missing paths, dangling and empty symlinks are "missing", each in one sentence', () => {
    assert.equal(failure(image, '/nope').reason, 'missing');
    assert.match(failure(image, '/nope/deeper').message, /^There is no \/nope\/deeper at layer 0\.$/);
    assert.match(failure(image, '/app/dangling').message, /through a symlink it leads to \/nonexistent\/nowhere/);
    assert.match(failure(image, '/app/empty').message, /symlink \/app\/empty is empty/);
  });

  test('a file used as a directory is "not a directory"', () => {
    const error = failure(image, '/app/file/x');
    assert.equal(error.reason, 'not-a-directory');
    assert.match(error.message, /\/app\/file is not a directory/);
  });

  test('symlink loops end with a clear error: a self-link and a pair', () => {
    for (const path of ['/app/self', '/app/ping', '/app/pong/x']) {
      const error = failure(image, path);
      assert.equal(error.reason, 'loop', path);
      assert.match(error.message, new RegExp(`more than ${MAX_SYMLINKS} symlinks`));
    }
  });

  test(`a chain of ${MAX_SYMLINKS} symlinks resolves; one more is a loop`, () => {
    const chain = (links: number) => {
      const entries: LayerEntry[] = [dir('/c'), file('/c/end', 1, 'end')];
      for (let i = 0; i < links; i++) entries.push(symlink(`/c/l${i}`, i === links - 1 ? 'end' : `/c/l${i + 1}`));
      return tree(entries);
    };
    assert.equal(resolve(chain(MAX_SYMLINKS), '/c/l0'), '/c/end');
    assert.equal(failure(chain(MAX_SYMLINKS + 1), '/c/l0').reason, 'loop');
  });

  test('a deep relative chain that keeps climbing stays inside the image', () => {
    const entries: LayerEntry[] = [dir('/a'), dir('/a/b'), dir('/a/b/c'), file('/etc', 1, 'etc-file')];
    entries.push(symlink('/a/b/c/up', '../../../../../../../../../../etc'));
    assert.equal(resolve(tree(entries), '/a/b/c/up'), '/etc');
  });

  test('a name that is not UTF-8 is found again from its U+FFFD form, unless that is ambiguous', () => {
    const raw = tree([dir('/names'), file('/names/latin1-\udce9.txt', 1, 'e9'), file('/names/caf\udce9', 1, 'a'), file('/names/caf\udce8', 1, 'b')]);
    assert.equal(displayName('latin1-\udce9.txt'), 'latin1-\ufffd.txt');
    const found = resolveInImage(raw.root, '/names/latin1-\ufffd.txt', { matchDisplayNames: true });
    assert.equal(found.path, '/names/latin1-\udce9.txt', 'the real (raw) name comes back');
    assert.throws(() => resolveInImage(raw.root, '/names/latin1-\ufffd.txt'), PathResolutionError, 'only when asked');
    assert.throws(() => resolveInImage(raw.root, '/names/caf\ufffd', { matchDisplayNames: true }), /differ only in bytes that are not UTF-8/);
    assert.equal(resolveInImage(raw.root, '/names/caf\udce8', { matchDisplayNames: true }).node.entry.path, '/names/caf\udce8', 'an exact name always wins');
  });
});

describe('path helpers', () => {
  test('normalizeImagePath is lexical and clamps at the root', () => {
    assert.equal(normalizeImagePath('a/./b//../c/'), '/a/c');
    assert.equal(normalizeImagePath('/../../x'), '/x');
    assert.equal(normalizeImagePath(''), '/');
  });

  test('describePath keeps messages on one line and shows raw bytes as \\xNN', () => {
    assert.equal(describePath('/usr/bin/env'), '/usr/bin/env');
    assert.equal(describePath('/names/new\nline.txt'), '"/names/new\\nline.txt"');
    assert.equal(describePath('/names/latin1-\udce9.txt'), '"/names/latin1-\\xE9.txt"');
  });
});

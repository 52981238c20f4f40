import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatContainerFileUri, parseContainerFileUri, safeContainerPath } from '../../src/core/model/containerFileUri';

const ID = 'ab'.repeat(32);

test('container file URIs round-trip a container ID and an absolute path', () => {
  const uri = formatContainerFileUri({ containerId: ID.toUpperCase(), path: '/app/data/config.txt' });
  assert.deepEqual(uri, { scheme: 'layerlens-container', authority: ID, path: '/app/data/config.txt' });
  assert.deepEqual(parseContainerFileUri(uri), { containerId: ID, path: '/app/data/config.txt' });
});

test('a path cannot leave the container\'s tree: no "..", no ".", no relative path, no NUL', () => {
  for (const path of ['/app/../../etc/shadow', '/..', '/./x', 'etc/passwd', '/a\0b', '']) {
    assert.throws(() => safeContainerPath(path), (e: Error) => e.name === 'LayerlensError' || /path/.test(e.message), path);
    assert.throws(() => parseContainerFileUri({ authority: ID, path }));
  }
  assert.equal(safeContainerPath('//app///x/'), '/app/x');
  assert.equal(safeContainerPath('/a..b/.c'), '/a..b/.c', 'dots inside names are names');
});

test('only full container IDs are accepted', () => {
  assert.throws(() => parseContainerFileUri({ authority: 'abc', path: '/x' }), /not a full container ID/);
  assert.throws(() => parseContainerFileUri({ scheme: 'file', authority: ID, path: '/x' }), /not a container file/);
});

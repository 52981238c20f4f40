import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeRemoteImage, forgetRemoteImage, KEPT_REMOTE_IMAGES, readRemoteImages, recentReferences, rememberRemoteImage, remoteReferenceOf, type RemoteImage } from '../../src/views/remoteImageList';

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const image = (label: string, c: string, platform = 'linux/amd64'): RemoteImage => ({
  ref: `registry://127.0.0.1:5101/${label.split('/').slice(1).join('/').replace(/:.*/, '')}@${digest(c)}`,
  label,
  platform,
  compressedSize: 31_200_000,
  layerCount: 7,
  openedAt: 1,
});

test('remembering: newest first, one entry per image and per reference and platform, a few kept', () => {
  const a = image('127.0.0.1:5101/app:1', 'a');
  const b = image('127.0.0.1:5101/app:2', 'b');
  let list = rememberRemoteImage([], a);
  list = rememberRemoteImage(list, b);
  assert.deepEqual(list.map((i) => i.label), ['127.0.0.1:5101/app:2', '127.0.0.1:5101/app:1']);
  // The tag moved: the same reference and platform replaces its older image.
  const moved = image('127.0.0.1:5101/app:1', 'c');
  list = rememberRemoteImage(list, moved);
  assert.deepEqual(list.map((i) => i.ref), [moved.ref, b.ref]);
  // Another platform of the same reference is another entry.
  list = rememberRemoteImage(list, image('127.0.0.1:5101/app:1', 'd', 'linux/arm64'));
  assert.equal(list.length, 3);
  assert.deepEqual(recentReferences(list), ['127.0.0.1:5101/app:1', '127.0.0.1:5101/app:2']);
  for (let i = 0; i < 30; i++) list = rememberRemoteImage(list, image(`127.0.0.1:5101/app:${i + 10}`, (i % 16).toString(16)));
  assert.equal(list.length, KEPT_REMOTE_IMAGES);
  assert.deepEqual(forgetRemoteImage([a, b], a.ref), [b]);
});

test('what globalState gives back is checked: other shapes and non-registry references are dropped', () => {
  const good = image('127.0.0.1:5101/app:1', 'a');
  assert.deepEqual(readRemoteImages(undefined), []);
  assert.deepEqual(readRemoteImages({ ref: good.ref }), []);
  assert.deepEqual(readRemoteImages([good, { ...good, ref: 'nginx:1' }, { ...good, layerCount: 'seven' }, null, 'x']), [good]);
});

test('a typed reference becomes a registry:// one; a pasted "docker pull" is dropped', () => {
  assert.equal(remoteReferenceOf(' nginx:1.27 '), 'registry://nginx:1.27');
  assert.equal(remoteReferenceOf('registry://127.0.0.1:5101/app:1'), 'registry://127.0.0.1:5101/app:1');
  assert.equal(remoteReferenceOf('docker pull 127.0.0.1:5101/app@sha256:' + 'a'.repeat(64)), 'registry://127.0.0.1:5101/app@sha256:' + 'a'.repeat(64));
});

test('a row says the compressed size, the layers and the platform', () => {
  assert.equal(describeRemoteImage(image('127.0.0.1:5101/app:1', 'a', 'linux/arm64/v8')), '31.2 MB compressed · 7 layers · linux/arm64/v8');
  assert.equal(describeRemoteImage({ ...image('127.0.0.1:5101/app:1', 'a'), layerCount: 1, compressedSize: 0 }), '0 B compressed · 1 layer · linux/amd64');
});

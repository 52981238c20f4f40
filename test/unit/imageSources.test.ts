// Which image a `layerlens:` URI reads: an explorer's image first, else one loaded by ID (and kept, two at most).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ImageModel } from '../../src/core/model/imageModel';
import type { DockerEngine } from '../../src/docker/engine';
import { imageSourceResolver } from '../../src/fs/imageSources';
import { image, layer } from './helpers';

const engine = {} as DockerEngine;
const modelOf = (id: string) => {
  const data = image([layer([])]);
  data.id = id;
  return new ImageModel(data);
};

test('an image open in an explorer is served from there, with its archive or its engine as origin', async () => {
  const opened = modelOf('sha256:aa');
  const resolve = imageSourceResolver({
    opened: (id) => (id === 'aa' ? { model: opened, imageRef: '/tmp/x.tar' } : id === 'bb' ? { model: opened, imageRef: 'repo:tag' } : undefined),
    load: () => Promise.reject(new Error('must not load')),
    engine: () => engine,
  });
  assert.deepEqual(await resolve('aa'), { model: opened, origin: { kind: 'archive', path: '/tmp/x.tar' } });
  assert.deepEqual(await resolve('bb'), { model: opened, origin: { kind: 'engine', engine } });
});

test('an image opened from a registry reads its files from that registry, by the manifest it was read from', async () => {
  const opened = modelOf('sha256:cc');
  opened.data.manifestDigest = 'sha256:' + 'd'.repeat(64);
  const resolve = imageSourceResolver({
    opened: () => ({ model: opened, imageRef: 'registry://127.0.0.1:5000/app:1.2' }),
    load: () => Promise.reject(new Error('must not load')),
    engine: () => assert.fail('the engine is not asked'),
  });
  const source = await resolve('cc');
  assert.equal(source?.origin.kind, 'registry');
  assert.ok(source?.origin.kind === 'registry');
  assert.equal(source.origin.manifestDigest, opened.data.manifestDigest);
  assert.equal(source.origin.ref.registry, '127.0.0.1:5000');
  assert.equal(source.origin.ref.repository, 'app');
});

test('other images are loaded by ID once, the last two kept; a failed load is tried again next time', async () => {
  const loads: string[] = [];
  let fail = true;
  const resolve = imageSourceResolver({
    opened: () => undefined,
    load: async (id) => {
      loads.push(id);
      if (id === 'sha256:ff' && fail) throw new Error('There is no image ff.');
      return modelOf(id);
    },
    engine: () => engine,
  });
  assert.equal((await resolve('c1'))!.model.data.id, 'sha256:c1');
  await resolve('c1');
  await resolve('c2');
  await resolve('c3');
  await resolve('c1'); // dropped by c3: loaded again
  assert.deepEqual(loads, ['sha256:c1', 'sha256:c2', 'sha256:c3', 'sha256:c1']);
  await assert.rejects(resolve('ff'), /There is no image ff\./);
  fail = false;
  assert.equal((await resolve('ff'))!.model.data.id, 'sha256:ff');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LayerlensError } from '../../src/core/errors';
import { formatReference, isLoopbackHost, parseRegistryReference } from '../../src/registry/reference';

const DIGEST = 'sha256:' + 'ab'.repeat(32);

test('no host means Docker Hub, single names under library/, the API on its own host', () => {
  const ref = parseRegistryReference('registry://nginx:1.27');
  assert.deepEqual(ref, { registry: 'docker.io', apiHost: 'registry-1.docker.io', repository: 'library/nginx', tag: '1.27', digest: undefined, plainHttp: false });
  assert.equal(formatReference(ref), 'docker.io/library/nginx:1.27');
  assert.equal(parseRegistryReference('registry://bitnami/redis').repository, 'bitnami/redis');
  assert.equal(parseRegistryReference('registry://bitnami/redis').tag, 'latest');
  assert.equal(parseRegistryReference('registry://docker.io/alpine').repository, 'library/alpine');
});

test('a first component with a dot, a colon or localhost is a host; a port is not a tag', () => {
  const ref = parseRegistryReference('registry://127.0.0.1:5000/team/app:v2');
  assert.equal(ref.registry, '127.0.0.1:5000');
  assert.equal(ref.apiHost, '127.0.0.1:5000');
  assert.equal(ref.repository, 'team/app');
  assert.equal(ref.tag, 'v2');
  assert.equal(ref.plainHttp, true);
  assert.equal(parseRegistryReference('registry://localhost/app').registry, 'localhost');
  assert.equal(parseRegistryReference('registry://localhost:5000/app').tag, 'latest');
  const remote = parseRegistryReference('registry://registry.example.test/app');
  assert.equal(remote.registry, 'registry.example.test');
  assert.equal(remote.plainHttp, false, 'plain HTTP only on loopback');
});

test('digests, with or without a tag', () => {
  const byDigest = parseRegistryReference(`registry://127.0.0.1:5000/app@${DIGEST}`);
  assert.equal(byDigest.digest, DIGEST);
  assert.equal(byDigest.tag, undefined);
  const both = parseRegistryReference(`registry://127.0.0.1:5000/app:v1@${DIGEST}`);
  assert.equal(both.tag, 'v1');
  assert.equal(both.digest, DIGEST);
  assert.equal(formatReference(both), `127.0.0.1:5000/app:v1@${DIGEST}`);
});

test('malformed references are refused in one sentence', () => {
  for (const bad of ['registry://', 'registry://127.0.0.1:5000/', 'registry://App:1', 'registry://app@sha256:12', 'registry://app:bad/tag:x!', 'nginx:1.27']) {
    assert.throws(() => parseRegistryReference(bad), (e: unknown) => e instanceof LayerlensError && e.kind === 'bad-input' && /is not a registry reference/.test(e.message), bad);
  }
});

test('loopback hosts', () => {
  for (const h of ['127.0.0.1', '127.8.9.10:5000', 'localhost', 'localhost:80', '[::1]:5000']) assert.equal(isLoopbackHost(h), true, h);
  for (const h of ['128.0.0.1', '127.0.0.1.example.test', 'localhost.example.test', '10.0.0.1:5000', '127.0.0.256']) assert.equal(isLoopbackHost(h), false, h);
});

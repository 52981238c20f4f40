import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAuthChallenges } from '../../src/registry/authChallenge';
import { retryAfterSeconds } from '../../src/registry/registryClient';

test('a Bearer challenge with realm, service and scope (quoted, with commas and colons inside)', () => {
  const [c] = parseAuthChallenges('Bearer realm="https://auth.example.test/token",service="registry.example.test",scope="repository:library/nginx:pull,push"');
  assert.equal(c.scheme, 'bearer');
  assert.deepEqual(c.params, { realm: 'https://auth.example.test/token', service: 'registry.example.test', scope: 'repository:library/nginx:pull,push' });
});

test('Basic, case and spacing, escapes, and several challenges in one header', () => {
  const cs = parseAuthChallenges('basic Realm="a \\"quoted\\" realm" , Bearer realm=http://127.0.0.1:1/t, service=s');
  assert.equal(cs.length, 2);
  assert.deepEqual(cs[0], { scheme: 'basic', params: { realm: 'a "quoted" realm' } });
  assert.deepEqual(cs[1], { scheme: 'bearer', params: { realm: 'http://127.0.0.1:1/t', service: 's' } });
});

test('nothing, or garbage, gives no challenge rather than an exception', () => {
  assert.deepEqual(parseAuthChallenges(null), []);
  assert.deepEqual(parseAuthChallenges(''), []);
  assert.deepEqual(parseAuthChallenges('===,,'), []);
});

test('Retry-After in seconds or as a date', () => {
  assert.equal(retryAfterSeconds('120'), 120);
  assert.equal(retryAfterSeconds(null), undefined);
  assert.equal(retryAfterSeconds('soon'), undefined);
  const later = retryAfterSeconds(new Date(Date.now() + 60_000).toUTCString())!;
  assert.ok(later >= 58 && later <= 61, String(later));
});

// Credentials as the docker CLI finds them, from a DOCKER_CONFIG made here and a real credential helper
// program (a shell script named docker-credential-layerlens-test) on PATH.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { LayerlensError } from '../../src/core/errors';
import { dockerConfigFile, lookupCredentials } from '../../src/registry/credentials';

const dir = mkdtempSync(join(tmpdir(), 'layerlens-creds-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const bin = join(dir, 'bin');
const seen = join(dir, 'helper-saw');
// The helper records its arguments and stdin, knows one server, and says "not found" for the others.
mkdirSync(bin);
const helper = join(bin, 'docker-credential-layerlens-test');
writeFileSync(
  helper,
  `#!/bin/sh
server=$(cat)
printf '%s|%s' "$*" "$server" > '${seen}'
case "$server" in
  helped.test:5000) printf '{"ServerURL":"%s","Username":"helper-user","Secret":"helper-secret"}' "$server" ;;
  token.test) printf '{"ServerURL":"%s","Username":"<token>","Secret":"refresh-me"}' "$server" ;;
  *) echo 'credentials not found in native keychain'; exit 1 ;;
esac
`,
);
chmodSync(helper, 0o755);

function withConfig(name: string, config: unknown): NodeJS.ProcessEnv {
  const configDir = join(dir, name);
  mkdirSync(configDir, { recursive: true });
  writeFileSync(join(configDir, 'config.json'), JSON.stringify(config));
  return { DOCKER_CONFIG: configDir, PATH: `${bin}:${process.env.PATH}` };
}
const b64 = (s: string) => Buffer.from(s).toString('base64');

test('DOCKER_CONFIG, else ~/.docker', () => {
  assert.equal(dockerConfigFile({ DOCKER_CONFIG: '/x/y' }), '/x/y/config.json');
  assert.equal(dockerConfigFile({ HOME: '/home/u' }), '/home/u/.docker/config.json');
});

test('auths entries: auth (user:password, a colon in the password kept), identitytoken, keys written as URLs', async () => {
  const env = withConfig('auths', {
    auths: {
      '127.0.0.1:5000': { auth: b64('alice:pa:ss') },
      'https://other.test/v1/': { auth: b64('bob:secret') },
      'id.test': { auth: b64('carol:'), identitytoken: 'tok' },
      'https://index.docker.io/v1/': { auth: b64('hubuser:hubpass') },
    },
  });
  assert.deepEqual(await lookupCredentials('127.0.0.1:5000', { env }), { username: 'alice', password: 'pa:ss' });
  assert.deepEqual(await lookupCredentials('other.test', { env }), { username: 'bob', password: 'secret' });
  assert.deepEqual(await lookupCredentials('id.test', { env }), { identityToken: 'tok', username: 'carol' });
  assert.deepEqual(await lookupCredentials('docker.io', { env }), { username: 'hubuser', password: 'hubpass' });
  assert.equal(await lookupCredentials('unknown.test', { env }), undefined);
});

test('credHelpers run docker-credential-<name> get with the host on stdin; "<token>" is an identity token', async () => {
  const env = withConfig('helpers', {
    credHelpers: { 'helped.test:5000': 'layerlens-test', 'token.test': 'layerlens-test', 'missing.test': 'layerlens-test' },
    auths: { 'missing.test': { auth: b64('fallback:pw') } },
  });
  assert.deepEqual(await lookupCredentials('helped.test:5000', { env }), { username: 'helper-user', password: 'helper-secret' });
  assert.equal(readFileSync(seen, 'utf8'), 'get|helped.test:5000');
  assert.deepEqual(await lookupCredentials('token.test', { env }), { identityToken: 'refresh-me' });
  // The helper does not know it: the auths entry is used, as the docker CLI does.
  assert.deepEqual(await lookupCredentials('missing.test', { env }), { username: 'fallback', password: 'pw' });
});

test('credsStore serves every registry without a credHelpers entry', async () => {
  const env = withConfig('store', { credsStore: 'layerlens-test' });
  assert.deepEqual(await lookupCredentials('helped.test:5000', { env }), { username: 'helper-user', password: 'helper-secret' });
  assert.equal(await lookupCredentials('nobody.test', { env }), undefined);
});

test('a helper not on PATH, or a name that could be a path, is one sentence; no secret in it', async () => {
  const env = withConfig('absent', { credHelpers: { 'a.test': 'no-such-helper', 'b.test': '../../bin/sh' } });
  await assert.rejects(lookupCredentials('a.test', { env }), (e: unknown) => e instanceof LayerlensError && /docker-credential-no-such-helper .* is not on PATH/.test(e.message));
  await assert.rejects(lookupCredentials('b.test', { env }), (e: unknown) => e instanceof LayerlensError && /is not valid/.test(e.message));
});

test('no config file means anonymous; a broken one is one sentence', async () => {
  assert.equal(await lookupCredentials('127.0.0.1:5000', { env: { DOCKER_CONFIG: join(dir, 'none') } }), undefined);
  const broken = join(dir, 'broken');
  mkdirSync(broken);
  writeFileSync(join(broken, 'config.json'), '{not json');
  await assert.rejects(lookupCredentials('x.test', { env: { DOCKER_CONFIG: broken } }), /Could not read the docker credentials file/);
});

// Engine resolution as the docker CLI does it (cli/command/cli.go resolveContextName; cli/context/store):
// explicit host > DOCKER_HOST > DOCKER_CONTEXT / config.json currentContext > the default socket.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_HOST, resolveEndpoint } from '../../src/docker/connection';
import { LayerlensError } from '../../src/core/errors';
import { assertOneSentence } from './helpers';

let home: string;
let emptyHome: string;
let certs: string;

const contextId = (name: string) => createHash('sha256').update(name).digest('hex');

function writeContext(name: string, host: string, tls?: { ca: string }): void {
  const meta = join(home, '.docker', 'contexts', 'meta', contextId(name));
  mkdirSync(meta, { recursive: true });
  writeFileSync(join(meta, 'meta.json'), JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } }));
  if (tls) {
    const dir = join(home, '.docker', 'contexts', 'tls', contextId(name), 'docker');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'ca.pem'), tls.ca);
  }
}

before(() => {
  home = mkdtempSync(join(tmpdir(), 'layerlens-home-'));
  emptyHome = mkdtempSync(join(tmpdir(), 'layerlens-empty-home-'));
  certs = mkdtempSync(join(tmpdir(), 'layerlens-certs-'));
  writeContext('prod', 'tcp://prod.example:2375');
  writeContext('other', 'unix:///run/other.sock');
  writeContext('secure', 'tcp://secure.example:2376', { ca: 'CONTEXT CA' });
  mkdirSync(join(home, '.docker'), { recursive: true });
  writeFileSync(join(home, '.docker', 'config.json'), JSON.stringify({ auths: {}, currentContext: 'other' }));
  writeFileSync(join(certs, 'ca.pem'), 'CA');
  writeFileSync(join(certs, 'cert.pem'), 'CERT');
  writeFileSync(join(certs, 'key.pem'), 'KEY');
});
after(() => {
  for (const dir of [home, emptyHome, certs]) rmSync(dir, { recursive: true, force: true });
});

describe('resolveEndpoint: precedence', () => {
  test('nothing configured: the default unix socket', () => {
    const e = resolveEndpoint({ env: {}, home: emptyHome });
    assert.equal(e.host, DEFAULT_HOST);
    assert.equal(e.source, 'default');
    assert.equal(e.tls, false);
    assert.deepEqual(e.options, { socketPath: '/var/run/docker.sock' });
  });

  test('an explicit host beats DOCKER_HOST and the context', () => {
    const e = resolveEndpoint({ explicitHost: ' tcp://explicit:2375 ', explicitSource: '--host', env: { DOCKER_HOST: 'unix:///env.sock', DOCKER_CONTEXT: 'prod' }, home });
    assert.equal(e.host, 'tcp://explicit:2375');
    assert.equal(e.source, '--host');
    assert.deepEqual(e.options, { protocol: 'http', host: 'explicit', port: 2375 });
  });

  test('DOCKER_HOST beats DOCKER_CONTEXT and config.json', () => {
    const e = resolveEndpoint({ explicitHost: '  ', env: { DOCKER_HOST: 'unix:///env.sock', DOCKER_CONTEXT: 'prod' }, home });
    assert.equal(e.source, 'DOCKER_HOST');
    assert.deepEqual(e.options, { socketPath: '/env.sock' });
  });

  test('DOCKER_CONTEXT beats config.json currentContext', () => {
    const e = resolveEndpoint({ env: { DOCKER_CONTEXT: 'prod' }, home });
    assert.equal(e.host, 'tcp://prod.example:2375');
    assert.equal(e.source, 'docker context "prod"');
    assert.deepEqual(e.options, { protocol: 'http', host: 'prod.example', port: 2375 });
  });

  test('config.json currentContext, found at contexts/meta/<sha256(name)>/meta.json', () => {
    const e = resolveEndpoint({ env: {}, home });
    assert.equal(e.source, 'docker context "other"');
    assert.deepEqual(e.options, { socketPath: '/run/other.sock' });
  });

  test('DOCKER_CONFIG moves the docker config directory', () => {
    const e = resolveEndpoint({ env: { DOCKER_CONFIG: join(home, '.docker') }, home: emptyHome });
    assert.equal(e.source, 'docker context "other"');
    assert.equal(resolveEndpoint({ env: { DOCKER_CONFIG: join(emptyHome, 'none') }, home }).source, 'default');
  });

  test('the "default" context is the default socket', () => {
    assert.equal(resolveEndpoint({ env: { DOCKER_CONTEXT: 'default' }, home }).host, DEFAULT_HOST);
  });

  test('a context with TLS material uses it', () => {
    const e = resolveEndpoint({ env: { DOCKER_CONTEXT: 'secure' }, home });
    assert.equal(e.tls, true);
    assert.equal((e.options as { protocol?: string }).protocol, 'https');
    assert.equal(String((e.options as { ca?: Buffer }).ca), 'CONTEXT CA');
  });

  test('a context without metadata is a LayerlensError', () => {
    assert.throws(
      () => resolveEndpoint({ env: { DOCKER_CONTEXT: 'missing' }, home }),
      (error: unknown) => error instanceof LayerlensError && /docker context "missing"/.test(error.message) && (assertOneSentence(error.message), true),
    );
  });
});

describe('resolveEndpoint: addresses', () => {
  test('tcp with DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH: https with ca, cert and key', () => {
    const e = resolveEndpoint({ env: { DOCKER_HOST: 'tcp://192.0.2.1:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs }, home: emptyHome });
    assert.equal(e.tls, true);
    const o = e.options as { protocol: string; host: string; port: number; ca: Buffer; cert: Buffer; key: Buffer };
    assert.deepEqual([o.protocol, o.host, o.port], ['https', '192.0.2.1', 2376]);
    assert.deepEqual([String(o.ca), String(o.cert), String(o.key)], ['CA', 'CERT', 'KEY']);
  });

  test('TLS on a port other than 2376 still speaks https', () => {
    const e = resolveEndpoint({ env: { DOCKER_HOST: 'tcp://h:2375', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs }, home: emptyHome });
    assert.deepEqual([(e.options as { protocol: string }).protocol, (e.options as { port: number }).port], ['https', 2375]);
  });

  test('DOCKER_TLS_VERIFY=0 or empty means plain http', () => {
    for (const verify of ['0', '']) {
      const e = resolveEndpoint({ env: { DOCKER_HOST: 'tcp://h:2375', DOCKER_TLS_VERIFY: verify, DOCKER_CERT_PATH: certs }, home: emptyHome });
      assert.equal(e.tls, false, verify);
      assert.deepEqual(e.options, { protocol: 'http', host: 'h', port: 2375 });
    }
  });

  test('a host without a scheme is tcp; without a port, 2375', () => {
    assert.deepEqual(resolveEndpoint({ explicitHost: 'localhost:2375', env: {}, home: emptyHome }).options, { protocol: 'http', host: 'localhost', port: 2375 });
    assert.deepEqual(resolveEndpoint({ explicitHost: 'tcp://docker', env: {}, home: emptyHome }).options, { protocol: 'http', host: 'docker', port: 2375 });
  });

  test('a bare socket path is a unix socket', () => {
    const e = resolveEndpoint({ explicitHost: '/run/user/1000/docker.sock', env: {}, home: emptyHome });
    assert.equal(e.host, 'unix:///run/user/1000/docker.sock');
    assert.deepEqual(e.options, { socketPath: '/run/user/1000/docker.sock' });
  });

  test('ssh://user@host:2222', () => {
    const e = resolveEndpoint({ env: { DOCKER_HOST: 'ssh://user@host.example:2222', SSH_AUTH_SOCK: '/tmp/agent.sock' }, home: emptyHome });
    const o = e.options as { protocol: string; host: string; port: number; username?: string; sshOptions?: { agent?: string } };
    assert.deepEqual([o.protocol, o.host, o.port, o.username], ['ssh', 'host.example', 2222, 'user']);
    assert.equal(e.tls, false);
    // The agent comes from the environment we were given, not from whatever this process has.
    assert.equal(o.sshOptions?.agent, '/tmp/agent.sock');
  });

  test('ssh without user or port: port 22', () => {
    const o = resolveEndpoint({ env: { DOCKER_HOST: 'ssh://host' }, home: emptyHome }).options as { port: number; username?: string };
    assert.deepEqual([o.port, o.username], [22, undefined]);
  });

  for (const host of ['tcp://host:99999', 'http://[::1', 'tcp://a b', 'ftp://files.example', 'fd://']) {
    test(`an invalid host ${JSON.stringify(host)} is a LayerlensError naming it`, () => {
      assert.throws(
        () => resolveEndpoint({ env: { DOCKER_HOST: host }, home: emptyHome }),
        (error: unknown) => {
          assert.ok(error instanceof LayerlensError);
          assert.equal(error.kind, 'bad-input');
          assert.ok(error.message.includes(`"${host}"`), error.message);
          assert.match(error.message, /DOCKER_HOST/);
          assertOneSentence(error.message);
          return true;
        },
      );
    });
  }
});

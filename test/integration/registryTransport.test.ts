// How registries are reached, through the CLI: system-wide CAs (NODE_EXTRA_CA_CERTS, the system bundle as
// SSL_CERT_FILE names it, the directories of SSL_CERT_DIR), --insecure-registry (HTTPS without verification, then
// plain HTTP), and HTTPS_PROXY (an http:// or an https:// proxy), HTTP_PROXY and NO_PROXY. The registries are the loopback test registry behind host names that only a test
// proxy knows (*.layerlens.test), so a read that succeeds went through the proxy; loopback is never proxied.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from './support/cli';
import { startConnectProxy, type ConnectProxy } from './support/connectProxy';
import { startRegistryTlsFront, type RegistryTlsFront } from './support/registryTlsFront';
import { testRegistries } from './support/registries';

const registries = testRegistries();
const work = mkdtempSync(join(tmpdir(), 'layerlens-transport-'));
const SECURE = 'secure.layerlens.test';
const PLAIN = 'plain.layerlens.test:5000';
const IMAGE = 'd20/basics:legacy';
let front: RegistryTlsFront;
let proxy: ConnectProxy;
let expected: unknown;

const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  DOCKER_CONFIG: join(work, 'no-docker-config'),
  LAYERLENS_CACHE_DIR: join(work, `cache-${Math.random().toString(36).slice(2)}`),
  // A dead engine: the reads here must not depend on one.
  DOCKER_HOST: 'unix:///tmp/layerlens-no-engine-here.sock',
  HTTPS_PROXY: proxy.url,
  HTTP_PROXY: proxy.url,
  NODE_EXTRA_CA_CERTS: '',
  SSL_CERT_FILE: '',
  NO_PROXY: '',
  ...extra,
});
const layers = async (ref: string, e: NodeJS.ProcessEnv, ...flags: string[]) => {
  const result = await runCli(['layers', `registry://${ref}`, '--json', ...flags], e);
  return { ...result, report: result.code === 0 ? withoutImageName(result.stdout) : undefined };
};
const withoutImageName = (stdout: string) => {
  const { image: _image, ...rest } = JSON.parse(stdout) as Record<string, unknown>;
  return rest;
};
const oneLine = (stderr: string) => stderr.trim().split('\n');

before(async () => {
  const plainPort = Number(registries.plain.split(':')[1]);
  front = await startRegistryTlsFront(join(work, 'tls'), SECURE, plainPort);
  proxy = await startConnectProxy({ [`${SECURE}:443`]: front.port, [PLAIN]: plainPort });
  const plain = await layers(`${registries.plain}/${IMAGE}`, env());
  assert.equal(plain.code, 0, plain.stderr);
  expected = plain.report;
});
after(async () => {
  await proxy.close();
  await front.close();
  rmSync(work, { recursive: true, force: true });
});

describe('CAs the system trusts', () => {
  test('a CA in no store: exit 2, one sentence saying where a CA goes', async () => {
    const result = await layers(`${SECURE}/${IMAGE}`, env());
    assert.equal(result.code, 2);
    assert.equal(oneLine(result.stderr).length, 1, result.stderr);
    assert.match(result.stderr, new RegExp(`^layerlens: The TLS connection to ${SECURE} for d20/basics failed \\(\\w+\\); put its CA in /etc/docker/certs\\.d/${SECURE}/ca\\.crt as for dockerd\\.\\n$`));
  });

  test('NODE_EXTRA_CA_CERTS, or the system bundle (SSL_CERT_FILE): trusted, and the read equals the plain one', async () => {
    for (const name of ['NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE']) {
      const result = await layers(`${SECURE}/${IMAGE}`, env({ [name]: front.caFile }));
      assert.equal(result.code, 0, `${name}: ${result.stderr}`);
      assert.deepEqual(result.report, expected, name);
    }
  });

  test('SSL_CERT_DIR: a CA in one of its directories (colon-separated) is trusted; directories without it are not', async () => {
    const [empty, withCa] = [join(work, 'cert-dir-empty'), join(work, 'cert-dir-ca')];
    mkdirSync(empty, { recursive: true });
    mkdirSync(withCa, { recursive: true });
    copyFileSync(front.caFile, join(withCa, 'layerlens-test-ca.pem'));
    writeFileSync(join(withCa, 'README'), 'not a certificate\n');
    const trusted = await layers(`${SECURE}/${IMAGE}`, env({ SSL_CERT_DIR: `${join(work, 'no-such-dir')}:${empty}:${withCa}` }));
    assert.equal(trusted.code, 0, trusted.stderr);
    assert.deepEqual(trusted.report, expected);
    const untrusted = await layers(`${SECURE}/${IMAGE}`, env({ SSL_CERT_DIR: `${empty}:${join(work, 'no-such-dir')}` }));
    assert.equal(untrusted.code, 2);
    assert.match(untrusted.stderr, new RegExp(`^layerlens: The TLS connection to ${SECURE} for d20/basics failed \\(\\w+\\); put its CA in `));
  });

  test('--insecure-registry: no verification needed', async () => {
    const result = await layers(`${SECURE}/${IMAGE}`, env(), '--insecure-registry', 'elsewhere.test:1', '--insecure-registry', SECURE);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.report, expected);
  });
});

describe('plain HTTP only for loopback and --insecure-registry hosts', () => {
  test('a plain HTTP registry not named insecure: exit 2, one sentence naming --insecure-registry', async () => {
    const result = await layers(`${PLAIN}/${IMAGE}`, env());
    assert.equal(result.code, 2);
    assert.deepEqual(oneLine(result.stderr), [
      `layerlens: ${PLAIN} does not speak TLS for d20/basics (${/\((\w+)\)/.exec(result.stderr)?.[1]}); if it is a plain HTTP registry you trust, name it with --insecure-registry ${PLAIN}.`,
    ]);
  });

  test('named insecure: HTTPS is tried first (a CONNECT), then plain HTTP through HTTP_PROXY', async () => {
    const from = proxy.seen.length;
    const result = await layers(`${PLAIN}/${IMAGE}`, env(), '--insecure-registry', PLAIN);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.report, expected);
    const seen = proxy.seen.slice(from);
    assert.equal(seen[0], `CONNECT ${PLAIN}`, 'HTTPS first');
    assert.ok(seen.slice(1).length >= 3 && seen.slice(1).every((line) => line.startsWith(`GET http://${PLAIN}/v2/d20/basics/`)), seen.join('\n'));
  });

  test('a malformed --insecure-registry is refused in one sentence', async () => {
    const result = await layers(`${PLAIN}/${IMAGE}`, env(), '--insecure-registry', 'not a host');
    assert.equal(result.code, 2);
    assert.deepEqual(oneLine(result.stderr), ['layerlens: --insecure-registry "not a host" is not a registry host: give HOST[:PORT] as in image references, or an address range such as 10.0.0.0/8.']);
  });
});

describe('HTTPS_PROXY, HTTP_PROXY and NO_PROXY', () => {
  test('HTTPS goes through a CONNECT tunnel: every request of the read', async () => {
    const from = proxy.seen.length;
    const result = await layers(`${SECURE}/${IMAGE}`, env({ NODE_EXTRA_CA_CERTS: front.caFile }));
    assert.equal(result.code, 0, result.stderr);
    const seen = proxy.seen.slice(from);
    assert.ok(seen.length >= 1 && seen.every((line) => line === `CONNECT ${SECURE}:443`), seen.join('\n'));
  });

  test('NO_PROXY (a domain suffix, a lower-case no_proxy too) goes direct: the made-up name does not resolve', async () => {
    for (const extra of [{ NO_PROXY: '.layerlens.test' }, { NO_PROXY: '', no_proxy: `other.test, ${SECURE}` }]) {
      const from = proxy.seen.length;
      const result = await layers(`${SECURE}/${IMAGE}`, env({ NODE_EXTRA_CA_CERTS: front.caFile, ...extra }));
      assert.equal(result.code, 2, JSON.stringify(extra));
      assert.deepEqual(oneLine(result.stderr), [`layerlens: Cannot reach the registry ${SECURE} for d20/basics (ENOTFOUND); check the name, the network and that the registry runs.`]);
      assert.deepEqual(proxy.seen.slice(from), [], 'the proxy was not asked');
    }
  });

  test('an https:// proxy: TLS to the proxy, the CONNECT inside it, plain HTTP through it too; an untrusted one in one sentence', async () => {
    const proxyFront = await startRegistryTlsFront(join(work, 'proxy-tls'), '127.0.0.1', Number(new URL(proxy.url).port));
    const httpsProxy = `https://127.0.0.1:${proxyFront.port}`;
    const viaHttpsProxy = (extra: NodeJS.ProcessEnv) => env({ HTTPS_PROXY: httpsProxy, HTTP_PROXY: httpsProxy, ...extra });
    try {
      let from = proxy.seen.length;
      const secure = await layers(`${SECURE}/${IMAGE}`, viaHttpsProxy({ NODE_EXTRA_CA_CERTS: proxyFront.caFile, SSL_CERT_FILE: front.caFile }));
      assert.equal(secure.code, 0, secure.stderr);
      assert.deepEqual(secure.report, expected);
      let seen = proxy.seen.slice(from);
      assert.ok(seen.length >= 1 && seen.every((line) => line === `CONNECT ${SECURE}:443`), seen.join('\n'));

      from = proxy.seen.length;
      const plain = await layers(`${PLAIN}/${IMAGE}`, viaHttpsProxy({ NODE_EXTRA_CA_CERTS: proxyFront.caFile }), '--insecure-registry', PLAIN);
      assert.equal(plain.code, 0, plain.stderr);
      assert.deepEqual(plain.report, expected);
      seen = proxy.seen.slice(from);
      assert.equal(seen[0], `CONNECT ${PLAIN}`, 'HTTPS first');
      assert.ok(seen.slice(1).length >= 3 && seen.slice(1).every((line) => line.startsWith(`GET http://${PLAIN}/v2/d20/basics/`)), seen.join('\n'));

      from = proxy.seen.length;
      const untrusted = await layers(`${SECURE}/${IMAGE}`, viaHttpsProxy({ SSL_CERT_FILE: front.caFile }));
      assert.equal(untrusted.code, 2);
      const code = /failed \((\w+)\)/.exec(untrusted.stderr)?.[1];
      assert.deepEqual(oneLine(untrusted.stderr), [
        `layerlens: The TLS connection to the proxy 127.0.0.1:${proxyFront.port} failed (${code}); trust its CA with SSL_CERT_FILE, SSL_CERT_DIR or NODE_EXTRA_CA_CERTS, or check HTTPS_PROXY.`,
      ]);
      assert.deepEqual(proxy.seen.slice(from), [], 'nothing was asked of a proxy whose certificate failed');
    } finally {
      await proxyFront.close();
    }
  });

  test('loopback is never proxied; a proxy that is down is named as such', async () => {
    const dead = 'http://127.0.0.1:9';
    const loopback = await layers(`${registries.plain}/${IMAGE}`, env({ HTTPS_PROXY: dead, HTTP_PROXY: dead }));
    assert.equal(loopback.code, 0, loopback.stderr);
    assert.deepEqual(loopback.report, expected);
    const remote = await layers(`${SECURE}/${IMAGE}`, env({ HTTPS_PROXY: dead }));
    assert.equal(remote.code, 2);
    assert.deepEqual(oneLine(remote.stderr), [`layerlens: Cannot reach the proxy 127.0.0.1:9 (ECONNREFUSED); check HTTPS_PROXY, or NO_PROXY for ${SECURE}.`]);
  });
});

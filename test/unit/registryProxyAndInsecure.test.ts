import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InsecureRegistries } from '../../src/registry/insecureRegistries';
import { proxyFor } from '../../src/registry/proxy';

test('--insecure-registry: host[:port] exactly, CIDR ranges by address, loopback always', () => {
  const insecure = new InsecureRegistries(['registry.lan:5000', '10.0.0.0/8', 'https://Other.Lan/', 'fd00::/8']);
  assert.ok(insecure.allows('registry.lan:5000'));
  assert.ok(!insecure.allows('registry.lan'), 'another port is another registry, as for dockerd');
  assert.ok(insecure.allows('other.lan'), 'scheme, case and a trailing slash are forgiven');
  assert.ok(insecure.allows('10.1.2.3:5000') && !insecure.allows('11.1.2.3:5000'));
  assert.ok(insecure.allows('[fd00::2]:5000') && !insecure.allows('[fe80::1]:5000'));
  assert.ok(new InsecureRegistries().allows('127.0.0.1:5000') && new InsecureRegistries().allows('localhost'));
  assert.ok(!new InsecureRegistries().allows('registry.lan:5000'));
  for (const bad of ['not a host', 'a/b', '10.0.0.0/33']) assert.throws(() => new InsecureRegistries([bad]), /is not a registry host/, bad);
});

test('HTTPS_PROXY for https, HTTP_PROXY for http, the upper-case name first; loopback never', () => {
  const env = { HTTPS_PROXY: 'http://proxy:3128', https_proxy: 'http://lower:1', HTTP_PROXY: 'plain-proxy:8080' };
  assert.equal(proxyFor(new URL('https://registry.lan/v2/'), env)?.host, 'proxy:3128');
  assert.equal(proxyFor(new URL('http://registry.lan/v2/'), env)?.href, 'http://plain-proxy:8080/');
  assert.equal(proxyFor(new URL('https://registry.lan/v2/'), { https_proxy: 'http://lower:1' })?.host, 'lower:1');
  assert.equal(proxyFor(new URL('https://127.0.0.1:5000/v2/'), env), undefined);
  assert.equal(proxyFor(new URL('https://localhost:5000/v2/'), env), undefined);
  assert.equal(proxyFor(new URL('https://registry.lan/v2/'), {}), undefined);
  assert.equal(proxyFor(new URL('https://registry.lan/v2/'), { HTTPS_PROXY: 'https://tls-proxy:8443' })?.href, 'https://tls-proxy:8443/', 'an https:// proxy is kept as such');
  assert.throws(() => proxyFor(new URL('https://registry.lan/v2/'), { HTTPS_PROXY: 'socks5://p:1' }), /over http:\/\/ or https:\/\/ only/);
});

test('NO_PROXY: *, names with their subdomains, .suffixes, host:port, addresses and ranges', () => {
  const via = (url: string, noProxy: string) => proxyFor(new URL(url), { HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: noProxy }) !== undefined;
  assert.ok(!via('https://registry.lan/', '*'));
  assert.ok(!via('https://registry.lan/', 'registry.lan') && !via('https://a.registry.lan/', 'registry.lan'));
  assert.ok(via('https://xregistry.lan/', 'registry.lan'), 'a suffix of letters is not a subdomain');
  assert.ok(via('https://registry.lan/', '.registry.lan') && !via('https://a.registry.lan/', '.registry.lan'));
  assert.ok(!via('https://registry.lan:5000/', 'registry.lan:5000') && via('https://registry.lan:5001/', 'registry.lan:5000'));
  assert.ok(!via('https://registry.lan/', 'registry.lan:443'), 'the default port counts');
  assert.ok(!via('https://10.1.2.3/', '10.0.0.0/8') && via('https://11.1.2.3/', '10.0.0.0/8'));
  assert.ok(!via('https://10.1.2.3/', 'other.lan, 10.1.2.3'));
  assert.ok(!via('https://registry.lan/', ' other.lan  registry.lan '), 'spaces separate too');
  assert.equal(proxyFor(new URL('https://registry.lan/'), { HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: '', no_proxy: 'registry.lan' }), undefined, 'an empty NO_PROXY gives way to no_proxy');
});

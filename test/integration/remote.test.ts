// Remote engines: an ssh:// host (a local sshd started by test/setup/ssh.sh, whose `docker system dial-stdio`
// reaches Engine 20.10) gives the same model as the local socket; and the current docker context is honoured.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { resolveEndpoint } from '../../src/docker/connection';
import { DockerEngine } from '../../src/docker/engine';
import { loadImage } from '../../src/docker/imageLoader';
import { runCli } from './support/cli';
import { connect, testEngines } from './support/engines';
import { startTlsFront } from './support/tlsProxy';

const IMAGE = 'layerlens-test/whiteouts:buildkit';
const d20 = testEngines().find((e) => e.name === 'd20')!;

function sshSettings(): { host: string; key: string } {
  const env = Object.fromEntries(
    readFileSync('/tmp/layerlens-ssh/env', 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split('=') as [string, string]),
  );
  return { host: env.LAYERLENS_TEST_SSH_HOST, key: env.LAYERLENS_TEST_SSH_KEY };
}

describe('remote engines', () => {
  test('ssh:// with the default key in ~/.ssh reads the same image as the local socket', async () => {
    const { host, key } = sshSettings();
    const home = mkdtempSync(join(tmpdir(), 'layerlens-home-'));
    mkdirSync(join(home, '.ssh'));
    copyFileSync(key, join(home, '.ssh', 'id_ed25519'));
    const endpoint = resolveEndpoint({ explicitHost: host, env: {}, home });
    assert.equal(endpoint.options.protocol, 'ssh');
    const remote = new DockerEngine(endpoint);
    assert.match((await remote.version()).version, /^20\.10/);
    const overSsh = await loadImage(IMAGE, { engine: () => remote, noCache: true });
    const local = await loadImage(IMAGE, { engine: () => connect(d20), noCache: true });
    assert.equal(overSsh.inspect!.Id, local.inspect!.Id);
    assert.deepEqual(overSsh.model.mergedViewAt(), local.model.mergedViewAt());
    const cli = await runCli(['layers', IMAGE, '--json', '--host', host], { HOME: home, SSH_AUTH_SOCK: '', LAYERLENS_CACHE_DIR: join(home, 'cache') });
    assert.equal(cli.code, 0, cli.stderr);
    assert.equal(cli.stderr, '', 'nothing on stderr (no Node deprecation noise either)');
    assert.equal(JSON.parse(cli.stdout).image.id, local.inspect!.Id);
  });

  test('tcp:// with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH talks mutual TLS; a foreign CA is refused in one sentence', async () => {
    const front = await startTlsFront(mkdtempSync(join(tmpdir(), 'layerlens-tls-')), d20.host.slice('unix://'.length));
    try {
      const host = `tcp://127.0.0.1:${front.port}`;
      const cache = mkdtempSync(join(tmpdir(), 'layerlens-cache-'));
      const ok = await runCli(['layers', IMAGE, '--json'], { DOCKER_HOST: host, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: front.clientCertDir, LAYERLENS_CACHE_DIR: cache });
      assert.equal(ok.code, 0, ok.stderr);
      assert.equal(JSON.parse(ok.stdout).image.id, (await connect(d20).inspectImage(IMAGE)).Id);
      const refused = await runCli(['layers', IMAGE], { DOCKER_HOST: host, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: front.strangerCertDir, LAYERLENS_CACHE_DIR: cache });
      assert.equal(refused.code, 2);
      assert.equal(refused.stderr.trim().split('\n').length, 1, refused.stderr);
      assert.match(refused.stderr, new RegExp(`TLS error talking to tcp://127\\.0\\.0\\.1:${front.port} \\(from DOCKER_HOST\\)`));
      const plain = await runCli(['layers', IMAGE], { DOCKER_HOST: host, LAYERLENS_CACHE_DIR: cache });
      assert.equal(plain.code, 2);
      assert.match(plain.stderr, /closed the connection .* If it expects TLS, set DOCKER_TLS_VERIFY=1/);
    } finally {
      await front.close();
    }
  });

  test('the current docker context picks the engine when DOCKER_HOST is unset', async () => {
    const config = mkdtempSync(join(tmpdir(), 'layerlens-docker-config-'));
    const name = 'layerlens-test-context';
    const meta = join(config, 'contexts', 'meta', createHash('sha256').update(name).digest('hex'));
    mkdirSync(meta, { recursive: true });
    writeFileSync(join(meta, 'meta.json'), JSON.stringify({ Name: name, Endpoints: { docker: { Host: d20.host, SkipTLSVerify: false } } }));
    writeFileSync(join(config, 'config.json'), JSON.stringify({ currentContext: name }));
    const env = { DOCKER_HOST: '', DOCKER_CONFIG: config, LAYERLENS_CACHE_DIR: mkdtempSync(join(tmpdir(), 'layerlens-cache-')) };
    const r = await runCli(['layers', IMAGE, '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).image.id, (await connect(d20).inspectImage(IMAGE)).Id);
    // A context pointing nowhere is named in the error.
    writeFileSync(join(meta, 'meta.json'), JSON.stringify({ Name: name, Endpoints: { docker: { Host: 'unix:///tmp/layerlens-no-such.sock' } } }));
    const down = await runCli(['layers', IMAGE], env);
    assert.equal(down.code, 2);
    assert.match(down.stderr, /unix:\/\/\/tmp\/layerlens-no-such\.sock \(from docker context "layerlens-test-context"\)/);
  });
});

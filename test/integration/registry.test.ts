// registry:// references against real registries on loopback (test/setup/registry.sh: Debian's docker-registry,
// plain HTTP and Basic auth over one storage, with the fixture images pushed from Engine 20.10 and from the
// containerd-store engine). The oracle: the model read from the registry equals the model the engine gives for
// the same image, tree for tree at every layer. Auth, errors, the cache and redirects are checked through the
// CLI, as a user meets them, with a small proxy where the registry's traffic must be watched or bent.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { LayerlensError } from '../../src/core/errors';
import { IndexCache } from '../../src/core/index/indexCache';
import { loadImage } from '../../src/docker/imageLoader';
import { parseRegistryReference } from '../../src/registry/reference';
import { readRegistryImage } from '../../src/registry/registrySource';
import { runCli } from './support/cli';
import { connect, ROOT, testEngines } from './support/engines';
import { startRegistryProxy } from './support/registryProxy';
import { startTokenServer } from './support/tokenServer';
import { copyManifest, putManifest, testRegistries } from './support/registries';

const registries = testRegistries();
const work = mkdtempSync(join(tmpdir(), 'layerlens-registry-'));
after(() => rmSync(work, { recursive: true, force: true }));
const basicAuth = `Basic ${Buffer.from(`${registries.user}:${registries.password}`).toString('base64')}`;
const IMAGE = 'd20/basics:legacy';

/** A DOCKER_CONFIG directory holding this config.json, and a PATH with the test credential helper. */
function dockerConfig(name: string, config: unknown): NodeJS.ProcessEnv {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  return { DOCKER_CONFIG: dir, PATH: `${helperDir()}:${process.env.PATH}`, LAYERLENS_CACHE_DIR: join(work, `cache-${name}`) };
}

function helperDir(): string {
  const bin = join(work, 'bin');
  const helper = join(bin, 'docker-credential-layerlens-test');
  mkdirSync(bin, { recursive: true });
  writeFileSync(helper, `#!/bin/sh\nread server\nprintf '{"ServerURL":"%s","Username":"${registries.user}","Secret":"${registries.password}"}' "$server"\n`);
  chmodSync(helper, 0o755);
  return bin;
}

const auths = (host: string, user: string, password: string) => ({ auths: { [host]: { auth: Buffer.from(`${user}:${password}`).toString('base64') } } });
/** A loopback port nothing listens on (just released). */
function unusedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const oneLine = (stderr: string) => stderr.trim().split('\n');

describe('the model read from the registry equals the engine', () => {
  const engines = new Map(testEngines().map((e) => [e.name, e]));
  for (const image of registries.images) {
    test(`${image.repository} (pushed from ${image.engine}) equals ${image.source} on ${image.engine}`, async () => {
      const engine = engines.get(image.engine);
      assert.ok(engine, `engine ${image.engine} is in test/.engines.json`);
      const [fromRegistry, fromEngine] = await Promise.all([
        loadImage(`registry://${registries.plain}/${image.repository}`, { noCache: true }),
        loadImage(image.source, { engine: () => connect(engine), noCache: true }),
      ]);
      assert.equal(fromRegistry.source, 'registry');
      assert.equal(fromRegistry.registry!.layersCached, 0, 'no cache: every layer downloaded');
      assert.equal(fromRegistry.registry!.layersDownloaded, new Set(fromRegistry.model.data.layers.map((l) => l.diffId)).size);
      const got = fromRegistry.model;
      const want = fromEngine.model;
      if (image.repository.startsWith('zstd/')) {
        // skopeo --format oci rewrites the config as an OCI config (Docker's extra fields go): same layers and history.
        assert.deepEqual(got.data.config.rootfs, want.data.config.rootfs);
        assert.deepEqual(got.data.config.history, want.data.config.history);
        assert.ok(got.data.layers.length > 0 && fromRegistry.registry!.bytesDownloaded > 0);
      } else {
        assert.deepEqual(got.data.config, want.data.config);
        assert.equal(got.data.configDigest, want.data.configDigest);
      }
      assert.deepEqual(got.data.layers, want.data.layers, 'layer for layer');
      assert.deepEqual(got.steps, want.steps);
      for (let layer = 0; layer < want.layerCount; layer++) assert.deepEqual(got.mergedViewAt(layer), want.mergedViewAt(layer), `merged view at layer ${layer}`);
    });
  }
});

describe('credentials and errors, through the CLI', () => {
  const ref = `registry://${registries.basic}/${IMAGE}`;
  let expected: unknown;

  test('every command reads a registry image; --json equals the plain registry read', async () => {
    const plain = await runCli(['layers', `registry://${registries.plain}/${IMAGE}`, '--json'], dockerConfig('none', {}));
    assert.equal(plain.code, 0, plain.stderr);
    expected = JSON.parse(plain.stdout);
    for (const args of [['tree', '--layer', '1'], ['diff', '--from', '0', '--to', '3'], ['analyze'], ['explain', '--layer', '3']]) {
      const result = await runCli([args[0], `registry://${registries.plain}/${IMAGE}`, ...args.slice(1), '--json'], dockerConfig('none', {}));
      assert.equal(result.code, 0, `${args[0]}: ${result.stderr}`);
      assert.ok(JSON.parse(result.stdout), args[0]);
    }
    const lint = await runCli(['lint', join(ROOT, 'test', 'fixtures', 'basics', 'Dockerfile'), '--image', `registry://${registries.plain}/${IMAGE}`], dockerConfig('none', {}));
    assert.match(lint.stderr, /registry:\/\/.* matches .*Dockerfile on 12 of 12 instructions/);
    assert.match(lint.stdout, /LL2001 warning This RUN deletes 14 B that earlier layers still ship/, 'an image-backed finding');
  });

  test('Basic auth with the right credentials, from auths and from a credential helper', async () => {
    for (const [name, config] of [
      ['auths', auths(registries.basic, registries.user, registries.password)],
      ['helper', { credHelpers: { [registries.basic]: 'layerlens-test' } }],
    ] as const) {
      const result = await runCli(['layers', ref, '--json'], dockerConfig(name, config));
      assert.equal(result.code, 0, `${name}: ${result.stderr}`);
      const { image, ...rest } = JSON.parse(result.stdout) as Record<string, unknown>;
      const { image: plainImage, ...plainRest } = expected as Record<string, unknown>;
      assert.deepEqual(rest, plainRest, name);
      assert.ok(image && plainImage);
    }
  });

  test('no credentials, or wrong ones: exit 2 and one sentence saying docker login, never the password', async () => {
    const none = await runCli(['layers', ref], dockerConfig('empty', {}));
    assert.equal(none.code, 2);
    assert.deepEqual(oneLine(none.stderr), [`layerlens: ${registries.basic} wants credentials for d20/basics and none were found; run docker login ${registries.basic}, or check the repository name.`]);
    const wrong = await runCli(['layers', ref], dockerConfig('wrong', auths(registries.basic, registries.user, 'not-the-password')));
    assert.equal(wrong.code, 2);
    assert.equal(oneLine(wrong.stderr).length, 1);
    assert.match(wrong.stderr, new RegExp(`refused the credentials found for d20/basics; run docker login ${registries.basic.replace(/\./g, '\\.')} again`));
    assert.doesNotMatch(wrong.stdout + wrong.stderr, /not-the-password/);
  });

  test('a missing tag, a missing registry, a malformed reference: exit 2, one line', async () => {
    const closed = await unusedPort();
    const cases: [string, RegExp][] = [
      [`registry://${registries.plain}/d20/basics:no-such-tag`, /d20\/basics has no tag no-such-tag \(or no such repository\); check the reference\.$/],
      [`registry://127.0.0.1:${closed}/d20/basics:legacy`, new RegExp(`Cannot reach the registry 127\\.0\\.0\\.1:${closed} for d20/basics \\(ECONNREFUSED\\)`)],
      ['registry://127.0.0.1:5101/Bad/Name', /is not a registry reference/],
    ];
    for (const [reference, message] of cases) {
      const result = await runCli(['tree', reference], dockerConfig('none', {}));
      assert.equal(result.code, 2, reference);
      assert.equal(oneLine(result.stderr).length, 1, result.stderr);
      assert.match(result.stderr.trim(), message);
    }
  });

  test('--platform on a single-platform image, and a malformed --platform', async () => {
    const bad = await runCli(['layers', ref, '--platform', 'linux'], dockerConfig('none', {}));
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--platform linux is not a platform/);
  });
});

describe('token auth (a token server written here, the Bearer flow of distribution and Docker Hub)', () => {
  const ref = `registry://${registries.token.host}/${IMAGE}`;
  const refreshToken = 'layerlens-test-refresh-token';
  const start = () =>
    startTokenServer({
      realm: registries.token.realm,
      service: registries.token.service,
      issuer: registries.token.issuer,
      keyFile: registries.token.key,
      certFile: registries.token.cert,
      user: registries.user,
      password: registries.password,
      refreshToken,
    });

  test('a password from auths is traded for a pull token of this repository; the read equals the plain one', async () => {
    const server = await start();
    try {
      const result = await runCli(['layers', ref, '--json'], dockerConfig('token-auths', auths(registries.token.host, registries.user, registries.password)));
      assert.equal(result.code, 0, result.stderr);
      const plain = await runCli(['layers', `registry://${registries.plain}/${IMAGE}`, '--json'], dockerConfig('none', {}));
      const { image: _a, ...got } = JSON.parse(result.stdout) as Record<string, unknown>;
      const { image: _b, ...want } = JSON.parse(plain.stdout) as Record<string, unknown>;
      assert.deepEqual(got, want);
      assert.deepEqual(server.requests, [{ method: 'GET', service: registries.token.service, scope: 'repository:d20/basics:pull', as: 'password' }], 'one token for the whole read');
    } finally {
      await server.close();
    }
  });

  test('an identity token from a credential helper ("<token>") goes through the OAuth2 refresh-token POST', async () => {
    const server = await start();
    try {
      const bin = join(work, 'bin-identity');
      mkdirSync(bin, { recursive: true });
      writeFileSync(join(bin, 'docker-credential-layerlens-identity'), `#!/bin/sh\nread server\nprintf '{"ServerURL":"%s","Username":"<token>","Secret":"${refreshToken}"}' "$server"\n`);
      chmodSync(join(bin, 'docker-credential-layerlens-identity'), 0o755);
      const env = dockerConfig('token-identity', { credHelpers: { [registries.token.host]: 'layerlens-identity' } });
      const result = await runCli(['layers', ref], { ...env, PATH: `${bin}:${env.PATH}` });
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(server.requests.map((r) => [r.method, r.as, r.scope]), [['POST', 'refresh-token', 'repository:d20/basics:pull']]);
    } finally {
      await server.close();
    }
  });

  test('anonymous gets a token that grants nothing, wrong credentials get none: exit 2, docker login', async () => {
    const server = await start();
    try {
      const anonymous = await runCli(['layers', ref], dockerConfig('token-none', {}));
      assert.equal(anonymous.code, 2);
      assert.deepEqual(oneLine(anonymous.stderr), [`layerlens: ${registries.token.host} wants credentials for d20/basics and none were found; run docker login ${registries.token.host}, or check the repository name.`]);
      const wrong = await runCli(['layers', ref], dockerConfig('token-wrong', auths(registries.token.host, registries.user, 'wrong-password')));
      assert.equal(wrong.code, 2);
      assert.deepEqual(oneLine(wrong.stderr), [`layerlens: ${registries.token.host} refused the credentials found for d20/basics; run docker login ${registries.token.host} again, or check the repository name.`]);
      assert.deepEqual(server.requests.map((r) => r.as), ['anonymous', 'wrong']);
    } finally {
      await server.close();
    }
  });
});

describe('TLS with a CA in certs.d, as dockerd reads it', () => {
  test('a registry whose CA is in /etc/docker/certs.d/<host>/ca.crt is read over HTTPS and equals the plain read', async () => {
    const tls = await runCli(['layers', `registry://${registries.tls.host}/${IMAGE}`, '--json'], dockerConfig('none', {}));
    assert.equal(tls.code, 0, tls.stderr);
    const plain = await runCli(['layers', `registry://${registries.plain}/${IMAGE}`, '--json'], dockerConfig('none', {}));
    const { image: _a, ...got } = JSON.parse(tls.stdout) as Record<string, unknown>;
    const { image: _b, ...want } = JSON.parse(plain.stdout) as Record<string, unknown>;
    assert.deepEqual(got, want);
  });

  test('a certs.d CA that did not sign the certificate: one sentence saying where the CA goes', async () => {
    const certs = join(work, 'certs.d');
    mkdirSync(join(certs, registries.tls.host), { recursive: true });
    writeFileSync(join(certs, registries.tls.host, 'ca.crt'), readFileSync(registries.token.cert));
    await assert.rejects(
      readRegistryImage(parseRegistryReference(`registry://${registries.tls.host}/${IMAGE}`), { certsDirectory: certs }),
      (e: unknown) =>
        e instanceof LayerlensError &&
        e.kind === 'unreachable' &&
        e.message.startsWith(`The TLS connection to ${registries.tls.host} for d20/basics failed (`) &&
        e.message.endsWith(`); put its CA in ${join(certs, registries.tls.host, 'ca.crt')} as for dockerd.`),
    );
  });
});

describe('multi-platform indexes (made here from pushed images: amd64, arm64 and an attestation listed first)', () => {
  const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
  const repo = 'multi/basics';
  const layersOf = async (ref: string, ...flags: string[]) => {
    const result = await runCli(['layers', `registry://${registries.plain}/${ref}`, '--json', ...flags], dockerConfig('none', {}));
    assert.equal(result.code, 0, `${ref}: ${result.stderr}`);
    const { image: _image, ...rest } = JSON.parse(result.stdout) as Record<string, unknown>;
    return rest;
  };
  let made: Promise<void> | undefined;
  const makeIndexes = () =>
    (made ??= (async () => {
      const amd64 = await copyManifest('d20/basics', 'legacy', repo);
      const arm64 = await copyManifest('d26c/basics', 'buildkit', repo);
      const stand = await copyManifest('d20/whiteouts', 'legacy', repo);
      const index = {
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: [
          { ...stand, platform: { os: 'unknown', architecture: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': amd64.digest } },
          { ...amd64, platform: { os: 'linux', architecture: 'amd64' } },
          { ...arm64, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
        ],
      };
      const indexBytes = Buffer.from(JSON.stringify(index));
      const indexDigest = await putManifest(repo, 'index', indexBytes, OCI_INDEX);
      const nested = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ mediaType: OCI_INDEX, digest: indexDigest, size: indexBytes.length }] };
      await putManifest(repo, 'nested', Buffer.from(JSON.stringify(nested)), OCI_INDEX);
    })());

  test('--platform picks its manifest, through a nested index too; the attestation is never read', async () => {
    await makeIndexes();
    const amd64 = await layersOf('d20/basics:legacy');
    const arm64 = await layersOf('d26c/basics:buildkit');
    assert.notDeepEqual(amd64, arm64, 'the two platforms are different images');
    assert.deepEqual(await layersOf(`${repo}:index`, '--platform', 'linux/arm64'), arm64);
    assert.deepEqual(await layersOf(`${repo}:index`, '--platform', 'linux/amd64'), amd64);
    assert.deepEqual(await layersOf(`${repo}:nested`, '--platform', 'linux/arm64/v8'), arm64);
    // This machine is the default (the tests run on amd64 or arm64).
    const mine = process.arch === 'arm64' ? arm64 : amd64;
    assert.deepEqual(await layersOf(`${repo}:nested`), mine);
  });

  test('a platform the index lacks: exit 2, naming those it has', async () => {
    await makeIndexes();
    const result = await runCli(['layers', `registry://${registries.plain}/${repo}:index`, '--platform', 'linux/s390x'], dockerConfig('none', {}));
    assert.equal(result.code, 2);
    assert.deepEqual(oneLine(result.stderr), [`layerlens: ${registries.plain}/${repo}:index has no linux/s390x image; it has linux/amd64, linux/arm64 (choose one with --platform).`]);
  });
});

describe('what goes over the wire', () => {
  test('a second read of the same image downloads no layer and no config: one manifest request (counted at a proxy)', async () => {
    const proxy = await startRegistryProxy(registries.plain);
    try {
      const env = dockerConfig('warm', {});
      const blobGets = () => proxy.requests.filter((r) => r.method === 'GET' && r.path.includes('/blobs/')).length;
      const first = await runCli(['layers', `registry://${proxy.host}/${IMAGE}`, '--json'], env);
      assert.equal(first.code, 0, first.stderr);
      const layers = (JSON.parse(first.stdout) as { layers: unknown[] }).layers.length;
      const cold = blobGets();
      assert.ok(layers >= 2 && cold >= 2, `cold read: ${cold} blob GETs for ${layers} layers`);
      const second = await runCli(['layers', `registry://${proxy.host}/${IMAGE}`, '--json'], env);
      assert.equal(second.code, 0, second.stderr);
      assert.equal(blobGets(), cold, 'the warm read fetched no blob, not even the config');
      assert.equal(proxy.requests.filter((r) => r.path.includes('/manifests/')).length, 2, 'one manifest request per read');
      assert.deepEqual(JSON.parse(second.stdout), JSON.parse(first.stdout));
    } finally {
      await proxy.close();
    }
  });

  test('a warm analyze is read from the analysis cache: no layer index, no blob, one manifest request, the same JSON', async () => {
    const proxy = await startRegistryProxy(registries.plain);
    try {
      const env = dockerConfig('warm-analysis', {});
      const analyze = async (ref: string) => {
        const from = proxy.requests.length;
        const result = await runCli(['analyze', `registry://${proxy.host}/${ref}`, '--json'], env);
        assert.equal(result.code, 0, result.stderr);
        return { requests: proxy.requests.slice(from).map((r) => `${r.method} ${r.path}`), report: JSON.parse(result.stdout) as { image: { id: string } } };
      };
      const cold = await analyze(IMAGE);
      assert.ok(cold.requests.filter((r) => r.includes('/blobs/')).length >= 2, cold.requests.join('\n'));
      // Without the layer indexes, a read that needed one would download its blob again: none may be fetched.
      rmSync(join(env.LAYERLENS_CACHE_DIR!, 'layers'), { recursive: true });
      const warm = await analyze(IMAGE);
      assert.deepEqual(warm.requests, [`GET /v2/${IMAGE.replace(':', '/manifests/')}`], 'the manifest alone');
      assert.deepEqual(warm.report, cold.report);
      const manifest = await fetch(`http://${registries.plain}/v2/${IMAGE.replace(':', '/manifests/')}`, { method: 'HEAD', headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
      const digest = manifest.headers.get('docker-content-digest')!;
      const byDigest = await analyze(`${IMAGE.split(':')[0]}@${digest}`);
      assert.deepEqual(byDigest.requests, [], 'by digest: nothing asked');
      assert.equal(byDigest.report.image.id, cold.report.image.id);
    } finally {
      await proxy.close();
    }
  });

  test('a read by digest asks the registry nothing once read; a warm multi-platform tag costs one manifest request', async () => {
    const repo = 'cache/indexed';
    const image = await copyManifest('d20/basics', 'legacy', repo);
    const index = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [{ ...image, platform: { os: 'linux', architecture: 's390x' } }] };
    const indexDigest = await putManifest(repo, 'multi', Buffer.from(JSON.stringify(index)), index.mediaType);
    const proxy = await startRegistryProxy(registries.plain);
    try {
      const env = dockerConfig('by-digest', {});
      const read = async (ref: string) => {
        const from = proxy.requests.length;
        const result = await runCli(['layers', `registry://${proxy.host}/${ref}`, '--json', '--platform', 'linux/s390x'], env);
        assert.equal(result.code, 0, `${ref}: ${result.stderr}`);
        return { requests: proxy.requests.slice(from).map((r) => `${r.method} ${r.path}`), report: JSON.parse(result.stdout) as unknown };
      };
      const cold = await read(`${repo}@${image.digest}`);
      assert.ok(cold.requests.length >= 3, cold.requests.join('\n'));
      const byDigest = await read(`${repo}@${image.digest}`);
      assert.deepEqual(byDigest.requests, [], 'a read by digest asks nothing');
      assert.deepEqual(byDigest.report, cold.report);
      const tag = await read(`${repo}:multi`);
      assert.deepEqual(tag.requests, [`GET /v2/${repo}/manifests/multi`], 'the index by its tag; its platform entry is cached by digest');
      assert.deepEqual((await read(`${repo}@${indexDigest}`)).requests, [], 'the index by digest: nothing');
      const { image: _a, ...fromTag } = tag.report as Record<string, unknown>;
      const { image: _b, ...fromDigest } = cold.report as Record<string, unknown>;
      assert.deepEqual(fromTag, fromDigest);
    } finally {
      await proxy.close();
    }
  });

  test('a blob redirect to another host is followed without the Authorization header', async () => {
    const proxy = await startRegistryProxy(registries.basic, { redirectBlobs: true, storageAuthorization: basicAuth });
    try {
      const env = dockerConfig('redirect', auths(proxy.host, registries.user, registries.password));
      const result = await runCli(['layers', `registry://${proxy.host}/${IMAGE}`, '--json'], env);
      assert.equal(result.code, 0, result.stderr);
      assert.ok(proxy.requests.some((r) => r.path.includes('/manifests/') && r.headers.authorization === basicAuth), 'the registry itself got the credentials');
      assert.ok(proxy.storageRequests.length >= 2, `the storage host served ${proxy.storageRequests.length} blobs`);
      for (const r of proxy.storageRequests) assert.equal(r.headers.authorization, undefined, `storage request ${r.path} carried Authorization`);
    } finally {
      await proxy.close();
    }
  });

  test('layers the engine read are not downloaded from the registry: one cache for every source', async () => {
    const engine = testEngines().find((e) => e.name === 'd26c')!;
    const cache = new IndexCache(join(work, 'cache-cross'));
    const fromEngine = await loadImage('layerlens-test/findings:buildkit', { engine: () => connect(engine), cache });
    const fromRegistry = await loadImage(`registry://${registries.plain}/d26c/findings:buildkit`, { cache });
    assert.equal(fromRegistry.registry!.layersDownloaded, 0);
    assert.equal(fromRegistry.registry!.layersCached, new Set(fromEngine.model.data.layers.map((l) => l.diffId)).size);
    assert.deepEqual(fromRegistry.model.data.layers, fromEngine.model.data.layers);
  });

  test('blob → diffID facts a registry read records let a containerd-store export skip those blobs unread', async () => {
    const engine = testEngines().find((e) => e.name === 'd26c')!;
    const cache = new IndexCache(join(work, 'cache-facts'));
    const fromRegistry = await loadImage(`registry://${registries.plain}/d26c/whiteouts:buildkit`, { cache });
    const fromEngine = await loadImage('layerlens-test/whiteouts:buildkit', { engine: () => connect(engine), cache });
    assert.equal(fromEngine.source, 'engine');
    assert.equal(fromEngine.read!.indexedMembers, 0, 'no layer parsed again');
    assert.ok(fromEngine.read!.skippedMembers >= 1);
    assert.equal(fromEngine.read!.retriedWithoutFacts, false);
    assert.deepEqual(fromEngine.model.data.layers, fromRegistry.model.data.layers);
  });

  test('progress counts the bytes of the blobs to fetch; cancelling mid-download ends in Cancelled', async () => {
    const manifest = (await (await fetch(`http://${registries.plain}/v2/d20/basics/manifests/legacy`, { headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' } })).json()) as {
      config: { digest: string };
      layers: { digest: string; size: number }[];
    };
    const layerBytes = [...new Map(manifest.layers.map((l) => [l.digest, l.size])).values()].reduce((a, b) => a + b, 0);
    const progress: [number, number][] = [];
    const loaded = await loadImage(`registry://${registries.plain}/${IMAGE}`, { noCache: true, onProgress: (done, expected) => progress.push([done, expected]) });
    assert.deepEqual(progress.at(-1), [layerBytes, layerBytes]);
    assert.equal(loaded.registry!.bytesDownloaded, layerBytes);

    const abort = new AbortController();
    const proxy = await startRegistryProxy(registries.plain, {
      onRequest: (r) => {
        if (r.path.includes('/blobs/') && !r.path.endsWith(manifest.config.digest)) abort.abort();
      },
    });
    try {
      await assert.rejects(loadImage(`registry://${proxy.host}/${IMAGE}`, { noCache: true, signal: abort.signal }), (e: unknown) => e instanceof LayerlensError && e.kind === 'cancelled');
    } finally {
      await proxy.close();
    }
  });

  test('rate limited (429): exit 2, one sentence with the retry time the registry gives', async () => {
    const proxy = await startRegistryProxy(registries.plain, { rateLimitRetryAfter: 37 });
    try {
      const result = await runCli(['layers', `registry://${proxy.host}/${IMAGE}`], dockerConfig('limited', {}));
      assert.equal(result.code, 2);
      assert.deepEqual(oneLine(result.stderr), [`layerlens: ${proxy.host} is rate-limiting pulls of d20/basics; try again in 37 seconds, or docker login ${proxy.host} for a higher limit.`]);
    } finally {
      await proxy.close();
    }
  });

  test('a blob that does not match its digest: exit 2, one sentence', async () => {
    const manifest = (await (await fetch(`http://${registries.plain}/v2/d20/basics/manifests/legacy`, { headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' } })).json()) as { config: { digest: string } };
    const proxy = await startRegistryProxy(registries.plain, { corruptBlob: manifest.config.digest });
    try {
      const result = await runCli(['layers', `registry://${proxy.host}/${IMAGE}`], dockerConfig('corrupt', {}));
      assert.equal(result.code, 2);
      assert.deepEqual(oneLine(result.stderr), [`layerlens: Blob ${manifest.config.digest} of ${proxy.host}/d20/basics does not match its digest; the registry or a proxy served corrupt data.`]);
    } finally {
      await proxy.close();
    }
  });
});

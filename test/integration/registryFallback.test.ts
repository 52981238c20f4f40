// Plain references the engine does not have: read from their registry without pulling, after one line that says
// so (issue 12). The images live only in the loopback test registry (test/setup/registry.sh removes its push
// tags), so `127.0.0.1:PORT/d20/basics:legacy` is a name Engine 20.10 lacks; a dead socket stands for "no engine".
// The default platform of an index is the connected engine's, else this machine's.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { LayerlensError } from '../../src/core/errors';
import { loadImage } from '../../src/docker/imageLoader';
import { runCli } from './support/cli';
import { connect, escapeRegExp, testEngines } from './support/engines';
import { copyManifest, putManifest, testRegistries } from './support/registries';

const registries = testRegistries();
const d20 = testEngines().find((e) => e.name === 'd20')!;
const work = mkdtempSync(join(tmpdir(), 'layerlens-fallback-'));
after(() => rmSync(work, { recursive: true, force: true }));
const DEAD = 'unix:///tmp/layerlens-no-engine-here.sock';
const PLAIN = `${registries.plain}/d20/basics:legacy`;
const env = (name: string) => ({ DOCKER_HOST: d20.host, DOCKER_CONFIG: join(work, 'no-docker-config'), LAYERLENS_CACHE_DIR: join(work, `cache-${name}`) });
const withoutImageName = (stdout: string) => {
  const { image: _image, ...rest } = JSON.parse(stdout) as Record<string, unknown>;
  return rest;
};

describe('a plain reference the engine lacks is read from its registry, without pulling', () => {
  test('the engine answers without the image: one line saying so, then the same report as registry://', async () => {
    const direct = await runCli(['layers', `registry://${PLAIN}`, '--json'], env('direct'));
    assert.equal(direct.code, 0, direct.stderr);
    assert.equal(direct.stderr, '', 'registry:// says nothing extra');
    const plain = await runCli(['layers', PLAIN, '--json'], env('plain'));
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(plain.stderr, `${PLAIN} is not on ${d20.host}; reading ${PLAIN} from the registry (no pull)\n`);
    assert.deepEqual(withoutImageName(plain.stdout), withoutImageName(direct.stdout));
    const images = (await connect(d20).listImages()).flatMap((i) => i.RepoTags ?? []);
    assert.ok(!images.includes(PLAIN), 'nothing was pulled');
  });

  test('no engine answers (--host on a dead socket): the line says so, and every command still works', async () => {
    for (const args of [['layers'], ['tree', '--layer', '1'], ['analyze']]) {
      const result = await runCli([args[0], PLAIN, ...args.slice(1), '--host', DEAD, '--json'], env('dead'));
      assert.equal(result.code, 0, `${args[0]}: ${result.stderr}`);
      assert.equal(result.stderr, `${PLAIN} is not on ${DEAD} (no engine answers there); reading ${PLAIN} from the registry (no pull)\n`, args[0]);
      assert.ok(JSON.parse(result.stdout));
    }
  });

  test('neither has it: exit 2, one line naming both failures', async () => {
    const missing = `${registries.plain}/d20/basics:no-such-tag`;
    const result = await runCli(['layers', missing], env('missing'));
    assert.equal(result.code, 2);
    assert.deepEqual(result.stderr.trim().split('\n'), [
      `layerlens: There is no image "${missing}" on ${d20.host}; reading ${missing} from its registry instead failed too: ${registries.plain}/d20/basics has no tag no-such-tag (or no such repository); check the reference.`,
    ]);
    assert.equal(result.stdout, '');
  });

  test('an image ID never goes to a registry', async () => {
    const id = `sha256:${'0'.repeat(64)}`;
    const result = await runCli(['layers', id], env('id'));
    assert.equal(result.code, 2);
    assert.deepEqual(result.stderr.trim().split('\n'), [`layerlens: There is no image "${id}" on ${d20.host}.`]);
  });

  test('the core API tells a callback, not stderr; the model is the registry read', async () => {
    const notices: string[] = [];
    const loaded = await loadImage(PLAIN, { engine: () => connect(d20), noCache: true, onRegistryFallback: (n) => notices.push(n) });
    assert.equal(loaded.source, 'registry');
    assert.deepEqual(notices, [`${PLAIN} is not on ${d20.host}; reading ${PLAIN} from the registry (no pull)`]);
    const direct = await loadImage(`registry://${PLAIN}`, { noCache: true });
    assert.deepEqual(loaded.model.data.layers, direct.model.data.layers);
    // An image the engine has is read from the engine, and nothing is said.
    const local = await loadImage('layerlens-test/basics:legacy', { engine: () => connect(d20), noCache: true, onRegistryFallback: (n) => notices.push(n) });
    assert.equal(local.source, 'engine');
    assert.equal(notices.length, 1);
  });
});

describe("without --platform, an index is read for the engine's platform, else this machine's", () => {
  const repo = 'fallback/elsewhere';
  let made: Promise<void> | undefined;
  // An index whose only image is labelled linux/s390x (the label is what is chosen by): no engine here runs that.
  const makeIndex = () =>
    (made ??= (async () => {
      const image = await copyManifest('d20/basics', 'legacy', repo);
      const index = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [{ ...image, platform: { os: 'linux', architecture: 's390x' } }] };
      await putManifest(repo, 'index', Buffer.from(JSON.stringify(index)), index.mediaType);
    })());

  test('with an engine: its platform is wanted, and the error says whose platform it is and which there are', async () => {
    await makeIndex();
    const arch = (await connect(d20).version()).arch;
    const result = await runCli(['layers', `registry://${registries.plain}/${repo}:index`], env('platform-engine'));
    assert.equal(result.code, 2);
    assert.deepEqual(result.stderr.trim().split('\n'), [
      `layerlens: ${registries.plain}/${repo}:index has no linux/${arch} image (the platform of the engine at ${d20.host}); it has linux/s390x (choose one with --platform).`,
    ]);
  });

  test('with no engine: this machine’s; --platform picks the labelled one', async () => {
    await makeIndex();
    const result = await runCli(['layers', `registry://${registries.plain}/${repo}:index`, '--host', DEAD], env('platform-none'));
    assert.equal(result.code, 2);
    assert.match(result.stderr.trim(), new RegExp(`^layerlens: ${escapeRegExp(`${registries.plain}/${repo}:index`)} has no linux/\\w+ image \\(the platform of this machine\\); it has linux/s390x`));
    const chosen = await runCli(['layers', `registry://${registries.plain}/${repo}:index`, '--platform', 'linux/s390x', '--json'], env('platform-none'));
    assert.equal(chosen.code, 0, chosen.stderr);
    const fallback = await runCli(['layers', `${registries.plain}/${repo}:index`, '--platform', 'linux/s390x', '--json'], env('platform-none'));
    assert.equal(fallback.code, 0, fallback.stderr);
    assert.deepEqual(withoutImageName(fallback.stdout), withoutImageName(chosen.stdout));
  });

  test('a fallback read after the engine said "no such image" wants the engine’s platform too', async () => {
    await makeIndex();
    const arch = (await connect(d20).version()).arch;
    await assert.rejects(
      loadImage(`${registries.plain}/${repo}:index`, { engine: () => connect(d20), noCache: true }),
      (e: unknown) => e instanceof LayerlensError && e.message.includes(`has no linux/${arch} image (the platform of the engine at ${d20.host})`),
    );
  });
});

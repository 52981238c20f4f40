// What a Dockerfile line brings in from a registry, for the hover: which lines name an image (not a stage, scratch
// or a variable), the lookup's cache and its bound, and the hover block (escaped, one command link).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDockerfile } from '../../src/core/dockerfile';
import type { RemoteImageSummary } from '../../src/registry/imageSummary';
import type { RegistryReference } from '../../src/registry/reference';
import { remoteBaseMarkdown } from '../../src/dockerfile/remoteBaseHover';
import { imageNamedBy, RemoteBaseImages, type RemoteBaseReaders } from '../../src/dockerfile/remoteBaseImages';
import { HOVER_COMMANDS } from '../../src/dockerfile/hoverMarkdown';

const DIGEST = `sha256:${'d'.repeat(64)}`;
const summary = (): RemoteImageSummary => ({
  manifestDigest: DIGEST,
  configDigest: `sha256:${'c'.repeat(64)}`,
  platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
  layerCount: 3,
  compressedSize: 2_500_000,
  layerSizes: [2_000_000, 400_000, 100_000],
  config: {},
});

test('the images a Dockerfile names: FROM and COPY --from=<image>, not stages, scratch, numbers or variables', () => {
  const parsed = parseDockerfile(
    [
      'ARG BASE=127.0.0.1:5101/app/base:1',
      'FROM --platform=linux/arm64 ${BASE} AS build',
      'FROM scratch AS empty',
      'FROM build',
      'COPY --from=build /a /a',
      'COPY --from=0 /a /b',
      'COPY --from=127.0.0.1:5101/tools:2 /t /t',
      'COPY --from=$TOOLS /t /u',
      'FROM nginx:1.27',
    ].join('\n'),
  );
  const named = parsed.instructions.map((i) => imageNamedBy(parsed, i));
  assert.deepEqual(named, [
    undefined,
    { name: '127.0.0.1:5101/app/base:1', role: 'base', platform: 'linux/arm64' },
    undefined,
    undefined,
    undefined,
    undefined,
    { name: '127.0.0.1:5101/tools:2', role: 'copied' },
    undefined,
    { name: 'nginx:1.27', role: 'base' },
  ]);
});

function readers(overrides: Partial<RemoteBaseReaders> = {}): RemoteBaseReaders & { reads: { ref: RegistryReference; platform: unknown }[] } {
  const reads: { ref: RegistryReference; platform: unknown }[] = [];
  return {
    reads,
    onEngine: async () => false,
    defaultPlatform: () => ({ os: 'linux', architecture: 'amd64' }),
    readSummary: async (ref, platform) => {
      reads.push({ ref, platform });
      return summary();
    },
    ...overrides,
  };
}

test('a base the engine lacks is read from its registry once, with the platform the file names', async () => {
  const r = readers();
  const bases = new RemoteBaseImages(r);
  const image = { name: 'nginx:1.27', role: 'base' as const, platform: 'linux/arm64' };
  const note = await bases.lookup(image);
  assert.deepEqual(note, {
    kind: 'remote',
    image,
    reference: 'docker.io/library/nginx:1.27',
    ref: `registry://docker.io/library/nginx@${DIGEST}`,
    compressedSize: 2_500_000,
    layerCount: 3,
    platform: 'linux/arm64/v8',
  });
  await bases.lookup(image);
  assert.equal(r.reads.length, 1, 'the second look is the first one, kept');
  assert.deepEqual(r.reads[0].platform, { os: 'linux', architecture: 'arm64', variant: undefined });
  assert.equal(r.reads[0].ref.repository, 'library/nginx');
});

test('a base on the engine has no note; a failure is one sentence, tried again later', async () => {
  let now = 0;
  const onEngine = new RemoteBaseImages(readers({ onEngine: async () => true }));
  assert.equal(await onEngine.lookup({ name: 'alpine:3', role: 'base' }), undefined);
  let calls = 0;
  const failing = new RemoteBaseImages(
    readers({
      now: () => now,
      readSummary: async () => {
        calls++;
        throw new Error('127.0.0.1:5102 wants credentials for app and none were found; run docker login 127.0.0.1:5102.');
      },
    }),
  );
  const image = { name: '127.0.0.1:5102/app:1', role: 'copied' as const };
  const note = await failing.lookup(image);
  assert.equal(note?.kind, 'failed');
  await failing.lookup(image);
  assert.equal(calls, 1);
  now = 60_000;
  await failing.lookup(image);
  assert.equal(calls, 2, 'a failure is not kept for long (the user may log in)');
});

test('a slow registry: within() answers "reading" at its bound, and the read goes on', async () => {
  let release!: (s: RemoteImageSummary) => void;
  const bases = new RemoteBaseImages(readers({ readSummary: () => new Promise((resolve) => (release = resolve)) }));
  const image = { name: '127.0.0.1:5101/slow:1', role: 'base' as const };
  assert.deepEqual(await bases.within(image, 20), { kind: 'reading', image });
  release(summary());
  assert.equal((await bases.within(image, 20))?.kind, 'remote');
});

test('the hover block: size, layers and platform, names escaped, one link to the explorer', () => {
  const image = { name: '127.0.0.1:5101/app_[x]*:1', role: 'base' as const };
  const markdown = remoteBaseMarkdown({ kind: 'remote', image, reference: '127.0.0.1:5101/app_[x]*:1', ref: `registry://127.0.0.1:5101/app@${DIGEST}`, compressedSize: 2_500_000, layerCount: 3, platform: 'linux/amd64' });
  assert.match(markdown, /\*\*2\.5 MB\*\* compressed in 3 layers · linux\/amd64/);
  assert.match(markdown, /app\\_\\\[x\\\]\\\*\\:1\*\*/, "the name shows literally");
  const commands = [...markdown.matchAll(/\]\(command:([\w.]+)\?/g)].map((m) => m[1]);
  assert.deepEqual(commands, ['layerlens.openExplorer']);
  assert.ok(HOVER_COMMANDS.includes(commands[0]));
  const args = JSON.parse(decodeURIComponent(markdown.slice(markdown.indexOf('?') + 1, markdown.lastIndexOf(')'))));
  assert.deepEqual(args, [`registry://127.0.0.1:5101/app@${DIGEST}`, '127.0.0.1:5101/app_[x]*:1']);
  assert.match(remoteBaseMarkdown({ kind: 'reading', image }), /reading it from its registry/);
  assert.match(remoteBaseMarkdown({ kind: 'failed', image: { ...image, role: 'copied' }, message: 'No such tag.' }), /^\*\*Layerlens\*\* · Copied from .* No such tag\\\.$/);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostPlatform } from '../../src/core/archive/archiveAssembler';
import { LayerlensError } from '../../src/core/errors';
import { choosePlatform, parsePlatform, type PlatformDescriptor } from '../../src/registry/platform';

const d = (n: number, os: string, architecture: string, variant?: string, annotations?: Record<string, string>): PlatformDescriptor => ({
  digest: `sha256:${String(n).repeat(64).slice(0, 64)}`,
  platform: { os, architecture, variant },
  annotations,
});
const amd64 = d(1, 'linux', 'amd64');
const arm64 = d(2, 'linux', 'arm64', 'v8');
const armv6 = d(3, 'linux', 'arm', 'v6');
const armv7 = d(4, 'linux', 'arm', 'v7');
const attestation = d(5, 'unknown', 'unknown', undefined, { 'vnd.docker.reference.type': 'attestation-manifest' });
const index = [attestation, amd64, arm64, armv6, armv7];

test('--platform picks its entry; arm64 means arm64/v8, arm means arm/v7', () => {
  assert.equal(choosePlatform(index, parsePlatform('linux/amd64'), 'x'), amd64);
  assert.equal(choosePlatform(index, parsePlatform('linux/arm64'), 'x'), arm64);
  assert.equal(choosePlatform(index, parsePlatform('linux/arm64/v8'), 'x'), arm64);
  assert.equal(choosePlatform(index, parsePlatform('linux/arm'), 'x'), armv7);
  assert.equal(choosePlatform(index, parsePlatform('linux/arm/v6'), 'x'), armv6);
  assert.equal(choosePlatform(index, parsePlatform('Linux/x86_64'), 'x'), amd64);
});

test("without --platform, this machine's platform, never an attestation", () => {
  const host = hostPlatform();
  const mine = d(6, 'linux', host.architecture!);
  assert.equal(choosePlatform([attestation, d(7, 'linux', 'mips64le'), mine], undefined, 'x'), mine);
  assert.throws(() => choosePlatform([attestation], undefined, 'x'), /lists no image manifest/);
  const annotatedOnly = d(8, 'linux', host.architecture!, undefined, { 'vnd.docker.reference.type': 'attestation-manifest' });
  assert.throws(() => choosePlatform([annotatedOnly], undefined, 'x'), /lists no image manifest/);
});

test('a platform the index lacks is named with those it has', () => {
  assert.throws(
    () => choosePlatform(index, parsePlatform('linux/riscv64'), 'docker.io/library/app:1'),
    (e: unknown) =>
      e instanceof LayerlensError &&
      e.message === 'docker.io/library/app:1 has no linux/riscv64 image; it has linux/amd64, linux/arm64, linux/arm/v6, linux/arm/v7 (choose one with --platform).',
  );
  assert.throws(() => choosePlatform([amd64], parsePlatform('linux/arm/v5'), 'x'), /has no linux\/arm\/v5 image; it has linux\/amd64/);
});

test('a malformed --platform is refused', () => {
  for (const bad of ['linux', 'linux/', '/amd64', 'linux/amd64/v1/x', 'linux/am d64']) assert.throws(() => parsePlatform(bad), /is not a platform/, bad);
});

test('an entry without a platform (a nested index) is followed when no labelled entry matches', () => {
  const nested: PlatformDescriptor = { digest: 'sha256:' + '9'.repeat(64), mediaType: 'application/vnd.oci.image.index.v1+json' };
  assert.equal(choosePlatform([attestation, nested], parsePlatform('linux/arm64'), 'x'), nested);
  assert.equal(choosePlatform([nested, arm64], parsePlatform('linux/arm64'), 'x'), arm64, 'a labelled match wins');
});

test("without --platform: the engine's platform when given, named in the error with the platforms there are", () => {
  const byDefault = { platform: { os: 'linux', architecture: 'arm64' }, of: 'the engine at unix:///var/run/docker.sock' };
  assert.equal(choosePlatform(index, undefined, 'x', byDefault), arm64);
  assert.throws(
    () => choosePlatform([amd64, attestation], undefined, 'app:1', byDefault),
    (e: unknown) => e instanceof LayerlensError && e.message === 'app:1 has no linux/arm64 image (the platform of the engine at unix:///var/run/docker.sock); it has linux/amd64 (choose one with --platform).',
  );
  const elsewhere = d(9, 'linux', 'riscv64');
  assert.throws(() => choosePlatform([elsewhere], undefined, 'app:1'), /has no linux\/\w+ image \(the platform of this machine\); it has linux\/riscv64/);
});

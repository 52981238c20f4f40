// The loopback registries test/setup/registry.sh started (test/.registry.json), and ways to make images there
// from those it pushed: a manifest copied into another repository (its blobs mounted), an index put by hand.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './engines';

export interface TestRegistries {
  plain: string;
  basic: string;
  user: string;
  password: string;
  token: { host: string; realm: string; service: string; issuer: string; key: string; cert: string };
  tls: { host: string; ca: string };
  images: { engine: string; host: string; source: string; repository: string }[];
}

export function testRegistries(): TestRegistries {
  const file = join(ROOT, 'test', '.registry.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as TestRegistries;
  } catch {
    throw new Error(`${file} is missing: run test/setup/registry.sh (scripts/test.sh does) before the integration tests.`);
  }
}

/** Copies a manifest (mounting its blobs) into another repository of the plain registry; its descriptor there. */
export async function copyManifest(from: string, tag: string, to: string): Promise<{ mediaType: string; digest: string; size: number }> {
  const base = `http://${testRegistries().plain}/v2/`;
  const accept = 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json';
  const answer = await fetch(`${base}${from}/manifests/${tag}`, { headers: { Accept: accept } });
  assert.equal(answer.status, 200, `${from}:${tag}`);
  const bytes = Buffer.from(await answer.arrayBuffer());
  const mediaType = answer.headers.get('content-type')!;
  const manifest = JSON.parse(bytes.toString('utf8')) as { config: { digest: string }; layers: { digest: string }[] };
  for (const blob of [manifest.config, ...manifest.layers]) {
    const mounted = await fetch(`${base}${to}/blobs/uploads/?mount=${blob.digest}&from=${from}`, { method: 'POST' });
    assert.equal(mounted.status, 201, `mount ${blob.digest}`);
  }
  return { mediaType, digest: await putManifest(to, undefined, bytes, mediaType), size: bytes.length };
}

export async function putManifest(repository: string, tag: string | undefined, bytes: Buffer, mediaType: string): Promise<string> {
  const digest = 'sha256:' + createHash('sha256').update(bytes).digest('hex');
  const put = await fetch(`http://${testRegistries().plain}/v2/${repository}/manifests/${tag ?? digest}`, { method: 'PUT', body: bytes, headers: { 'Content-Type': mediaType } });
  assert.equal(put.status, 201, `PUT ${repository}:${tag ?? digest}: ${await put.text()}`);
  return digest;
}


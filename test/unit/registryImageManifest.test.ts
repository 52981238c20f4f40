// What an image manifest lists, as the full read and the quick looks both parse it (src/registry/imageManifest.ts):
// sizes as given (nonsense as 0), and one sentence for whatever is not an image manifest.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LayerlensError } from '../../src/core/errors';
import { indexEntries, parseImageManifest } from '../../src/registry/imageManifest';
import { parseRegistryReference } from '../../src/registry/reference';

const ref = parseRegistryReference('registry://registry.lan/app:1');
const fetched = (value: unknown) => ({ bytes: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)), mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: 'sha256:' + '0'.repeat(64) });
const A = 'sha256:' + 'a'.repeat(64);
const B = 'sha256:' + 'b'.repeat(64);

test('the config digest and each layer blob, base first; a size missing or negative is 0', () => {
  const manifest = { schemaVersion: 2, config: { digest: A, size: 10 }, layers: [{ digest: A, size: 5 }, { digest: B }, { digest: B, size: -3 }] };
  assert.deepEqual(parseImageManifest(fetched(manifest), ref), { configDigest: A, layers: [{ digest: A, size: 5 }, { digest: B, size: 0 }, { digest: B, size: 0 }] });
});

test('not an image manifest: one sentence naming the reference, schema 1 said as such', () => {
  const refused = (value: unknown, pattern: RegExp) =>
    assert.throws(() => parseImageManifest(fetched(value), ref), (e: unknown) => e instanceof LayerlensError && e.kind === 'corrupt' && pattern.test(e.message));
  refused({ schemaVersion: 2, layers: [] }, /^registry\.lan\/app:1 is not an image manifest Layerlens can read\.$/);
  refused({ schemaVersion: 2, config: { digest: A }, layers: [{ size: 1 }] }, /is not an image manifest Layerlens can read\.$/);
  refused({ schemaVersion: 1, fsLayers: [] }, /\(Docker schema 1, which registries stopped serving in 2019\)\.$/);
  refused('null', /^The manifest of registry\.lan\/app:1 is not valid JSON; the registry served corrupt data\.$/);
  refused('{"cut', /is not valid JSON/);
});

test('an index lists its entries; one with no manifests lists none', () => {
  assert.deepEqual(indexEntries(fetched({ manifests: [{ digest: A, platform: { os: 'linux', architecture: 'amd64' } }] }), ref), [{ digest: A, platform: { os: 'linux', architecture: 'amd64' } }]);
  assert.deepEqual(indexEntries(fetched({ schemaVersion: 2 }), ref), []);
});

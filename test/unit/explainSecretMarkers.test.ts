// Secret markers: found in small files while a layer streams, kept as bits on the entry (never the text), and
// kept by the index cache. The armour strings are built in pieces so this file holds no key marker itself.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IndexCache } from '../../src/core/index/indexCache';
import { SECRET_SCAN_LIMIT, SecretMarker, secretMarkerNames, secretMarkersIn } from '../../src/core/index/secretMarkers';
import type { LayerEntry, LayerIndex } from '../../src/core/model/types';
import { buildTar } from '../support/tarBuilder';
import { indexBlob } from './helpers';

const PRIVATE = 'PRIV' + 'ATE KEY-----';
const fakeKey = (kind: string) => `-----BEGIN ${kind}${PRIVATE}\nZmFrZQ==\n-----END ${kind}${PRIVATE}\n`;

describe('secretMarkersIn', () => {
  test('each marker, alone and together', () => {
    assert.equal(secretMarkersIn(Buffer.from(fakeKey('OPENSSH '))), SecretMarker.privateKey);
    assert.equal(secretMarkersIn(Buffer.from(fakeKey('RSA '))), SecretMarker.privateKey);
    assert.equal(secretMarkersIn(Buffer.from(fakeKey(''))), SecretMarker.privateKey);
    assert.equal(secretMarkersIn(Buffer.from('-----BEGIN PGP PRIV' + 'ATE KEY BLOCK-----\n')), SecretMarker.privateKey);
    assert.equal(secretMarkersIn(Buffer.from('//registry.npmjs.org/:_authToken=fake\n')), SecretMarker.npmToken);
    assert.equal(secretMarkersIn(Buffer.from('[default]\naws_secret_access_key = fake\n')), SecretMarker.awsSecretKey);
    assert.equal(secretMarkersIn(Buffer.from('password = pypi-AgEfake\n')), SecretMarker.pypiToken);
    const all = secretMarkersIn(Buffer.from(fakeKey('EC ') + '_authToken=x\naws_secret_access_key=y\npypi-AgEz'));
    assert.deepEqual(secretMarkerNames(all), ['privateKey', 'npmToken', 'awsSecretKey', 'pypiToken']);
  });

  test('no marker: a public key, a certificate, a key marker without its BEGIN line, ordinary text', () => {
    assert.equal(secretMarkersIn(Buffer.from('ssh-ed25519 AAAAC3Nz fake@host\n')), 0);
    assert.equal(secretMarkersIn(Buffer.from('-----BEGIN CERTIFICATE-----\nZmFrZQ==\n-----END CERTIFICATE-----\n')), 0);
    assert.equal(secretMarkersIn(Buffer.from(`The file ends with ${PRIVATE} on its own.\n`)), 0);
    assert.equal(secretMarkersIn(Buffer.from(`-----BEGIN foo\nthen a line with ${PRIVATE}\n`)), 0, 'BEGIN must be on the same line');
    assert.equal(secretMarkersIn(Buffer.from('registry=https://registry.npmjs.org/\n')), 0);
    assert.equal(secretMarkersIn(Buffer.alloc(0)), 0);
  });

  test('a mention before the real key does not hide it', () => {
    assert.equal(secretMarkersIn(Buffer.from(`note: ${PRIVATE}\n${fakeKey('RSA ')}`)), SecretMarker.privateKey);
  });
});

describe('the layer indexer records markers on small files only', () => {
  test('bits on the entries that have them; none elsewhere; the content is not kept', async () => {
    const big = Buffer.concat([Buffer.from(fakeKey('RSA ')), Buffer.alloc(SECRET_SCAN_LIMIT)]);
    const tar = buildTar([
      { name: 'root/.ssh/id_ed25519', content: fakeKey('OPENSSH '), mode: 0o600 },
      { name: 'root/.npmrc', content: '//registry.npmjs.org/:_authToken=fake-layerlens\n' },
      { name: 'srv/.npmrc', content: 'registry=https://registry.npmjs.org/\n' },
      { name: 'srv/big-with-key.bin', content: big },
      // Exactly at the limit, its key at the very end: only a scan of the whole file finds it.
      { name: 'srv/limit.pem', content: Buffer.concat([Buffer.alloc(SECRET_SCAN_LIMIT - fakeKey('EC ').length), Buffer.from(fakeKey('EC '))]) },
    ]);
    // 1000-byte chunks: the scanner must see a small file whole even when it arrives in pieces.
    const index = await indexBlob(tar, 'secrets', 1000);
    const markers = Object.fromEntries(index.entries.map((e) => [e.path, e.secretMarkers]));
    assert.deepEqual(markers, {
      '/root/.ssh/id_ed25519': SecretMarker.privateKey,
      '/root/.npmrc': SecretMarker.npmToken,
      '/srv/.npmrc': undefined,
      '/srv/big-with-key.bin': undefined,
      '/srv/limit.pem': SecretMarker.privateKey,
    });
    assert.doesNotMatch(JSON.stringify(index), /fake-layerlens|ZmFrZQ/);
  });
});

describe('the index cache keeps the markers', () => {
  test('entries with markers (and devices beside them) come back exactly', async () => {
    const directory = await fs.mkdtemp(join(tmpdir(), 'layerlens-markers-'));
    try {
      const entries: LayerEntry[] = [
        { path: '/root/.ssh/id_rsa', type: 'file', size: 111, mode: 0o600, uid: 0, gid: 0, hash: 'k', secretMarkers: SecretMarker.privateKey },
        { path: '/root/.aws/credentials', type: 'file', size: 86, mode: 0o600, uid: 0, gid: 0, hash: 'a', secretMarkers: SecretMarker.awsSecretKey | SecretMarker.npmToken },
        { path: '/srv/plain', type: 'file', size: 5, mode: 0o644, uid: 0, gid: 0, hash: 'p' },
        { path: '/dev/null', type: 'char', size: 0, mode: 0o666, uid: 0, gid: 0, devMajor: 1, devMinor: 3 },
      ];
      const layer: LayerIndex = { diffId: 'sha256:' + 'c'.repeat(64), entries, whiteouts: [], opaqueDirs: [], tarBytes: 4096, warnings: [] };
      await new IndexCache(directory).writeLayer(layer);
      assert.deepEqual(await new IndexCache(directory).readLayer(layer.diffId), layer);
    } finally {
      await fs.rm(directory, { recursive: true, force: true });
    }
  });
});

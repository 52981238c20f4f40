import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { tlsFilesFor } from '../../src/registry/certsDirectory';

const root = mkdtempSync(join(tmpdir(), 'layerlens-certs-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('certs.d/<host:port>: every *.crt is a CA, a .cert with its .key is the client certificate', async () => {
  const dir = join(root, 'registry.test:5000');
  mkdirSync(dir);
  writeFileSync(join(dir, 'ca.crt'), 'CA-1');
  writeFileSync(join(dir, 'extra.crt'), 'CA-2');
  writeFileSync(join(dir, 'client.cert'), 'CERT');
  writeFileSync(join(dir, 'client.key'), 'KEY');
  writeFileSync(join(dir, 'lonely.cert'), 'NO KEY');
  writeFileSync(join(dir, 'README'), 'ignored');
  const files = await tlsFilesFor('registry.test:5000', root);
  assert.deepEqual(files?.ca.map(String), ['CA-1', 'CA-2']);
  assert.equal(String(files?.cert), 'CERT');
  assert.equal(String(files?.key), 'KEY');
});

test('no directory for the host: nothing (the system CAs alone)', async () => {
  assert.equal(await tlsFilesFor('other.test', root), undefined);
  assert.equal(await tlsFilesFor('registry.test', root), undefined, 'host:port and host are different directories');
});

// When sql.js cannot load (say dist/sql-wasm-inline.js is missing from an install), preparing the rpm reader still
// resolves and each rpm database gets one sentence, while the other readers go on. Its own file: the reader keeps
// what it loaded for the rest of the process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prepareRpmReader, rpmReader } from '../../src/core/packages/rpm';

test('sql.js failing to load: prepareRpmReader resolves, each rpm database is one sentence', async () => {
  await prepareRpmReader(() => Promise.reject(new Error("Cannot find module './sql-wasm-inline.js'\nRequire stack: …")));
  const { packages, problems } = rpmReader.read(new Map([['/var/lib/rpm/rpmdb.sqlite', new Uint8Array(4096)]]));
  assert.deepEqual(packages, []);
  assert.deepEqual(problems, ["/var/lib/rpm/rpmdb.sqlite was not read: its SQLite reader (sql.js) failed to load: Cannot find module './sql-wasm-inline.js'."]);
  // A later call loads it.
  await prepareRpmReader();
  assert.match(rpmReader.read(new Map([['/var/lib/rpm/rpmdb.sqlite', new Uint8Array(4096)]])).problems[0], /cannot be read as an rpm SQLite database/);
});

// The CLI's code cache (src/cli/codeCache.ts) is a hint: what it reads back is exactly what was written, and a
// damaged, foreign or hostile file reads as absent, never as data (the launcher then compiles as usual).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeCacheFile, MAX_CODE_CACHE_BYTES, readCodeCache, writeCodeCache } from '../../src/cli/codeCache';

const DATA = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 31 + 7) & 0xff));

async function written(): Promise<{ directory: string; file: string }> {
  const directory = await fs.mkdtemp(join(tmpdir(), 'layerlens-code-cache-'));
  const file = codeCacheFile(directory, 'ab'.repeat(32));
  writeCodeCache(file, DATA);
  return { directory, file };
}

describe('code cache', () => {
  test('reads back what was written, and nothing is left half-written', async () => {
    const { file } = await written();
    assert.deepEqual(readCodeCache(file), DATA);
    assert.deepEqual((await fs.readdir(join(file, '..'))).filter((f) => f.endsWith('.tmp')), []);
  });

  test('is named by the bundle and the command: another bundle or command finds no cache', async () => {
    const { directory, file } = await written();
    assert.notEqual(codeCacheFile(directory, 'cd'.repeat(32)), file);
    assert.equal(readCodeCache(codeCacheFile(directory, 'cd'.repeat(32))), undefined);
    const compare = codeCacheFile(directory, 'ab'.repeat(32), 'compare');
    assert.notEqual(compare, codeCacheFile(directory, 'ab'.repeat(32), 'tree'));
    assert.match(codeCacheFile(directory, 'ab'.repeat(32), '../../x'), /-other\.v8$/);
    assert.equal(join(compare, '..'), join(directory, 'code'));
  });

  test('a truncated, flipped, empty or oversized file reads as absent', async () => {
    const { file } = await written();
    const bytes = await fs.readFile(file);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 1] ^= 1;
    for (const damaged of [bytes.subarray(0, bytes.length >> 1), flipped, Buffer.alloc(0), bytes.subarray(0, 32)]) {
      await fs.writeFile(file, damaged);
      assert.equal(readCodeCache(file), undefined);
    }
    await fs.truncate(file, MAX_CODE_CACHE_BYTES + 1);
    assert.equal(readCodeCache(file), undefined);
  });

  test('a symlink, a directory or a FIFO in its place reads as absent without blocking, and a write replaces it', async () => {
    const { file } = await written();
    await fs.rm(file);
    await fs.symlink('/dev/zero', file);
    assert.equal(readCodeCache(file), undefined);
    writeCodeCache(file, DATA);
    assert.equal((await fs.lstat(file)).isSymbolicLink(), false);
    assert.deepEqual(readCodeCache(file), DATA);
    await fs.rm(file);
    execFileSync('mkfifo', [file]);
    assert.equal(readCodeCache(file), undefined);
    await fs.rm(file);
    await fs.mkdir(file);
    assert.equal(readCodeCache(file), undefined);
  });

  test('a cache directory that cannot be made is no error', async () => {
    const { directory } = await written();
    const blocked = join(directory, 'a-file');
    await fs.writeFile(blocked, 'x');
    const file = codeCacheFile(blocked, 'ab'.repeat(32));
    assert.doesNotThrow(() => writeCodeCache(file, DATA));
    assert.equal(readCodeCache(file), undefined);
  });
});

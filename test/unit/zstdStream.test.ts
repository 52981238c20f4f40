// zstd in bounded memory (issue 15): the decoder is fed one block at a time and yields as its reader takes, so
// an RLE bomb streams instead of piling up, and a frame declaring a window beyond zstd's default limit is refused.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, test } from 'node:test';
import { LayerlensError } from '../../src/core/errors';
import { createZstdDecompressor } from '../../src/core/archive/zstdStream';
import { zstdStored } from '../support/tarBuilder';
import { chunked } from './helpers';

/** 3,450 bytes of text compressed by the zstd tool (-19 --check): compressed blocks and a checksum. */
const REAL = Buffer.from('KLUv/WR6DL0BANKCChGwuQF/qw236YRF9g3DjvKhgKCok8txNqMxn9yqMOaf6JQ9B0xfXtUcAQIAkSkS/HewJAE5yWq7', 'base64');
const REAL_SHA256 = '5a3873bfbed8f435cdcf0d456be94d505a2298d0abcf77ffe4f4c58fbfd40d14';

async function inflate(data: Buffer, chunk = 64 * 1024): Promise<Buffer> {
  const parts: Buffer[] = [];
  await pipeline(chunked(data, chunk), createZstdDecompressor(), new Writable({ write: (c: Buffer, _e, cb) => (parts.push(c), cb()) }));
  return Buffer.concat(parts);
}

/** A frame of `blocks` RLE blocks of 128 KiB each (4 bytes each compressed): 32,768:1. */
function rleBomb(blocks: number): Buffer {
  const header = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38]); // no content size, window 128 KiB
  const block = (last: number) => {
    const h = ((128 * 1024) << 3) | (1 << 1) | last;
    return Buffer.from([h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff, 0x00]);
  };
  return Buffer.concat([header, ...Array.from({ length: blocks }, (_, i) => block(i === blocks - 1 ? 1 : 0))]);
}

describe('zstd decoding in bounded memory', () => {
  test('real compressed data, in any chunking, decodes to its bytes', async () => {
    for (const chunk of [1, 7, 100, 65536]) {
      const out = await inflate(REAL, chunk);
      assert.equal(createHash('sha256').update(out).digest('hex'), REAL_SHA256, `chunk ${chunk}`);
    }
  });

  test('several frames, skippable frames between them, stored blocks', async () => {
    const skippable = Buffer.concat([Buffer.from([0x50, 0x2a, 0x4d, 0x18, 5, 0, 0, 0]), Buffer.from('12345')]);
    const data = Buffer.concat([zstdStored(Buffer.from('one ')), skippable, REAL, zstdStored(Buffer.alloc(300_000, 7))]);
    const out = await inflate(data, 3);
    assert.equal(out.subarray(0, 4).toString(), 'one ');
    assert.equal(out.length, 4 + 3450 + 300_000);
  });

  test('an RLE bomb streams block by block: a slow reader never holds more than a few blocks', async () => {
    const blocks = 8192; // 1 GiB out of 32 KiB in
    let total = 0;
    let maxChunk = 0;
    const reader = new Writable({
      highWaterMark: 1,
      write: (c: Buffer, _e, cb) => {
        total += c.length;
        maxChunk = Math.max(maxChunk, c.length);
        setImmediate(cb);
      },
    });
    const before = process.memoryUsage().rss;
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    await pipeline(Readable.from([rleBomb(blocks)]), createZstdDecompressor(), reader);
    clearInterval(timer);
    assert.equal(total, blocks * 128 * 1024);
    assert.ok(maxChunk <= 128 * 1024, `a chunk of ${maxChunk} bytes`);
    assert.ok(peak - before < 256 * 1024 * 1024, `RSS grew by ${Math.round((peak - before) / 1048576)} MiB for a 1 GiB stream`);
  });

  test('a frame declaring a window beyond 128 MiB is refused before anything is allocated', async () => {
    const huge = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0xe0, 0, 0, 0, 0, 0, 0, 0, 0x40, 0x01, 0, 0, 0]); // single segment, 2^62 bytes
    const wide = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x89, 0x01, 0, 0, 0]); // window 2^27 + 1/8 (144 MiB)
    for (const frame of [huge, wide]) {
      await assert.rejects(inflate(frame), (e: unknown) => e instanceof LayerlensError && /more than the 128 MiB that zstd itself decodes by default/.test(e.message));
    }
  });

  test('truncated and corrupt data are refused in one sentence', async () => {
    for (const [data, pattern] of [
      [REAL.subarray(0, REAL.length - 3), /truncated|corrupt/],
      [Buffer.concat([REAL, Buffer.from('garbage!')]), /zstd magic number/],
      [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x08, 0x00]), /reserved bit/],
    ] as [Buffer, RegExp][]) {
      await assert.rejects(inflate(data), (e: unknown) => e instanceof LayerlensError && pattern.test(e.message) && !e.message.includes('\n'));
    }
  });
});

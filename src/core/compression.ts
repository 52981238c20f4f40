// Layer blobs (and whole archives) may be plain tar, gzip or zstd. Media types and file names lie or are
// missing, so the first bytes decide (gzip: RFC 1952 1f 8b; zstd: RFC 8878 frame magic 28 b5 2f fd).
import { Transform, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Decompress } from 'fzstd';
import { LayerlensError } from './errors';

export type Compression = 'none' | 'gzip' | 'zstd';

export function detectCompression(head: Uint8Array): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'none';
}

/** Other well-known magics, so a wrong input gets a precise message instead of "not a tar". */
export function describeUnsupportedMagic(head: Uint8Array): string | undefined {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (starts(0x42, 0x5a, 0x68)) return 'bzip2';
  if (starts(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return 'xz';
  if (starts(0x04, 0x22, 0x4d, 0x18)) return 'lz4';
  if (starts(0x50, 0x4b, 0x03, 0x04)) return 'zip';
  return undefined;
}

/** A decompressing transform for the given compression (identity for 'none'). */
export function createDecompressor(compression: Compression): Transform {
  switch (compression) {
    case 'gzip':
      return createGunzip({ chunkSize: 256 * 1024 });
    case 'zstd':
      return new ZstdDecompressStream();
    case 'none':
      return new Transform({ transform: (chunk, _enc, cb) => cb(null, chunk) });
  }
}

/** fzstd's streaming decoder as a Node transform (Node 20's zlib has no zstd). */
class ZstdDecompressStream extends Transform {
  private readonly decoder: Decompress;

  constructor() {
    super();
    this.decoder = new Decompress((chunk) => {
      this.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      this.decoder.push(chunk);
      cb();
    } catch (error) {
      cb(new LayerlensError(`The zstd data is corrupt (${(error as Error).message}).`, 'corrupt'));
    }
  }

  override _flush(cb: TransformCallback): void {
    try {
      this.decoder.push(new Uint8Array(0), true);
      cb();
    } catch (error) {
      cb(new LayerlensError(`The zstd data is corrupt or truncated (${(error as Error).message}).`, 'corrupt'));
    }
  }
}

// Layer blobs (and whole archives) may be plain tar, gzip or zstd. Media types and file names lie or are
// missing, so the first bytes decide (gzip: RFC 1952 1f 8b; zstd: RFC 8878 frame magic 28 b5 2f fd).
import { Transform, type Duplex, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { checkInflation } from './inflationBound';
import { createZstdDecompressor } from './zstdStream';

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
export function createDecompressor(compression: Compression): Duplex {
  switch (compression) {
    case 'gzip':
      return createGunzip({ chunkSize: 256 * 1024 });
    case 'zstd':
      return createZstdDecompressor();
    case 'none':
      return new Transform({ transform: (chunk, _enc, cb) => cb(null, chunk) });
  }
}

/**
 * A transform that looks at the first bytes of a stream, lets `inspect` reject it (with a LayerlensError),
 * then decompresses whatever compression the magic bytes say. Unlike reading through an async iterator,
 * it keeps the source in flowing mode: chunks pass as they come, never concatenated.
 */
export class AutoDecompressor extends Transform {
  private head: Buffer[] = [];
  private headLength = 0;
  private inner: Duplex | undefined;
  private passThrough = false;
  /** Bytes in and out of the decompressor, for the inflation bound (inflationBound.ts). */
  private compressed = 0;
  private inflated = 0;

  constructor(private readonly inspect: (head: Buffer, compression: Compression) => void) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    if (this.passThrough) return cb(null, chunk);
    this.compressed += chunk.length;
    if (this.inner) return this.writeInner(chunk, cb);
    this.head.push(chunk);
    this.headLength += chunk.length;
    if (this.headLength < 512) return cb();
    this.decide(cb);
  }

  override _flush(cb: TransformCallback): void {
    if (!this.inner && !this.passThrough) {
      this.decide((error) => (error ? cb(error) : this.finishInner(cb)));
      return;
    }
    this.finishInner(cb);
  }

  private decide(cb: TransformCallback): void {
    const head = Buffer.concat(this.head);
    this.head = [];
    const compression = detectCompression(head);
    try {
      this.inspect(head, compression);
    } catch (error) {
      return cb(error as Error);
    }
    if (compression === 'none') {
      this.passThrough = true;
      return cb(null, head);
    }
    this.inner = createDecompressor(compression);
    // Backpressure: a decompressor may inflate a chunk a thousandfold, so it pauses while our reader is full.
    this.inner.on('data', (data: Buffer) => {
      this.inflated += data.length;
      try {
        checkInflation(this.inflated, this.compressed, 'The archive');
      } catch (error) {
        return this.destroy(error as Error);
      }
      if (!this.push(data)) this.inner!.pause();
    });
    this.inner.on('error', (error) => this.destroy(error));
    this.writeInner(head, cb);
  }

  override _read(size: number): void {
    this.inner?.resume();
    super._read(size);
  }

  private writeInner(chunk: Buffer, cb: TransformCallback): void {
    if (this.inner!.write(chunk)) cb();
    else this.inner!.once('drain', () => cb());
  }

  private finishInner(cb: TransformCallback): void {
    if (!this.inner) return cb();
    this.inner.once('end', () => cb());
    this.inner.end();
  }
}

// A compressed layer that inflates far beyond any real one is a bomb (or corrupt), and is stopped with a sentence
// rather than read for minutes. Deflate's own ceiling is about 1,032:1 (zeros); zstd's RLE blocks reach 30,000:1.
// Real layers of files compress 2-10:1 as a whole; only a layer made almost wholly of zeros comes near 1,000:1.
// So: past 1 GiB of tar, a stream that has inflated more than 1,000 times its compressed size is refused.
import { Transform, type TransformCallback } from 'node:stream';
import { LayerlensError } from '../errors';

export const INFLATION_FLOOR_BYTES = 1024 * 1024 * 1024;
export const INFLATION_MAX_RATIO = 1000;

/** Counts the compressed bytes that pass, for the ratio. */
export class CompressedCounter extends Transform {
  bytes = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    cb(null, chunk);
  }
}

/** Throws once `inflated` bytes came out of `compressed` bytes at a bomb's ratio; `what` names the stream ("Layer x"). */
export function checkInflation(inflated: number, compressed: number, what: string): void {
  if (inflated > INFLATION_FLOOR_BYTES && inflated > compressed * INFLATION_MAX_RATIO) {
    throw new LayerlensError(
      `${what} inflates more than ${INFLATION_MAX_RATIO.toLocaleString('en-US')} times its compressed size past 1 GiB, which no real image does; Layerlens stops reading it (a compression bomb or corrupt data).`,
      'corrupt',
    );
  }
}

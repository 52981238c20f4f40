// zstd decoding in bounded memory (Node 20's zlib has no zstd). fzstd decodes every complete block of what it
// is pushed at once and allocates a frame's window as the frame declares it, so a 256 KB chunk of RLE blocks
// became gigabytes of output in one call, and a declared 2^62-byte frame a huge allocation. Here the
// compressed stream is cut at its own block boundaries (RFC 8878 §3.1: frame header, 3-byte block headers,
// checksum) and fzstd is pushed one block at a time: each push yields at most one block (128 KiB), and the
// generator waits for the reader between blocks. Windows are refused above zstd's own default decoder limit.
import { Duplex } from 'node:stream';
import { Decompress } from 'fzstd';
import { LayerlensError, messageOf } from '../errors';

/** zstd's default decoder limit (ZSTD_WINDOWLOG_LIMIT_DEFAULT = 27): the zstd tool refuses larger windows too. */
export const ZSTD_MAX_WINDOW = 128 * 1024 * 1024;
const MAX_BLOCK = 128 * 1024;

/** A zstd-decompressing duplex with backpressure (pipe or write into it, read decompressed bytes). */
export function createZstdDecompressor(): Duplex {
  return Duplex.from(async function* (source: AsyncIterable<Buffer>) {
    const out: Uint8Array[] = [];
    const decoder = new Decompress((chunk) => {
      if (chunk.length) out.push(chunk);
    });
    const push = (unit: Uint8Array, final = false) => {
      try {
        decoder.push(unit, final);
      } catch (error) {
        throw new LayerlensError(`The zstd data is corrupt (${messageOf(error).replace(/\.$/, '')}).`, 'corrupt');
      }
    };
    const cutter = new ZstdUnitCutter();
    for await (const chunk of source) {
      for (const unit of cutter.units(chunk)) {
        push(unit);
        while (out.length) {
          const o = out.shift()!;
          yield Buffer.from(o.buffer, o.byteOffset, o.byteLength);
        }
      }
    }
    if (!cutter.atFrameBoundary()) throw new LayerlensError('The zstd data is truncated: it ends inside a frame.', 'corrupt');
    if (!cutter.sawFrame) throw new LayerlensError('The zstd data holds no frame.', 'corrupt');
    push(new Uint8Array(0), true);
    while (out.length) {
      const o = out.shift()!;
      yield Buffer.from(o.buffer, o.byteOffset, o.byteLength);
    }
  });
}

type State = 'frame' | 'block' | 'checksum';

/** Cuts a zstd stream into frame headers, blocks and checksums; skippable frames are dropped. */
class ZstdUnitCutter {
  private pending: Buffer = Buffer.alloc(0);
  private state: State = 'frame';
  private hasChecksum = false;
  /** Bytes of a skippable frame still to drop. */
  private skipping = 0;
  /** The unit just cut is a skippable frame's header. */
  private skippable = false;
  sawFrame = false;

  atFrameBoundary(): boolean {
    return this.state === 'frame' && this.pending.length === 0 && this.skipping === 0;
  }

  *units(chunk: Buffer): Generator<Buffer> {
    if (this.skipping > 0) {
      const n = Math.min(this.skipping, chunk.length);
      this.skipping -= n;
      chunk = chunk.subarray(n);
    }
    const data = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let at = 0;
    for (;;) {
      const size = this.unitSize(data, at);
      if (size === undefined || at + size > data.length) break;
      const unit = data.subarray(at, at + size);
      at += size;
      if (this.skippable) {
        this.skippable = false;
        // a skippable frame: its header is cut here, its content dropped (possibly beyond this chunk)
        const n = Math.min(this.skipping, data.length - at);
        this.skipping -= n;
        at += n;
        if (this.skipping > 0) break;
        continue;
      }
      yield unit;
    }
    // What is left is less than one unit (a block is at most 128 KiB), so keeping a copy is cheap.
    this.pending = Buffer.from(data.subarray(at));
  }

  /** The length of the unit at `at` (advancing the state), or undefined if more bytes are needed to tell. */
  private unitSize(data: Buffer, at: number): number | undefined {
    const left = data.length - at;
    if (this.state === 'checksum') {
      if (left < 4) return undefined;
      this.state = 'frame';
      return 4;
    }
    if (this.state === 'block') {
      if (left < 3) return undefined;
      const header = data[at] | (data[at + 1] << 8) | (data[at + 2] << 16);
      const last = header & 1;
      const type = (header >> 1) & 3;
      const blockSize = header >>> 3;
      if (type === 3) throw new LayerlensError('The zstd data is corrupt (a block of the reserved type).', 'corrupt');
      if (blockSize > MAX_BLOCK) throw new LayerlensError('The zstd data is corrupt (a block larger than 128 KiB).', 'corrupt');
      const size = 3 + (type === 1 ? 1 : blockSize);
      if (left < size) return undefined;
      if (last) this.state = this.hasChecksum ? 'checksum' : 'frame';
      return size;
    }
    if (left < 5) return undefined;
    const magic = data.readUInt32LE(at);
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      if (left < 8) return undefined;
      this.skipping = data.readUInt32LE(at + 4);
      this.skippable = true;
      return 8;
    }
    if (magic !== 0xfd2fb528) throw new LayerlensError('The zstd data is corrupt (a frame does not start with the zstd magic number).', 'corrupt');
    const descriptor = data[at + 4];
    if (descriptor & 0x08) throw new LayerlensError('The zstd data is corrupt (a frame header sets a reserved bit).', 'corrupt');
    const singleSegment = (descriptor >> 5) & 1;
    const fcsFlag = descriptor >> 6;
    const dictBytes = [0, 1, 2, 4][descriptor & 3];
    const fcsBytes = fcsFlag === 0 ? singleSegment : [0, 2, 4, 8][fcsFlag];
    const size = 5 + (singleSegment ? 0 : 1) + dictBytes + fcsBytes;
    if (left < size) return undefined;
    let window: number;
    if (singleSegment) {
      window = readLittleEndian(data, at + size - fcsBytes, fcsBytes) + (fcsBytes === 2 ? 256 : 0);
    } else {
      const wd = data[at + 5];
      const base = 2 ** (10 + (wd >> 3));
      window = base + (base / 8) * (wd & 7);
    }
    if (window > ZSTD_MAX_WINDOW) {
      throw new LayerlensError(
        `The zstd data declares a ${formatMiB(window)} window, more than the 128 MiB that zstd itself decodes by default; Layerlens refuses it to keep memory bounded.`,
        'corrupt',
      );
    }
    this.hasChecksum = ((descriptor >> 2) & 1) === 1;
    this.state = 'block';
    this.sawFrame = true;
    return size;
  }
}

function readLittleEndian(data: Buffer, at: number, bytes: number): number {
  let value = 0;
  for (let i = bytes - 1; i >= 0; i--) value = value * 256 + data[at + i];
  return value;
}

function formatMiB(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return mib >= 1024 * 1024 ? `${mib.toExponential(1)} MiB` : `${Math.round(mib)} MiB`;
}

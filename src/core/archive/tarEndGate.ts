// A tar ends at its end-of-archive marker, two zero blocks: Go's archive/tar (Docker, containerd, dive), GNU tar
// and Python's tarfile stop there. tar-stream reads on, so bytes written after the marker (an eStargz TOC entry)
// would show as files. This transform walks the tar's blocks as tar-stream does (headers, PAX and GNU long
// headers, data rounded to 512) and passes nothing after the marker; what comes before it passes unchanged.
// Put it after any hashing, so the diffID still covers every byte.
import { Transform, type TransformCallback } from 'node:stream';

const BLOCK = 512;
/** PAX data larger than this is not parsed here (tar-stream refuses long headers over 4 MiB anyway). */
const PAX_LIMIT = 4 * 1024 * 1024;

export class TarEndGate extends Transform {
  /** Bytes of the current header block (or PAX data) gathered so far. */
  private pending: Buffer[] = [];
  private pendingLength = 0;
  /** Bytes to pass unexamined: a member's data and padding. */
  private skip = 0;
  /** Bytes of PAX header data to gather (then its padding to skip). */
  private paxWanted = 0;
  private paxPadding = 0;
  /** The size a PAX `size` record gives the next header. */
  private paxSize: number | undefined;
  private globalPaxSize: number | undefined;
  private paxIsGlobal = false;
  private zeroBlocks = 0;
  private ended = false;

  /** True once the end-of-archive marker has passed. */
  get reachedEnd(): boolean {
    return this.ended;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    let offset = 0;
    while (offset < chunk.length && !this.ended) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - offset);
        this.push(chunk.subarray(offset, offset + n));
        this.skip -= n;
        offset += n;
        continue;
      }
      const want = this.paxWanted > 0 ? this.paxWanted : BLOCK;
      const n = Math.min(want - this.pendingLength, chunk.length - offset);
      this.pending.push(chunk.subarray(offset, offset + n));
      this.pendingLength += n;
      offset += n;
      if (this.pendingLength < want) break;
      const unit = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
      this.pending = [];
      this.pendingLength = 0;
      if (this.paxWanted > 0) this.takePax(unit);
      else this.takeHeader(unit);
    }
    cb();
  }

  override _flush(cb: TransformCallback): void {
    // A partial last unit is passed as it is: tar-stream then reports the truncation.
    if (!this.ended && this.pendingLength > 0) this.push(Buffer.concat(this.pending));
    cb();
  }

  private takeHeader(block: Buffer): void {
    if (isZero(block)) {
      this.zeroBlocks++;
      this.push(block);
      if (this.zeroBlocks >= 2) this.ended = true;
      return;
    }
    // A single zero block before a header is skipped by tar-stream; only two in a row end the archive.
    this.zeroBlocks = 0;
    this.push(block);
    const typeflag = block[156];
    let size = decodeSize(block);
    if (typeflag === 0x78 /* x */ || typeflag === 0x67 /* g */) {
      if (size > 0 && size <= PAX_LIMIT) {
        this.paxWanted = size;
        this.paxPadding = padding(size);
        this.paxIsGlobal = typeflag === 0x67;
      } else this.skip = size + padding(size);
      return;
    }
    if (typeflag === 0x4c /* L */ || typeflag === 0x4b /* K */) {
      this.skip = size + padding(size);
      return;
    }
    const paxSize = this.paxSize;
    this.paxSize = undefined;
    if (paxSize !== undefined) size = paxSize;
    if (isDirectory(block, typeflag)) size = 0;
    this.skip = size + padding(size);
  }

  private takePax(data: Buffer): void {
    this.push(data);
    this.paxWanted = 0;
    this.skip = this.paxPadding;
    const size = paxSizeOf(data);
    // As in tar-stream, global records apply only to the members that have a PAX header of their own.
    if (this.paxIsGlobal) this.globalPaxSize = size ?? this.globalPaxSize;
    else this.paxSize = size ?? this.globalPaxSize;
  }
}

function padding(size: number): number {
  const rest = size % BLOCK;
  return rest === 0 ? 0 : BLOCK - rest;
}

function isZero(block: Buffer): boolean {
  for (let i = 0; i < block.length; i++) if (block[i] !== 0) return false;
  return true;
}

/** The size field as tar-stream reads it: octal (spaces and NULs around it), or base-256 when the high bit is set. */
function decodeSize(block: Buffer): number {
  const field = block.subarray(124, 136);
  let value: number;
  if (field[0] & 0x80) {
    if (field[0] !== 0x80) return 0;
    value = 0;
    for (let i = 1; i < field.length; i++) value = value * 256 + field[i];
  } else {
    let start = 0;
    while (start < field.length && field[start] === 0x20) start++;
    let end = field.indexOf(0x20, start);
    if (end === -1) end = field.length;
    while (start < end && field[start] === 0) start++;
    value = end === start ? 0 : parseInt(field.toString('latin1', start, end), 8);
  }
  return Number.isSafeInteger(value) && value > 0 ? value : 0;
}

/** tar-stream's rule: typeflag 5, or a regular-file flag with a name ending in '/'. */
function isDirectory(block: Buffer, typeflag: number): boolean {
  if (typeflag === 0x35) return true;
  if (typeflag !== 0 && typeflag !== 0x30) return false;
  const nul = block.indexOf(0, 0);
  const nameEnd = nul === -1 || nul > 100 ? 100 : nul;
  return nameEnd > 0 && block[nameEnd - 1] === 0x2f;
}

/** The `size` record of PAX data ("<len> size=<n>\n" records), as tar-stream's decodePax reads it. */
function paxSizeOf(data: Buffer): number | undefined {
  let rest = data;
  let size: number | undefined;
  while (rest.length) {
    const space = rest.indexOf(0x20);
    if (space === -1) break;
    const len = parseInt(rest.toString('latin1', 0, space), 10);
    if (!len) break;
    const record = rest.toString('latin1', space + 1, len - 1);
    const eq = record.indexOf('=');
    if (eq === -1) break;
    if (record.slice(0, eq) === 'size') {
      const n = parseInt(record.slice(eq + 1), 10);
      size = Number.isSafeInteger(n) && n >= 0 ? n : undefined;
    }
    rest = rest.subarray(len);
  }
  return size;
}

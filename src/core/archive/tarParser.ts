// A tar reader for layers that calls back per member instead of making a stream per member: tar-stream's
// per-entry streams (a streamx Readable, its queue, events and ticks for each of 50,000 files) cost more main-thread
// CPU and garbage than parsing itself (scripts/bench/tarParsers.ts measures both). Headers are decoded by
// tar-stream's own decoder, and the walk follows its Extract step by step (long headers, PAX, a directory reads no
// data, the same errors), so both read every tar alike; unlike tar-stream it stops at the end-of-archive marker
// (two zero blocks), as Go's archive/tar does (see tarEndGate.ts, which the file scanner still uses).
import { Writable } from 'node:stream';
import type { Header } from 'tar-stream';
import { keepRawPaxNames } from './tarNames';

keepRawPaxNames();

// headers.js is not in tar-stream's package exports, hence the relative path (as in tarNames.ts).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const headers = require('../../../node_modules/tar-stream/headers.js') as {
  decode(block: Buffer, filenameEncoding: string, allowUnknownFormat: boolean): DecodedHeader | null;
  decodePax(data: Buffer): Record<string, string>;
  decodeLongPath(data: Buffer, encoding: string): string;
};

const BLOCK = 512;
/** tar-stream's MAX_HEADER_SIZE: PAX and GNU long-name data beyond this is refused. */
const MAX_LONG_HEADER = 4 * 1024 * 1024;

export interface TarMemberVisitor {
  /** A member's header, long names and PAX applied; returns whether it wants the member's data. */
  entry(header: Header): boolean;
  /** The next slice of the wanted member's data (a view into the chunk written: copy what you keep). */
  data(chunk: Buffer): void;
  /** The wanted member's data is complete. */
  end(): void;
}

type LongHeaderType = 'gnu-long-path' | 'gnu-long-link-path' | 'pax-global-header' | 'pax-header';
/** What tar-stream's decoder gives: its Header type leaves out the long-header types and `pax`. */
type DecodedHeader = Omit<Header, 'type'> & { type: Header['type'] | LongHeaderType | null; pax: Record<string, string> | null };

export class TarParser extends Writable {
  /** Bytes of a header block or of long-header data gathered across chunks. */
  private pending: Buffer[] = [];
  private pendingLength = 0;
  /** Bytes of the current member's data still to come (passed to the visitor when `wanted`). */
  private dataLeft = 0;
  private wanted = false;
  /** Padding (or unwanted data) still to skip. */
  private skipLeft = 0;
  /** Long-header data to gather, and its type. */
  private longLeft = 0;
  private longType: LongHeaderType | undefined;
  private longPadding = 0;
  private pax: Record<string, string> | null = null;
  private paxGlobal: Record<string, string> | null = null;
  private gnuLongPath: string | null = null;
  private gnuLongLinkPath: string | null = null;
  private zeroBlocks = 0;
  private ended = false;

  constructor(private readonly visitor: TarMemberVisitor) {
    super({ highWaterMark: 256 * 1024 });
  }

  /** True once the end-of-archive marker has passed (what follows it is ignored). */
  get reachedEnd(): boolean {
    return this.ended;
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (error?: Error | null) => void): void {
    try {
      this.take(chunk);
    } catch (error) {
      return cb(error as Error);
    }
    cb();
  }

  override _final(cb: (error?: Error | null) => void): void {
    const complete = this.ended || (this.dataLeft === 0 && this.skipLeft === 0 && this.longLeft === 0 && this.pendingLength === 0);
    cb(complete ? null : new Error('Unexpected end of data'));
  }

  private take(chunk: Buffer): void {
    let offset = 0;
    const length = chunk.length;
    while (offset < length && !this.ended) {
      if (this.dataLeft > 0) {
        const n = Math.min(this.dataLeft, length - offset);
        if (this.wanted) this.visitor.data(n === length ? chunk : chunk.subarray(offset, offset + n));
        this.dataLeft -= n;
        offset += n;
        if (this.dataLeft === 0 && this.wanted) {
          this.wanted = false;
          this.visitor.end();
        }
        continue;
      }
      if (this.skipLeft > 0) {
        const n = Math.min(this.skipLeft, length - offset);
        this.skipLeft -= n;
        offset += n;
        continue;
      }
      const want = this.longLeft > 0 ? this.longLeft : BLOCK;
      let unit: Buffer;
      if (this.pendingLength === 0 && length - offset >= want) {
        unit = chunk.subarray(offset, offset + want);
        offset += want;
      } else {
        const n = Math.min(want - this.pendingLength, length - offset);
        this.pending.push(chunk.subarray(offset, offset + n));
        this.pendingLength += n;
        offset += n;
        if (this.pendingLength < want) break;
        unit = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, want);
        this.pending = [];
        this.pendingLength = 0;
      }
      if (this.longLeft > 0) this.takeLongHeader(unit);
      else this.takeHeader(unit);
    }
  }

  /** As tar-stream's Extract._consumeHeader. */
  private takeHeader(block: Buffer): void {
    const header = headers.decode(block, 'latin1', false);
    if (!header) {
      // A zero block: tar-stream skips one; two in a row are the end-of-archive marker.
      if (++this.zeroBlocks >= 2) this.ended = true;
      return;
    }
    this.zeroBlocks = 0;
    switch (header.type) {
      case 'gnu-long-path':
      case 'gnu-long-link-path':
      case 'pax-global-header':
      case 'pax-header': {
        const size = header.size as number;
        if (size > MAX_LONG_HEADER) throw new Error('Header exceeds max size');
        this.longType = header.type;
        this.longPadding = padding(size);
        // tar-stream decodes empty long-header data (an empty name, no PAX records) without waiting for any.
        if (size > 0) this.longLeft = size;
        else this.decodeLongHeader(Buffer.alloc(0));
        return;
      }
    }
    this.applyLongHeaders(header);
    if (!((header.size as number) >= 0)) throw new Error('Invalid header');
    const size = header.size ?? 0;
    const wanted = this.visitor.entry(header as Header);
    // tar-stream reads no data for a directory, whatever size its header gives (nor for a size it cannot read).
    if (size === 0 || header.type === 'directory' || !(size > 0)) {
      if (wanted) this.visitor.end();
      return;
    }
    this.dataLeft = size;
    this.wanted = wanted;
    this.skipLeft = padding(size);
  }

  private takeLongHeader(data: Buffer): void {
    this.longLeft = 0;
    this.decodeLongHeader(data);
  }

  private decodeLongHeader(data: Buffer): void {
    switch (this.longType) {
      case 'gnu-long-path':
        this.gnuLongPath = headers.decodeLongPath(data, 'latin1');
        break;
      case 'gnu-long-link-path':
        this.gnuLongLinkPath = headers.decodeLongPath(data, 'latin1');
        break;
      case 'pax-global-header':
        this.paxGlobal = headers.decodePax(data);
        break;
      case 'pax-header':
        this.pax = this.paxGlobal === null ? headers.decodePax(data) : Object.assign({}, this.paxGlobal, headers.decodePax(data));
        break;
    }
    this.skipLeft = this.longPadding;
  }

  /** As tar-stream's Extract._applyLongHeaders. */
  private applyLongHeaders(header: DecodedHeader): void {
    if (this.gnuLongPath) {
      header.name = this.gnuLongPath;
      this.gnuLongPath = null;
    }
    if (this.gnuLongLinkPath) {
      header.linkname = this.gnuLongLinkPath;
      this.gnuLongLinkPath = null;
    }
    if (this.pax) {
      if (this.pax.path) header.name = this.pax.path;
      if (this.pax.linkpath) header.linkname = this.pax.linkpath;
      if (this.pax.size) header.size = parseInt(this.pax.size, 10);
      header.pax = this.pax;
      this.pax = null;
    }
  }
}

/** Bytes from the end of `size` bytes of data to the next 512-byte boundary. */
function padding(size: number): number {
  const rest = size % BLOCK;
  return rest === 0 ? 0 : BLOCK - rest;
}

// Indexes one layer blob while it streams: decompression by magic bytes, the diffID (sha256 of the
// uncompressed tar), every entry, a content hash per regular file, and signs of secrets in small files
// (secretMarkers.ts), and the bytes of package-database files (packages/capture.ts). Nothing is written to disk;
// a file's chunks are held only while it is at most 64 KB, or a package database within the capture bounds.
import * as cryptoModule from 'node:crypto';
import { createHash, type Hash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Transform, type TransformCallback } from 'node:stream';
import { createDecompressor, describeUnsupportedMagic, detectCompression } from '../archive/compression';
import { LayerlensError, messageOf } from '../errors';
import { parseTarHeader } from '../archive/tarEntry';
import { TarParser } from '../archive/tarParser';
import { checkInflation, CompressedCounter } from '../archive/inflationBound';
import { SECRET_SCAN_LIMIT, SecretScanner } from './secretMarkers';
import { LayerCapture } from '../packages/capture';

import type { LayerEntry, LayerIndex } from '../model/types';

/** First 128 bits of SHA-256 in base64url: enough to tell contents apart, small enough for a million entries. */
function shortContentHash(digest: Buffer): string {
  return digest.subarray(0, 16).toString('base64url');
}

/**
 * SHA-256 of one file's content. Most files arrive in one chunk: those use one-shot `crypto.hash`, because
 * tens of thousands of Hash objects keep native OpenSSL contexts alive until a GC that a small heap rarely
 * triggers, which showed up as ~100 MB of RSS on a 50,000-file image.
 */
class ContentHasher {
  private first: Buffer | undefined;
  private hash: Hash | undefined;

  update(chunk: Buffer): void {
    if (this.hash) this.hash.update(chunk);
    else if (!this.first) this.first = chunk;
    else {
      this.hash = createHash('sha256').update(this.first).update(chunk);
      this.first = undefined;
    }
  }

  digest(): string {
    if (this.hash) return shortContentHash(this.hash.digest());
    return shortContentHash(oneShotSha256(this.first ?? EMPTY));
  }
}

const EMPTY = Buffer.alloc(0);
const oneShotSha256: (data: Buffer) => Buffer =
  typeof (cryptoModule as { hash?: unknown }).hash === 'function'
    ? (data) => (cryptoModule as unknown as { hash(a: string, d: Buffer, e: 'buffer'): Buffer }).hash('sha256', data, 'buffer')
    : (data) => createHash('sha256').update(data).digest();

/** Parses a plain, gzip or zstd layer tar; `head` is the stream's first bytes (see sniff.ts), `body` the whole stream. */
export interface IndexOptions {
  /**
   * Compute the diffID (sha256 of the uncompressed tar) to check it against the config. On for files;
   * an engine's own export may skip it: the daemon verified its layers, and it is a third of the CPU.
   */
  computeDiffId?: boolean;
}

export async function indexLayerStream(head: Buffer, body: AsyncIterable<Buffer>, label: string, options: IndexOptions = {}): Promise<LayerIndex> {
  const compression = detectCompression(head);
  if (compression === 'none') {
    const other = describeUnsupportedMagic(head);
    if (other) throw new LayerlensError(`Layer ${label} is ${other}-compressed, which Layerlens cannot read (only plain tar, gzip and zstd).`, 'corrupt');
  }
  const compressed = new CompressedCounter();
  const digest = new DigestCounter(options.computeDiffId ?? true, compression === 'none' ? undefined : (inflated) => checkInflation(inflated, compressed.bytes, `Layer ${label}`));
  const index: LayerIndex = { diffId: '', entries: [], whiteouts: [], opaqueDirs: [], tarBytes: 0, warnings: [] };
  const capture = new LayerCapture();
  // The member being read: its entry, hash, secret scanner and package capture (one file at a time).
  let file: { entry: LayerEntry; hasher: ContentHasher; scanner: SecretScanner | undefined; collector: ReturnType<LayerCapture['collectorFor']> } | undefined;
  const parser = new TarParser({
    entry(header) {
      const member = parseTarHeader(header, index.warnings);
      switch (member.kind) {
        case 'entry': {
          const entry = member.entry;
          index.entries.push(entry);
          if (entry.type !== 'file') return false;
          const scanner = entry.size <= SECRET_SCAN_LIMIT ? new SecretScanner() : undefined;
          file = { entry, hasher: new ContentHasher(), scanner, collector: capture.collectorFor(entry) };
          return true;
        }
        case 'whiteout':
          index.whiteouts.push(member.path);
          return false;
        case 'opaque':
          index.opaqueDirs.push(member.dir);
          return false;
        case 'skip':
          return false;
      }
    },
    data(chunk) {
      file!.hasher.update(chunk);
      file!.scanner?.update(chunk);
      file!.collector?.add(chunk);
    },
    end() {
      const { entry, hasher, scanner, collector } = file!;
      file = undefined;
      entry.hash = hasher.digest();
      collector?.end();
      const markers = scanner?.markers();
      if (markers) entry.secretMarkers = markers;
    },
  });

  try {
    // The parser stops at the tar's end-of-archive marker; the digest before it still hashes every byte.
    if (compression === 'none') await pipeline(body, digest, parser);
    else await pipeline(body, compressed, createDecompressor(compression), digest, parser);
  } catch (error) {
    if (error instanceof LayerlensError) throw error;
    throw new LayerlensError(`Layer ${label} is not a readable tar (${describeTarError(error)}).`, 'corrupt', { cause: error });
  }
  index.diffId = digest.hex() ? 'sha256:' + digest.hex() : '';
  index.tarBytes = digest.bytes;
  if (capture.files.length) index.captured = capture.files;
  return index;
}

function describeTarError(error: unknown): string {
  const message = messageOf(error);
  if (/unexpected end|premature|truncated/i.test(message)) return 'it is truncated';
  // zlib has a dozen texts for bad deflate data ("invalid bit length repeat"…); its code is the reliable sign.
  if ((error as { code?: string })?.code === 'Z_DATA_ERROR' || /incorrect header check|invalid (block type|distance|stored)|invalid code/i.test(message)) {
    return 'its gzip data is corrupt';
  }
  // tar-stream's own text is two sentences with a guess ("Maybe … gunzipped?"); keep ours to one.
  if (/invalid tar header/i.test(message)) return 'a tar header is corrupt';
  return message.replace(/\.$/, '');
}

/** Passes bytes through while counting them, and hashing them unless told not to. */
class DigestCounter extends Transform {
  private readonly hash: Hash | undefined;
  private result: string | undefined;
  bytes = 0;
  constructor(
    computeHash: boolean,
    /** Called with the bytes so far; throws to stop a compression bomb (see inflationBound.ts). */
    private readonly check?: (bytes: number) => void,
  ) {
    super();
    this.hash = computeHash ? createHash('sha256') : undefined;
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash?.update(chunk);
    this.bytes += chunk.length;
    try {
      this.check?.(this.bytes);
    } catch (error) {
      return cb(error as Error);
    }
    cb(null, chunk);
  }
  /** The hex digest, or '' when not hashing. */
  hex(): string {
    if (this.result === undefined) this.result = this.hash ? this.hash.digest('hex') : '';
    return this.result;
  }
}

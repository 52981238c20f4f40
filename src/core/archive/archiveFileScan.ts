// Finds the bytes of one file version in an image archive (a `docker save` stream in any of its layouts, a
// saved .tar/.tar.gz, or an OCI layout directory) and stops reading as soon as it has them. Layers are
// recognised by their content (a tar, gzip or zstd blob), not by the manifest, which may come last; a file
// is recognised by its size and path, and accepted only if its bytes hash to the expected content hash, so
// any layer that holds the same bytes will do. On the way it keeps other wanted small files (older versions
// the top of the image no longer shows) for later opens.
import { promises as fs, createReadStream } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { AutoDecompressor, createDecompressor, detectCompression } from './compression';
import { contentHashOf } from '../index/contentHash';
import { CancelledError, LayerlensError, messageOf, throwIfAborted } from '../errors';
import { memberKey, type ContentLocation } from '../model/imageFiles';
import { drain, sniff } from './sniff';
import { parseTarHeader } from './tarEntry';
import { keepRawPaxNames } from './tarNames';

keepRawPaxNames();

export interface CollectorOptions {
  /** Other files worth keeping if they pass by: "size:path" (see memberKey) → content hash. */
  extras?: Map<string, string>;
  /** At most this many bytes of extras (default 16 MiB). */
  extrasBudget?: number;
}

/** Collects the wanted file (and extras) from the layer tars it is shown. */
export class LayerFileCollector {
  /** Content hash → bytes, each checked against its hash. */
  readonly found = new Map<string, Buffer>();
  private readonly wantedKey: string;
  private extrasBytes = 0;

  constructor(
    readonly wanted: Pick<ContentLocation, 'hash' | 'size' | 'path'>,
    private readonly options: CollectorOptions = {},
  ) {
    this.wantedKey = memberKey(wanted.size, wanted.path);
  }

  get done(): boolean {
    return this.found.has(this.wanted.hash);
  }

  get result(): Buffer | undefined {
    return this.found.get(this.wanted.hash);
  }

  /**
   * Reads one layer blob (plain, gzip or zstd tar); `head` is its first bytes (sniff.ts). To its end, or with
   * `stopWhenDone`, only as far as the wanted file (then the body is destroyed, e.g. a download closed).
   */
  async scanLayer(head: Buffer, body: AsyncIterable<Buffer>, stopWhenDone = false): Promise<void> {
    const stop = new AbortController();
    const compression = detectCompression(head);
    // Not zstd: destroying our zstd duplex (Duplex.from of a generator) mid-stream leaves the pipeline unsettled
    // on Node 20, so a zstd blob is read to its end.
    const stopEarly = stopWhenDone && compression !== 'zstd';
    const extract = tar.extract({ filenameEncoding: 'latin1' } as Parameters<typeof tar.extract>[0]);
    const warnings: string[] = [];
    extract.on('entry', (header, stream, next) => {
      stream.on('error', () => undefined);
      const member = parseTarHeader(header, warnings);
      const expected = member.kind === 'entry' && member.entry.type === 'file' ? this.expectedHash(member.entry.size, member.entry.path) : undefined;
      // A directory whose header gives a size: tar-stream never ends its stream (see layerIndexer.ts).
      if (header.type === 'directory') return next();
      if (!expected) {
        stream.on('end', () => next());
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk) => chunks.push(chunk as Buffer));
      stream.on('end', () => {
        const bytes = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
        if (contentHashOf(bytes) === expected) this.keep(expected, bytes);
        if (stopEarly && this.done) stop.abort();
        else next();
      });
    });
    const steps = compression === 'none' ? pipeline(body, extract, { signal: stop.signal }) : pipeline(body, createDecompressor(compression), extract, { signal: stop.signal });
    await steps.catch((error: unknown) => {
      if (!stop.signal.aborted) throw error;
    });
  }

  private expectedHash(size: number, path: string): string | undefined {
    const key = memberKey(size, path);
    if (key === this.wantedKey && !this.done) return this.wanted.hash;
    const extra = this.options.extras?.get(key);
    if (!extra || this.found.has(extra) || this.extrasBytes + size > (this.options.extrasBudget ?? 16 * 1024 * 1024)) return undefined;
    return extra;
  }

  private keep(hash: string, bytes: Buffer): void {
    if (this.found.has(hash)) return;
    if (hash !== this.wanted.hash) this.extrasBytes += bytes.length;
    this.found.set(hash, bytes);
  }
}

export interface ScanOptions {
  signal?: AbortSignal;
  /** Names the source in errors ("the export of image …", "archive ./x.tar"). */
  label?: string;
}

/**
 * Reads a `docker save`-style tar stream (optionally gzip/zstd as a whole) until the collector is done, then
 * stops: the caller's source is destroyed, which for an engine export closes the request.
 */
export async function scanImageArchive(source: AsyncIterable<Buffer>, collector: LayerFileCollector, options: ScanOptions = {}): Promise<void> {
  throwIfAborted(options.signal);
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let finishedEarly = false;
  const extract = tar.extract({ filenameEncoding: 'latin1' } as Parameters<typeof tar.extract>[0]);
  const consume = async () => {
    for await (const entry of extract) {
      entry.on('error', () => undefined);
      const body = entry as unknown as AsyncIterable<Buffer>;
      if (entry.header.type === 'file' || entry.header.type === 'contiguous-file') await scanMember(body, collector);
      else entry.resume();
      if (collector.done) {
        finishedEarly = true;
        stop.abort();
        return;
      }
    }
  };
  try {
    await Promise.all([
      pipeline(source, new AutoDecompressor(() => undefined), extract, { signal: stop.signal }).catch((error: unknown) => {
        if (!finishedEarly) throw error;
      }),
      consume(),
    ]);
  } catch (error) {
    extract.destroy();
    throw scanError(error, options);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/** Reads one layer blob (a registry's download) only as far as the collector's file, then stops it. */
export async function scanLayerBlob(source: AsyncIterable<Buffer>, collector: LayerFileCollector, options: ScanOptions = {}): Promise<void> {
  throwIfAborted(options.signal);
  const iterator = source[Symbol.asyncIterator]();
  try {
    const { head, body } = await sniff({ [Symbol.asyncIterator]: () => iterator }, 512);
    await collector.scanLayer(head, body, true);
  } catch (error) {
    throw scanError(error, options);
  } finally {
    // The file found before the blob's end: let the source go (a download is closed).
    await iterator.return?.();
  }
  throwIfAborted(options.signal);
}

/** Reads the blobs of an OCI layout directory, one file at a time, until the collector is done. */
export async function scanLayoutDirectory(dir: string, collector: LayerFileCollector, options: ScanOptions = {}): Promise<void> {
  const entries = await fs.readdir(join(dir, 'blobs'), { recursive: true, withFileTypes: true }).catch((error: unknown) => {
    throw new LayerlensError(`Could not read the blobs of ${dir}: ${messageOf(error).replace(/\.$/, '')}.`, 'not-found');
  });
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name));
  for (const file of files) {
    throwIfAborted(options.signal);
    try {
      await scanMember(createReadStream(file, { highWaterMark: 256 * 1024, signal: options.signal }), collector);
    } catch (error) {
      throw scanError(error, { ...options, label: options.label ?? `blob ${relative(dir, file).split(sep).join('/')} of ${dir}` });
    }
    if (collector.done) return;
  }
}

/** One archive member: a layer blob is scanned, anything else (JSON metadata, VERSION files) skipped. */
async function scanMember(body: AsyncIterable<Buffer>, collector: LayerFileCollector): Promise<void> {
  const { head, body: whole } = await sniff(body, 512);
  const isTar = head.length >= 262 && head.toString('latin1', 257, 262) === 'ustar';
  if (isTar || detectCompression(head) !== 'none') await collector.scanLayer(head, whole);
  else await drain(whole);
}

function scanError(error: unknown, options: ScanOptions): Error {
  if (options.signal?.aborted) return new CancelledError();
  if (error instanceof LayerlensError) return error;
  const label = options.label ?? 'the image archive';
  return new LayerlensError(`Could not read ${label}: ${messageOf(error).replace(/\.$/, '')}.`, 'corrupt', { cause: error });
}

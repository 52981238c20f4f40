// Sources of image bytes: a tar stream (the daemon's export or a saved file, optionally gzip/zstd as a whole)
// and an OCI layout directory. All feed the same ArchiveAssembler in a single pass.
import { createReadStream, promises as fs } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { PassThrough, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { ArchiveAssembler, type Platform } from './archiveAssembler';
import { AutoDecompressor, describeUnsupportedMagic } from './compression';
import { CancelledError, LayerlensError, messageOf, throwIfAborted } from '../errors';
import type { KnownLayers } from './knownLayers';
import { decodeTarName } from '../model/paths';
import { keepRawPaxNames } from './tarNames';

keepRawPaxNames();
import type { ImageData, ProgressReporter } from '../model/types';

/**
 * How far reading may run ahead of indexing. The daemon writes its export at its own pace and stalls whenever
 * our socket is full; a read-ahead buffer lets it go on while a big layer or a GC pause holds the indexer.
 * 4 MiB covers a full GC pause at the export's speed. More costs RSS twice over: chunks that wait long in it
 * outlive two scavenges, so V8 frees them only at a full GC (16 MiB gave a peak RSS 15-20 MiB higher).
 */
const READ_AHEAD_BYTES = 4 * 1024 * 1024;

export interface ReadOptions {
  signal?: AbortSignal;
  onProgress?: ProgressReporter;
  /** Size the source is expected to have, for progress (0 = unknown). */
  expectedBytes?: number;
  /** The platform to pick from a multi-platform index (default: this machine's). */
  platform?: Platform;
  /** Names the source in error messages ("image alpine:3", "archive ./x.tar"). */
  label?: string;
  /** Check every layer against its diffID (default true; see IndexOptions.computeDiffId). */
  verifyDiffIds?: boolean;
  /**
   * Layers known before the read (an engine export with a cache): members known to hold a cached layer are
   * drained unparsed, and the source is abandoned once everything else the image needs has passed.
   */
  known?: KnownLayers;
}

/** What a read did, for the cache (facts to record) and for tests and the benchmark. */
export interface ReadReport {
  /** Bytes of the source read (less than its size when abandoned). */
  bytesRead: number;
  /** The source was abandoned (destroyed) before its end, everything needed being in. */
  abandoned: boolean;
  /** Members drained unparsed because they hold a cached layer. */
  skippedMembers: number;
  /** Layer members read and indexed. */
  indexedMembers: number;
  /** Of those, the ones whose bytes were hashed (see worthHashingReadLayers). */
  hashedMembers: number;
  /** member → diffID facts established by this read (see memberFactKey). */
  learnedFacts: [string, string][];
}

/** Reads an image from a `docker save`-style tar stream, optionally compressed as a whole. */
export async function readImageTar(source: AsyncIterable<Buffer>, options: ReadOptions = {}): Promise<ImageData> {
  return (await readImageTarReporting(source, options)).data;
}

/** readImageTar, with a report of what was read and skipped. */
export async function readImageTarReporting(source: AsyncIterable<Buffer>, options: ReadOptions = {}): Promise<{ data: ImageData; report: ReadReport }> {
  const label = options.label ?? 'the archive';
  throwIfAborted(options.signal);
  const assembler = new ArchiveAssembler(options.platform, options.verifyDiffIds ?? true, options.known);
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  let abandoned = false;
  const counter = new ProgressCounter(options.expectedBytes ?? 0, options.onProgress);
  const sniffer = new AutoDecompressor((head, compression) => {
    if (head.length === 0) throw new LayerlensError(`${capitalize(label)} is empty; it is not an image archive.`, 'bad-input');
    const other = describeUnsupportedMagic(head);
    if (other) throw new LayerlensError(`${capitalize(label)} is a ${other} file, not an image archive (tar, .tar.gz or .tar.zst).`, 'bad-input');
    if (compression === 'none' && !hasTarMagic(head)) throw new LayerlensError(`${capitalize(label)} is not a tar archive (or is corrupt).`, 'bad-input');
  });
  const extract = tar.extract({ filenameEncoding: 'latin1' } as Parameters<typeof tar.extract>[0]);
  const consume = async () => {
    for await (const entry of extract) {
      const body = entry as unknown as AsyncIterable<Buffer>;
      // Errors reach us through iteration; once we stop iterating (another member failed) a late
      // 'error' event on this entry must not become an uncaught exception.
      entry.on('error', ignore);
      if (entry.header.type === 'file' || entry.header.type === 'contiguous-file') {
        await assembler.addMember(decodeTarName(entry.header.name), body);
      } else {
        if (entry.header.type === 'symlink') assembler.addLink(decodeTarName(entry.header.name), decodeTarName(entry.header.linkname ?? ''));
        entry.resume();
      }
      if (assembler.isComplete() && !options.signal?.aborted) {
        // Destroying the pipeline destroys the source: for an engine export, the request closes and the
        // daemon stops writing (on the containerd store it streams as it reads, so this saves wall time).
        abandoned = true;
        stop.abort();
        return;
      }
    }
  };
  try {
    await Promise.all([
      pipeline(source, new PassThrough({ highWaterMark: READ_AHEAD_BYTES }), counter, sniffer, extract, { signal }).catch((error: unknown) => {
        if (!abandoned) throw error;
      }),
      consume(),
    ]);
  } catch (error) {
    extract.destroy();
    throw asReadError(error, label, options.signal);
  }
  const data = abandoned ? assembler.finishEarly() : assembler.finish();
  counter.finish(abandoned);
  const stats = assembler.stats();
  return { data, report: { bytesRead: counter.bytes, abandoned, ...stats, learnedFacts: assembler.learnedFacts() } };
}

/** Reads an image from a path: a `docker save` archive (.tar, .tar.gz, .tar.zst) or an OCI layout (directory or tar). */
export async function readImageFromPath(path: string, options: ReadOptions = {}): Promise<ImageData> {
  const label = options.label ?? `archive ${path}`;
  let stat;
  try {
    stat = await fs.stat(path);
  } catch (error) {
    throw fileError(error, path);
  }
  if (stat.isDirectory()) return readOciLayoutDirectory(path, { ...options, label });
  const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
  return readImageTar(stream, { expectedBytes: stat.size, ...options, label });
}

/** Feeds the files of an OCI layout directory (index.json, blobs/…) to the assembler; symlinks are not followed. */
async function readOciLayoutDirectory(dir: string, options: ReadOptions): Promise<ImageData> {
  const assembler = new ArchiveAssembler(options.platform, options.verifyDiffIds ?? true);
  const files = await listRegularFiles(dir);
  if (!files.some((f) => f === 'index.json' || f === 'manifest.json')) {
    throw new LayerlensError(`${dir} is not an OCI image layout: it has no index.json.`, 'bad-input');
  }
  const total = await sumSizes(dir, files);
  const counter = new ProgressCounter(total, options.onProgress);
  for (const file of files) {
    throwIfAborted(options.signal);
    const stream = createReadStream(join(dir, file), { highWaterMark: 256 * 1024, signal: options.signal });
    try {
      await assembler.addMember(file, counted(stream, counter));
    } catch (error) {
      throw asReadError(error, options.label ?? dir, options.signal);
    }
  }
  counter.finish();
  return assembler.finish();
}

async function listRegularFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath ?? (e as unknown as { path: string }).path, e.name)).split(sep).join('/'))
    .filter((f) => f === 'index.json' || f === 'manifest.json' || f.startsWith('blobs/'))
    .sort();
}

async function sumSizes(dir: string, files: string[]): Promise<number> {
  let total = 0;
  for (const f of files) total += (await fs.stat(join(dir, f))).size;
  return total;
}

async function* counted(source: AsyncIterable<Buffer>, counter: ProgressCounter): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    counter.add(chunk.length);
    yield chunk;
  }
}

/** Counts raw bytes and reports progress at most every megabyte. */
class ProgressCounter extends Transform {
  private done = 0;
  private reported = 0;
  constructor(
    private readonly expected: number,
    private readonly report?: ProgressReporter,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.add(chunk.length);
    cb(null, chunk);
  }
  get bytes(): number {
    return this.done;
  }
  add(bytes: number): void {
    this.done += bytes;
    if (this.report && this.done - this.reported >= 1024 * 1024) {
      this.reported = this.done;
      this.report(this.done, this.expected);
    }
  }
  /** The last report; a source abandoned early is done too. */
  finish(abandoned = false): void {
    this.report?.(this.done, abandoned ? this.done : Math.max(this.expected, this.done));
  }
}

function asReadError(error: unknown, label: string, signal: AbortSignal | undefined): Error {
  if (signal?.aborted || (error as { name?: string })?.name === 'AbortError') return new CancelledError();
  if (error instanceof LayerlensError) return error;
  const message = messageOf(error);
  if (/unexpected end|premature|truncated/i.test(message)) {
    return new LayerlensError(`${capitalize(label)} is truncated: it ends in the middle of a file.`, 'corrupt', { cause: error });
  }
  if (/invalid tar header|unknown format/i.test(message)) {
    return new LayerlensError(`${capitalize(label)} is not a tar archive (or is corrupt).`, 'bad-input', { cause: error });
  }
  if ((error as { code?: string })?.code === 'Z_DATA_ERROR' || /incorrect (header|data) check|invalid (block type|distance|stored|code)/i.test(message)) {
    return new LayerlensError(`${capitalize(label)} has corrupt compressed data.`, 'corrupt', { cause: error });
  }
  return new LayerlensError(`Could not read ${label}: ${message.replace(/\.$/, '')}.`, 'corrupt', { cause: error });
}

function fileError(error: unknown, path: string): LayerlensError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new LayerlensError(`There is no file or directory ${path}.`, 'not-found');
  if (code === 'EACCES' || code === 'EPERM') return new LayerlensError(`Permission denied reading ${path}.`, 'permission');
  return new LayerlensError(`Could not open ${path}: ${messageOf(error)}.`, 'bad-input');
}

/** docker save and OCI tools write ustar/PAX headers ("ustar" at offset 257 of the first block). */
function hasTarMagic(head: Buffer): boolean {
  return head.length >= 512 && head.toString('latin1', 257, 262) === 'ustar';
}

function ignore(): void {
  // see the call sites
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

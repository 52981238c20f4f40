// Captures the bytes of package-database files while a layer streams through the indexer (never a second
// read): each file up to CAPTURE_FILE_LIMIT, a layer's captures up to CAPTURE_LAYER_LIMIT in all. A file over
// either bound is recorded by path and size only; the model turns that into one sentence.
import type { CapturedFile, LayerEntry } from '../model/types';
import { readerFor } from './readers';

// 64 MiB: a real rpmdb.sqlite is tens of MiB; text databases stay far below (databaseText.ts reads up to 64 MiB too).
export const CAPTURE_FILE_LIMIT = 64 * 1024 * 1024;
export const CAPTURE_LAYER_LIMIT = 128 * 1024 * 1024;

export class LayerCapture {
  readonly files: CapturedFile[] = [];
  private total = 0;

  /** A collector for this entry's bytes when a reader wants it, else undefined (the common case: one check). */
  collectorFor(entry: LayerEntry): FileCollector | undefined {
    if (!readerFor(entry.path)) return undefined;
    if (entry.size > CAPTURE_FILE_LIMIT || this.total + entry.size > CAPTURE_LAYER_LIMIT) {
      this.files.push({ path: entry.path, size: entry.size });
      return undefined;
    }
    this.total += entry.size;
    return new FileCollector(entry, this.files);
  }
}

export class FileCollector {
  private readonly chunks: Buffer[] = [];
  constructor(
    private readonly entry: LayerEntry,
    private readonly into: CapturedFile[],
  ) {}
  add(chunk: Buffer): void {
    this.chunks.push(chunk);
  }
  end(): void {
    const bytes = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    // A copy of the slice: tar-stream's chunks may share a larger buffer that must not be kept alive.
    this.into.push({ path: this.entry.path, size: this.entry.size, bytes: new Uint8Array(bytes) });
  }
}

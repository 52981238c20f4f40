// File contents kept in memory by content hash, least recently used first out, bounded in total bytes.
// A hash names the bytes, so an entry never goes stale and any layer's copy of the same file hits it.

export interface ContentCacheLimits {
  /** Total bytes kept (default 64 MiB). */
  maxBytes?: number;
  /** Larger files are served but not kept (default 4 MiB). */
  maxItemBytes?: number;
}

export class ContentCache {
  private readonly items = new Map<string, Uint8Array>();
  private bytes = 0;
  readonly maxBytes: number;
  readonly maxItemBytes: number;

  constructor(limits: ContentCacheLimits = {}) {
    this.maxBytes = limits.maxBytes ?? 64 * 1024 * 1024;
    this.maxItemBytes = Math.min(limits.maxItemBytes ?? 4 * 1024 * 1024, this.maxBytes);
  }

  get(hash: string): Uint8Array | undefined {
    const item = this.items.get(hash);
    if (!item) return undefined;
    this.items.delete(hash);
    this.items.set(hash, item);
    return item;
  }

  has(hash: string): boolean {
    return this.items.has(hash);
  }

  /** Keeps `bytes` under `hash` if they fit; returns whether they were kept. */
  set(hash: string, bytes: Uint8Array): boolean {
    if (bytes.byteLength > this.maxItemBytes) return false;
    const old = this.items.get(hash);
    if (old) {
      this.items.delete(hash);
      this.bytes -= old.byteLength;
    }
    this.items.set(hash, bytes);
    this.bytes += bytes.byteLength;
    for (const [key, value] of this.items) {
      if (this.bytes <= this.maxBytes) break;
      this.items.delete(key);
      this.bytes -= value.byteLength;
    }
    return true;
  }

  get size(): { items: number; bytes: number } {
    return { items: this.items.size, bytes: this.bytes };
  }

  clear(): void {
    this.items.clear();
    this.bytes = 0;
  }
}

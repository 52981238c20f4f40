// Manifests and indexes by digest, beside the index cache: what a digest names never changes, so an entry is
// written once and never invalidated, and a read by digest (or an index's platform entry) asks no registry. The
// bytes are stored as served and checked against their name on every read: a damaged entry is ignored, never
// trusted. Writes go through a temporary file and a rename, as the index cache's do.
import { createHash, randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import { join } from 'node:path';

/** No manifest is larger (registryClient's limit too). */
const MANIFEST_LIMIT = 4 * 1024 * 1024;
const SHA256 = /^sha256:([a-f0-9]{64})$/;

export class ManifestCache {
  private readonly directory: string;

  constructor(cacheDirectory: string) {
    this.directory = join(cacheDirectory, 'manifests');
  }

  async read(digest: string): Promise<Buffer | undefined> {
    const hex = SHA256.exec(digest)?.[1];
    if (!hex) return undefined;
    let handle: fs.FileHandle | undefined;
    try {
      handle = await fs.open(join(this.directory, `sha256-${hex}`), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
      const stat = await handle.stat();
      if (!stat.isFile() || stat.size > MANIFEST_LIMIT) return undefined;
      const bytes = Buffer.alloc(stat.size);
      const { bytesRead } = await handle.read(bytes, 0, stat.size, 0);
      const stored = bytes.subarray(0, bytesRead);
      return createHash('sha256').update(stored).digest('hex') === hex ? stored : undefined;
    } catch {
      return undefined;
    } finally {
      await handle?.close().catch(() => undefined);
    }
  }

  /** Best effort: a cache that cannot be written costs a request next time, nothing more. */
  async write(digest: string, bytes: Buffer): Promise<void> {
    const hex = SHA256.exec(digest)?.[1];
    if (!hex || bytes.length > MANIFEST_LIMIT || createHash('sha256').update(bytes).digest('hex') !== hex) return;
    const file = join(this.directory, `sha256-${hex}`);
    const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await fs.mkdir(this.directory, { recursive: true });
      await fs.writeFile(temporary, bytes, { flag: 'wx' });
      await fs.rename(temporary, file);
    } catch {
      await fs.rm(temporary, { force: true }).catch(() => undefined);
    }
  }
}

// Layer indexes on disk, keyed by diffID. A diffID is the layer's content address, so an entry never goes
// stale: it is written once and never invalidated. Anything unreadable, of another format, or not matching its
// key is ignored (and later overwritten), never trusted. Writes go through a temporary file and a rename, so a
// crash or a full disk leaves no half-written entry. Entries are read with a bound (a regular file, no symlink
// followed, at most MAX_ENTRY_BYTES), and their paths pass the same checks as a tar's.
import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { ImageAnalysis } from '../analysis/analysis';
import { memberFactKey } from '../archive/knownLayers';
import { isCleanImagePath } from '../model/paths';
import type { CapturedFile, EntryType, ImageConfig, ImageData, LayerEntry, LayerIndex } from '../model/types';
import { CAPTURE_KEY } from '../packages/readers';
import { reviveUserWastedPercent } from '../analysis/userWasted';

export { defaultCacheDirectory } from './cacheDirectory';

/** Bump when the stored shape or the meaning of a field changes. */
export const CACHE_FORMAT = 4;

/** No entry is larger: a layer of two million files packs to about 250 MB. Larger files are not read (nor written). */
export const MAX_ENTRY_BYTES = 256 * 1024 * 1024;

const TYPE_CODES: Record<EntryType, string> = { file: 'f', dir: 'd', symlink: 'l', hardlink: 'h', fifo: 'p', char: 'c', block: 'b' };
const CODE_TYPES = Object.fromEntries(Object.entries(TYPE_CODES).map(([t, c]) => [c, t])) as Record<string, EntryType>;

/** [path, type code, size, mode, uid, gid, linkTarget | 0, hash | 0, devMajor? | null, devMinor? | null, secretMarkers?] */
type PackedEntry = [string, string, number, number, number, number, string | 0, string | 0, (number | null)?, (number | null)?, number?];

export interface CachedImage {
  id: string;
  configDigest?: string;
  manifestDigest?: string;
  config: ImageConfig;
}

export class IndexCache {
  /** The first write failure that will recur (permissions, a file in the way, a full disk): reported once, then writes stop. */
  private unwritable: Error | undefined;

  constructor(readonly directory: string) {}

  async readLayer(diffId: string): Promise<LayerIndex | undefined> {
    if (!isDigest(diffId)) return undefined; // a read never throws: a key we cannot store is simply not cached
    const stored = await this.readJson(this.layerFile(diffId));
    return stored === undefined ? undefined : unpackLayer(stored, diffId);
  }

  async writeLayer(layer: LayerIndex): Promise<void> {
    const packed = {
      format: CACHE_FORMAT,
      diffId: layer.diffId,
      tarBytes: layer.tarBytes,
      warnings: layer.warnings,
      whiteouts: layer.whiteouts,
      opaqueDirs: layer.opaqueDirs,
      entries: layer.entries.map(packEntry),
      // What the package readers wanted when this layer streamed; another key means "read it again" (readers.ts).
      capture: CAPTURE_KEY,
      captured: (layer.captured ?? []).map(packCaptured),
    };
    await this.writeJson(this.layerFile(layer.diffId), packed);
  }

  async readImage(id: string): Promise<CachedImage | undefined> {
    if (!isDigest(id)) return undefined;
    const stored = (await this.readJson(this.imageFile(id))) as (CachedImage & { format?: number }) | undefined;
    if (!stored || stored.format !== CACHE_FORMAT || stored.id !== id || typeof stored.config !== 'object' || !stored.config) return undefined;
    return { id: stored.id, configDigest: stored.configDigest, manifestDigest: stored.manifestDigest, config: stored.config };
  }

  async writeImage(image: CachedImage): Promise<void> {
    await this.writeJson(this.imageFile(image.id), { format: CACHE_FORMAT, ...image });
  }

  /**
   * The analysis of an image is a pure function of its config and layers, which its ID (a config or manifest
   * digest) pins down; caching it makes a warm `analyze` read one small file instead of every layer index.
   */
  async readAnalysis(id: string): Promise<ImageAnalysis | undefined> {
    if (!isDigest(id)) return undefined;
    const stored = (await this.readJson(join(this.directory, 'analyses', safeKey(id) + '.json'))) as
      | { format?: number; id?: string; analysis?: ImageAnalysis }
      | undefined;
    const a = stored?.analysis;
    if (!stored || stored.format !== CACHE_FORMAT || stored.id !== id || !a) return undefined;
    const valid =
      Array.isArray(a.layers) && Array.isArray(a.wastedFiles) && Array.isArray(a.inefficientPaths) && Array.isArray(a.warnings) &&
      [a.totalSize, a.efficiency, a.wastedBytes, a.exactWastedBytes].every((n) => typeof n === 'number' && Number.isFinite(n)) && reviveUserWastedPercent(a);
    return valid ? a : undefined;
  }

  async writeAnalysis(id: string, analysis: ImageAnalysis): Promise<void> {
    await this.writeJson(join(this.directory, 'analyses', safeKey(id) + '.json'), { format: CACHE_FORMAT, id, analysis });
  }

  /**
   * Which layer an archive member holds, as an earlier read established (see memberFactKey in knownLayers.ts).
   * Member names that are content addresses never change meaning; a fact is still only a hint that the reader checks.
   */
  async readMemberFact(member: string): Promise<string | undefined> {
    const key = memberFactKey(member);
    if (!key) return undefined;
    const stored = (await this.readJson(join(this.directory, 'members', key + '.json'))) as { format?: number; member?: string; diffId?: string } | undefined;
    if (!stored || stored.format !== CACHE_FORMAT || stored.member !== member || !isDigest(stored.diffId ?? '')) return undefined;
    return stored.diffId;
  }

  async writeMemberFact(member: string, diffId: string): Promise<void> {
    const key = memberFactKey(member);
    if (!key || !isDigest(diffId)) return;
    await this.writeJson(join(this.directory, 'members', key + '.json'), { format: CACHE_FORMAT, member, diffId });
  }

  /**
   * Writes what one read of an image established: the layer indexes not already cached (`alreadyCached`), the
   * member → diffID facts it learned, and the image itself. Every source (engine export, registry) ends so.
   */
  async writeRead(data: ImageData, alreadyCached: ReadonlyMap<string, LayerIndex> | undefined, facts: readonly [string, string][]): Promise<void> {
    const written = new Set<string>(alreadyCached?.keys());
    for (const layer of data.layers) {
      if (written.has(layer.diffId)) continue;
      written.add(layer.diffId);
      await this.writeLayer(layer);
    }
    for (const [member, diffId] of facts) await this.writeMemberFact(member, diffId);
    await this.writeImage({ id: data.id, configDigest: data.configDigest, manifestDigest: data.manifestDigest, config: data.config });
  }

  private layerFile(diffId: string): string {
    return join(this.directory, 'layers', safeKey(diffId) + '.json');
  }

  private imageFile(id: string): string {
    return join(this.directory, 'images', safeKey(id) + '.json');
  }

  /** The entry's JSON, or undefined when it is missing, not a regular file (a symlink is not followed), too big or not JSON. */
  private async readJson(file: string): Promise<unknown> {
    let handle: fs.FileHandle | undefined;
    try {
      // O_NONBLOCK: a FIFO put in place of an entry must not block the open.
      handle = await fs.open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
      const stat = await handle.stat();
      if (!stat.isFile() || stat.size > MAX_ENTRY_BYTES) return undefined;
      const bytes = Buffer.alloc(stat.size);
      const { bytesRead } = await handle.read(bytes, 0, stat.size, 0);
      return JSON.parse(bytes.toString('utf8', 0, bytesRead));
    } catch {
      return undefined;
    } finally {
      await handle?.close().catch(() => undefined);
    }
  }

  private async writeJson(file: string, value: unknown): Promise<void> {
    if (this.unwritable) return;
    const text = JSON.stringify(value);
    if (Buffer.byteLength(text) > MAX_ENTRY_BYTES) return; // it would never be read back
    const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await fs.mkdir(join(file, '..'), { recursive: true });
      await fs.writeFile(temporary, text, { flag: 'wx' });
      await fs.rename(temporary, file);
    } catch (error) {
      await fs.rm(temporary, { force: true }).catch(() => undefined);
      const reason = lastingWriteFailure(error);
      if (!reason) throw error;
      this.unwritable = new Error(reason);
      throw this.unwritable;
    }
  }
}

/** The sentence for a write failure that every later write would meet too, else undefined. */
function lastingWriteFailure(error: unknown): string | undefined {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
    case 'EEXIST':
      return 'a file stands where a directory of the cache should be';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
    case 'EDQUOT':
      return 'the disk is full';
  }
  return undefined;
}

/** "sha256:abc…" → "sha256-abc…"; anything that is not a plain digest is refused as a key. */
function safeKey(digest: string): string {
  if (!isDigest(digest)) throw new Error(`Not a digest: ${digest}`);
  return digest.replace(':', '-');
}

function isDigest(key: string): boolean {
  return /^[a-z0-9]+:[a-f0-9]{32,128}$/.test(key);
}

function packEntry(e: LayerEntry): PackedEntry {
  const packed: PackedEntry = [e.path, TYPE_CODES[e.type], e.size, e.mode, e.uid, e.gid, e.linkTarget ?? 0, e.hash ?? 0];
  if (e.devMajor !== undefined) packed.push(e.devMajor, e.devMinor ?? 0);
  if (e.secretMarkers) {
    if (packed.length === 8) packed.push(null, null);
    packed.push(e.secretMarkers);
  }
  return packed;
}

function unpackLayer(stored: unknown, diffId: string): LayerIndex | undefined {
  if (typeof stored !== 'object' || stored === null) return undefined; // `null` is valid JSON too
  const s = stored as Record<string, unknown>;
  if (s.format !== CACHE_FORMAT || s.diffId !== diffId || typeof s.tarBytes !== 'number') return undefined;
  if (!isStringArray(s.whiteouts) || !isStringArray(s.opaqueDirs) || !isStringArray(s.warnings) || !Array.isArray(s.entries)) return undefined;
  if (!s.whiteouts.every(isImagePath) || !s.opaqueDirs.every(isImagePath)) return undefined;
  if (s.capture !== CAPTURE_KEY || !Array.isArray(s.captured)) return undefined;
  const captured: CapturedFile[] = [];
  for (const item of s.captured as unknown[]) {
    const file = unpackCaptured(item);
    if (!file) return undefined;
    captured.push(file);
  }
  const entries: LayerEntry[] = [];
  for (const item of s.entries as unknown[]) {
    const entry = unpackEntry(item);
    if (!entry) return undefined;
    entries.push(entry);
  }
  const layer: LayerIndex = { diffId, entries, whiteouts: s.whiteouts, opaqueDirs: s.opaqueDirs, tarBytes: s.tarBytes, warnings: s.warnings };
  if (captured.length) layer.captured = captured;
  return layer;
}

/** [path, size, base64 bytes | 0 when only the size was recorded] */
type PackedCapture = [string, number, string | 0];

function packCaptured(file: CapturedFile): PackedCapture {
  return [file.path, file.size, file.bytes ? Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength).toString('base64') : 0];
}

function unpackCaptured(item: unknown): CapturedFile | undefined {
  if (!Array.isArray(item) || item.length !== 3) return undefined;
  const [path, size, data] = item as PackedCapture;
  if (typeof path !== 'string' || !isImagePath(path) || typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) return undefined;
  if (data === 0) return { path, size };
  if (typeof data !== 'string') return undefined;
  const bytes = new Uint8Array(Buffer.from(data, 'base64'));
  // Bytes that do not add up to the recorded size were damaged on disk.
  return bytes.length === size ? { path, size, bytes } : undefined;
}

function unpackEntry(item: unknown): LayerEntry | undefined {
  if (!Array.isArray(item) || item.length < 8) return undefined;
  const [path, code, size, mode, uid, gid, link, hash, major, minor, secretMarkers] = item as PackedEntry;
  const type = CODE_TYPES[code];
  if (typeof path !== 'string' || !isImagePath(path) || !type) return undefined;
  if (!isFiniteNumber(size) || !isFiniteNumber(mode) || !isFiniteNumber(uid) || !isFiniteNumber(gid)) return undefined;
  const entry: LayerEntry = { path, type, size, mode, uid, gid };
  if (typeof link === 'string') {
    // A hard link names a path inside the image, as a tar's does once read; a symlink's target is free text.
    if (type === 'hardlink' && !isImagePath(link)) return undefined;
    entry.linkTarget = link;
  }
  if (typeof hash === 'string') entry.hash = hash;
  if (typeof major === 'number') {
    entry.devMajor = major;
    entry.devMinor = typeof minor === 'number' ? minor : 0;
  }
  if (typeof secretMarkers === 'number' && secretMarkers > 0) entry.secretMarkers = secretMarkers;
  return entry;
}

/** A path as a tar's comes out of normalizeMemberPath: absolute, inside the image, nothing left to resolve. */
function isImagePath(path: string): boolean {
  return isCleanImagePath(path);
}

function isFiniteNumber(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n);
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

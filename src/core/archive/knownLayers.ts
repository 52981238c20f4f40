// What an incremental read of an engine export knows before its first byte: the image's diffIDs (the engine's
// inspect), the layer indexes the cache already holds, and facts recorded on earlier reads that say which
// archive member holds which layer. A member is skipped unread only when one of these names its layer.
import type { LayerIndex } from '../model/types';

export interface KnownLayers {
  /** The image's layers, base first (`RootFS.Layers` of the engine's inspect). */
  diffIds: string[];
  /** Indexes the cache holds, by diffID (only layers of this image). */
  cached: Map<string, LayerIndex>;
  /** A recorded member → diffID fact (see memberFactKey), or undefined; never trusted beyond a skip that finish() checks. */
  lookupFact?: (member: string) => Promise<string | undefined>;
  /** The engine's ID of the image; on the containerd store it is the digest of the export's top manifest. */
  imageId?: string;
  /** The image's size as the engine gives it (inspect `Size`), to weigh the cached share of the read. */
  imageBytes?: number;
}

/**
 * Whether to hash the layers a read parses, so that each is known by its content before the manifest arrives.
 * That is what lets a read end once every missing layer has passed (ArchiveAssembler.isComplete), saving the
 * stream of the cached layers still to come; it costs about 1 CPU-ms per MB read (SHA-256 here). Worth it when
 * the cached layers are a fair share of the image (a rebuild), not when only a small base is cached (a cold
 * open of a new image on a known base), where the stream still to come after the last new layer is tiny.
 */
export function worthHashingReadLayers(known: KnownLayers): boolean {
  if (known.cached.size === 0) return false;
  if (!known.imageBytes || known.imageBytes <= 0) return true;
  let cachedBytes = 0;
  for (const layer of known.cached.values()) cachedBytes += layer.tarBytes;
  // The stream runs at tens of MB/s, hashing at ~1 GB/s: the skip pays when the cached bytes are over an eighth
  // of what is to be read.
  return cachedBytes * 8 >= Math.max(0, known.imageBytes - cachedBytes);
}

const SHA256_HEX = /^[a-f0-9]{64}$/;

/**
 * The diffID a member's name proves. Engine 25+ (classic store) saves uncompressed layers as OCI blobs, whose
 * digest is then the diffID; Podman names its layer files `<diffID hex>.tar` (containers/image docker-archive).
 */
export function diffIdNamedBy(member: string): string | undefined {
  const match = /^blobs\/sha256\/([a-f0-9]{64})$/.exec(member) ?? /^([a-f0-9]{64})\.tar$/.exec(member);
  return match ? 'sha256:' + match[1] : undefined;
}

/**
 * The cache key of a fact about a member whose name is a content address but not its diffID: a compressed
 * OCI blob (containerd store: `blobs/sha256/<blob digest>`) or a legacy `<v1 ID>/layer.tar` (a v1 ID is
 * derived from the layer chain). Other names (archives made by hand) say nothing lasting.
 */
export function memberFactKey(member: string): string | undefined {
  const blob = /^blobs\/sha256\/([a-f0-9]{64})$/.exec(member);
  if (blob) return `blob-${blob[1]}`;
  const legacy = /^([a-f0-9]{64})\/layer\.tar$/.exec(member);
  if (legacy) return `legacy-${legacy[1]}`;
  return undefined;
}

export function isSha256Digest(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('sha256:') && SHA256_HEX.test(value.slice(7));
}

/**
 * A member skipped on the word of a recorded fact turned out to be another layer (or not a layer): the read
 * must be done again without facts. Internal; readers retry and never show it to a user.
 */
export class FactMismatchError extends Error {
  constructor(readonly member: string) {
    super(`A recorded fact about archive member ${member} proved wrong.`);
    this.name = 'FactMismatchError';
  }
}

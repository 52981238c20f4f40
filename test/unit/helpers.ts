// Small builders shared by the unit tests (not a test file itself: the runner only picks *.test.ts).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { indexLayerStream } from '../../src/core/index/layerIndexer';
import { LayerlensError } from '../../src/core/errors';
import { sniff } from '../../src/core/archive/sniff';
import type { ImageConfig, ImageData, LayerEntry, LayerIndex } from '../../src/core/model/types';

/** Streams a buffer in chunks of `chunk` bytes (small chunks exercise boundaries between reads). */
export function chunked(data: Buffer, chunk = 64 * 1024): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunk) parts.push(data.subarray(i, i + chunk));
  return Readable.from(parts);
}

/** Indexes a layer blob (plain, gzip or zstd) the way the archive reader does: sniff the head, then stream it all. */
export async function indexBlob(blob: Buffer, label = 'test-layer', chunk?: number): Promise<LayerIndex> {
  const { head, body } = await sniff(chunked(blob, chunk), 512);
  return indexLayerStream(head, body, label);
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The content hash the types document: SHA-256, first 128 bits, base64url. */
export function contentHash(data: Buffer | string): string {
  return createHash('sha256').update(data).digest().subarray(0, 16).toString('base64url');
}

export function file(path: string, size: number, hash: string, extra: Partial<LayerEntry> = {}): LayerEntry {
  return { path, type: 'file', size, mode: 0o644, uid: 0, gid: 0, hash, ...extra };
}

export function dir(path: string, extra: Partial<LayerEntry> = {}): LayerEntry {
  return { path, type: 'dir', size: 0, mode: 0o755, uid: 0, gid: 0, ...extra };
}

export function layer(entries: LayerEntry[], changes: { whiteouts?: string[]; opaqueDirs?: string[]; diffId?: string } = {}): LayerIndex {
  return {
    diffId: changes.diffId ?? 'sha256:' + sha256Hex(JSON.stringify([entries, changes])),
    entries,
    whiteouts: changes.whiteouts ?? [],
    opaqueDirs: changes.opaqueDirs ?? [],
    tarBytes: 0,
    warnings: [],
  };
}

export function image(layers: LayerIndex[], config: ImageConfig = {}): ImageData {
  return { id: 'sha256:' + '0'.repeat(64), repoTags: [], config: { rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) }, ...config }, layers };
}

/** One sentence meant for a user: a capital (or a path) first, a full stop last, and no second sentence inside. */
export function assertOneSentence(message: string): void {
  assert.match(message, /^[A-Z/"]/, `not a sentence: ${message}`); // a path may open it
  assert.match(message, /\.$/, `does not end with a full stop: ${message}`);
  assert.doesNotMatch(message, /[.?!]\s+[A-Z]/, `more than one sentence: ${message}`);
}

/** Awaits a rejection and checks it is a LayerlensError of `kind` whose message matches `pattern`. */
export async function rejectsWith(promise: Promise<unknown>, kind: LayerlensError['kind'], pattern: RegExp): Promise<LayerlensError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof LayerlensError, `expected a LayerlensError, got ${caught === undefined ? 'no error' : String(caught)}`);
  assert.equal(caught.kind, kind, `kind of: ${caught.message}`);
  assert.match(caught.message, pattern);
  assertOneSentence(caught.message);
  return caught;
}

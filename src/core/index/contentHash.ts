// The content hash of a file as the layer indexer records it (LayerEntry.hash): SHA-256, first 128 bits,
// base64url. Served bytes are checked against it, so what an editor shows is provably that entry's content.
import { createHash } from 'node:crypto';

export function contentHashOf(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest().subarray(0, 16).toString('base64url');
}

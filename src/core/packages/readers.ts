// Every package-database reader Layerlens knows, in one list: the indexer captures what any of them wants,
// and the model asks each of them what a merged view's captured files record.
import type { PackageDatabaseReader } from './types';
import { dpkgReader } from './dpkg';

export const PACKAGE_READERS: readonly PackageDatabaseReader[] = [dpkgReader];

/**
 * Names what a cached layer's captures were made for. A layer cached under another key was captured for other
 * readers (or none), so it is read again rather than trusted as "no packages". Bump the revision when a
 * reader's `wants` changes.
 */
export const CAPTURE_KEY = 'capture-1:' + PACKAGE_READERS.map((r) => r.manager).join(',');

/** The reader a captured path belongs to (the first that wants it). */
export function readerFor(path: string): PackageDatabaseReader | undefined {
  for (const reader of PACKAGE_READERS) if (reader.wants(path)) return reader;
  return undefined;
}

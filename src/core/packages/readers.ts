// Every package-database reader Layerlens knows, in one list: the indexer captures what any of them wants,
// and the model asks each of them what a merged view's captured files record.
import type { LayerIndex } from '../model/types';
import { apkReader } from './apk';
import { dpkgReader } from './dpkg';
import { npmReader } from './npm';
import { pythonReader } from './python';
import { prepareRpmReader, rpmReader } from './rpm';
import type { PackageDatabaseReader } from './types';

export const PACKAGE_READERS: readonly PackageDatabaseReader[] = [dpkgReader, apkReader, rpmReader, pythonReader, npmReader];

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

/** Loads what a reader needs before its synchronous read (sql.js for rpm), only when the layers hold its files. */
export async function prepareReaders(layers: readonly LayerIndex[]): Promise<void> {
  if (layers.some((l) => l.captured?.some((f) => rpmReader.wants(f.path)))) await prepareRpmReader();
}

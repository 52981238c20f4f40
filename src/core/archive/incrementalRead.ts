// Reads an image whose layers are partly known (cached) from a source that can be opened again: members known
// to hold a cached layer are skipped unread, and the source is abandoned once the rest has passed. If a
// recorded fact proved wrong, the read is done again without facts: correct, and rare.
import { readImageTarReporting, type ReadOptions, type ReadReport } from './archiveReader';
import { FactMismatchError, type KnownLayers } from './knownLayers';
import type { ImageData } from '../model/types';

export interface IncrementalReadReport extends ReadReport {
  /** A recorded fact proved wrong, so the source was read a second time without facts. */
  retriedWithoutFacts: boolean;
}

export async function readImageIncrementally(
  open: () => Promise<AsyncIterable<Buffer>>,
  known: KnownLayers,
  options: Omit<ReadOptions, 'known'> = {},
): Promise<{ data: ImageData; report: IncrementalReadReport }> {
  try {
    const { data, report } = await readImageTarReporting(await open(), { ...options, known });
    return { data, report: { ...report, retriedWithoutFacts: false } };
  } catch (error) {
    if (!(error instanceof FactMismatchError)) throw error;
  }
  const { data, report } = await readImageTarReporting(await open(), { ...options, known: { ...known, lookupFact: undefined } });
  return { data, report: { ...report, retriedWithoutFacts: true } };
}

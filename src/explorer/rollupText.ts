// What a range changed below a directory, in words, for its tree row and its details: added and rewritten
// bytes apart from deleted ones, which a layer hides but does not remove (they still ship in the layer below).
import { formatBytes } from '../core/format';

export interface BelowCounts {
  changedCount: number;
  changedBytes: number;
  deletedCount: number;
  deletedBytes: number;
}

/** "+3 changed · 1.2 kB · −2,580 deleted (42.4 MB hidden, still shipped)", or "" when nothing changed below. */
export function describeBelow(c: BelowCounts): string {
  const parts: string[] = [];
  if (c.changedCount) parts.push(`+${c.changedCount.toLocaleString('en')} changed · ${formatBytes(c.changedBytes)}`);
  if (c.deletedCount) {
    const hidden = c.deletedBytes ? ` (${formatBytes(c.deletedBytes)} hidden, still shipped)` : '';
    parts.push(`−${c.deletedCount.toLocaleString('en')} deleted${hidden}`);
  }
  return parts.join(' · ');
}

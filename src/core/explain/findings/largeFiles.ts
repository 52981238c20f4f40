// Very big files: often data or build output that did not need to be in the image, and always the first
// thing to check when a layer is large.
import { formatBytes } from '../../format';
import type { Finding } from '../explanation';
import type { LayerDelta } from '../layerDelta';
import { findingFrom } from './finding';
import { byCount } from '../wording';

export const DEFAULT_LARGE_FILE_BYTES = 50_000_000;

export function largeFileFindings(delta: LayerDelta, threshold: number): Finding[] {
  const large = delta.files.filter((e) => e.type === 'file' && e.size >= threshold);
  return findingFrom(
    {
      id: 'large-file',
      severity: 'info',
      title: (n) => `This layer adds ${byCount(n, 'a file', 'files')} of ${formatBytes(threshold)} or more.`,
      fix: (n) =>
        n === 1
          ? 'Check that it is needed at run time, and if it rarely changes put it in an early layer of its own so that rebuilds and pulls reuse it.'
          : 'Check that each one is needed at run time, and put big files that rarely change in an early layer of their own so that rebuilds and pulls reuse it.',
    },
    large.map((e) => ({ path: e.path, bytes: e.size })),
  );
}

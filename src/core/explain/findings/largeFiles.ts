// Very big files: often data or build output that did not need to be in the image, and always the first
// thing to check when a layer is large.
import { formatBytes } from '../../format';
import type { Finding } from '../explanation';
import type { LayerDelta } from '../layerDelta';
import { findingFrom } from './finding';

export const DEFAULT_LARGE_FILE_BYTES = 50_000_000;

export function largeFileFindings(delta: LayerDelta, threshold: number): Finding[] {
  const large = delta.files.filter((e) => e.type === 'file' && e.size >= threshold);
  return findingFrom(
    {
      id: 'large-file',
      severity: 'info',
      title: `This layer adds files of ${formatBytes(threshold)} or more.`,
      fix: 'Check that each one is needed at run time, and put big files that rarely change in an early layer of their own so that rebuilds and pulls reuse it.',
    },
    large.map((e) => ({ path: e.path, bytes: e.size })),
  );
}

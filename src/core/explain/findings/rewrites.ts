// Bytes shipped twice: files a later layer deletes or overwrites (their bytes stay in this layer), and files
// this layer copies up only to change owner or mode (the storage driver copies the whole file).
import type { ImageAnalysis } from '../../analysis';
import type { Finding } from '../explanation';
import type { LayerDelta } from '../layerDelta';
import { findingFrom } from './finding';

export function rewriteFindings(delta: LayerDelta, analysis: ImageAnalysis): Finding[] {
  const undone = analysis.wastedFiles.filter((w) => w.layer === delta.layer);
  const metadataOnly = delta.modified.filter((m) => m.kind === 'metadata' && m.after.entry.type === 'file');
  return [
    ...findingFrom(
      {
        id: 'undone-later',
        severity: 'warning',
        title: 'Later layers delete or overwrite files that this layer adds, so their bytes ship for nothing.',
        fix: 'Make the later change in this same step (for example, delete the files in the RUN that creates them), so that their bytes never enter a layer.',
      },
      undone.map((w) => ({ path: w.path, bytes: w.size, layer: w.by })),
    ),
    ...findingFrom(
      {
        id: 'metadata-rewrite',
        severity: 'warning',
        title: 'This layer copies files from lower layers only to change their owner or mode, which ships their bytes a second time.',
        fix: 'Set owner and mode where the files are added (`COPY --chown=… --chmod=…`, or `chown`/`chmod` in the RUN that writes them), so that no second copy is needed.',
      },
      metadataOnly.map((m) => ({ path: m.after.entry.path, bytes: m.after.entry.size, layer: m.before.layer })),
    ),
  ];
}

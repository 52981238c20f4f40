// Bytes shipped twice: files a later layer deletes or overwrites (their bytes stay in this layer), and files
// this layer copies up only to change owner or mode (the storage driver copies the whole file). A secret that
// a later layer deletes is not waste but exposure: secrets.ts reports it, so it is left out here.
import type { ImageAnalysis } from '../../analysis/analysis';
import type { Finding, StepKind } from '../explanation';
import type { LayerDelta, Modification } from '../layerDelta';
import { byCount } from '../wording';
import { findingFrom } from './finding';

export interface RewriteContext {
  /** How the step that made a layer added its files: decides the fix for files copied up from it. */
  kindOf?: (layer: number) => StepKind;
  /** Paths of this layer reported as secrets. */
  secrets?: ReadonlySet<string>;
}

export function rewriteFindings(delta: LayerDelta, analysis: ImageAnalysis, context: RewriteContext = {}): Finding[] {
  const undone = analysis.wastedFiles.filter((w) => w.layer === delta.layer && !context.secrets?.has(w.path));
  const metadataOnly = delta.modified.filter((m) => m.kind === 'metadata' && m.after.entry.type === 'file');
  const kindOf = context.kindOf ?? (() => 'other');
  const bySource = (source: FixSource) => metadataOnly.filter((m) => fixSourceOf(kindOf(m.before.layer)) === source);
  return [
    ...findingFrom(
      {
        id: 'undone-later',
        severity: 'warning',
        title: (n) =>
          n === 1
            ? 'A later layer deletes or overwrites a file that this layer adds, so its bytes ship for nothing.'
            : 'Later layers delete or overwrite files that this layer adds, so their bytes ship for nothing.',
        fix: 'Make the later change in this same step (for example, delete the files in the RUN that creates them), so that their bytes never enter a layer.',
      },
      undone.map((w) => ({ path: w.path, bytes: w.size, layer: w.by })),
    ),
    ...(['copy', 'run', 'base'] as const).flatMap((source) =>
      findingFrom({ id: 'metadata-rewrite', severity: 'warning', title: rewriteTitle, fix: REWRITE_FIXES[source] }, bySource(source).map(evidenceOf)),
    ),
  ];
}

/** Where the files were added: a COPY/ADD (which can set owner and mode), a RUN, or a layer with no such step (a base image's import). */
type FixSource = 'copy' | 'run' | 'base';

function fixSourceOf(kind: StepKind): FixSource {
  return kind === 'context-copy' || kind === 'copy-from' ? 'copy' : kind === 'run' ? 'run' : 'base';
}

function rewriteTitle(n: number): string {
  return n === 1
    ? 'This layer copies a file from a lower layer only to change its owner or mode, which ships its bytes a second time.'
    : 'This layer copies files from lower layers only to change their owner or mode, which ships their bytes a second time.';
}

const REWRITE_FIXES: Record<FixSource, (n: number) => string> = {
  copy: (n) => `Set owner and mode in the COPY that adds ${byCount(n, 'it', 'them')} (\`COPY --chown=… --chmod=…\`), so that no second copy is needed.`,
  run: (n) => `Set owner and mode in the RUN that writes ${byCount(n, 'it', 'them')} (\`chown\`/\`chmod\` there), so that no second copy is needed.`,
  base: (n) =>
    `${byCount(n, 'It comes', 'They come')} from a layer no step of this build added, so only leaving ${byCount(n, 'it', 'them')} as ${byCount(n, 'it is', 'they are')} avoids the copy: run as a user that can already use ${byCount(n, 'it', 'them')}, or pick a base image that ships ${byCount(n, 'it', 'them')} with the owner and mode you need.`,
};

function evidenceOf(m: Modification) {
  return { path: m.after.entry.path, bytes: m.after.entry.size, layer: m.before.layer };
}

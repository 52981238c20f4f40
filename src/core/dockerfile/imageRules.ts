// Rules that need the image the Dockerfile was built into: each finding is about a layer the image really
// has, put on the Dockerfile line that the match (match.ts) says produced it. Lines marked "changed" get none:
// their numbers would belong to another text.
import type { ImageAnalysis } from '../analysis';
import { formatBytes, printablePath } from '../format';
import type { DockerfileMatch } from './match';
import type { ParsedDockerfile } from './parse';
import { sortFindings } from './rules/index';
import type { Finding, Severity } from './rules/types';
import type { TextRange } from './textEdits';

/** A finding about one layer, from any analysis of it. */
export interface LayerFinding {
  ruleId: string;
  severity: Severity;
  /** One sentence about the step ("This RUN leaves 41 MB of apt lists."). */
  message: string;
}

/**
 * The hook for other layer analyses: given a layer index, its findings. "Explain This Layer"
 * (src/core/explain) plugs in here for "this step leaves N MB of apt lists" and "a private key added here
 * stays in the image", so those are computed once, there.
 */
export type LayerFindingSource = (layerIndex: number) => LayerFinding[];

export interface ImageRule {
  id: string;
  severity: Severity;
  title: string;
  explanation: string;
}

export const deletesShippedBytes: ImageRule = {
  id: 'LL2001',
  severity: 'warning',
  title: 'Deletes bytes that earlier layers still ship',
  explanation:
    'Files deleted by a later step are only hidden: the layers that added them still carry every byte, and so does the image. ' +
    'Delete them in the step that creates them, or do not create (or copy) them at all.',
};

export const IMAGE_RULES: readonly ImageRule[] = [deletesShippedBytes];

export interface ImageFindingOptions {
  /** More findings per layer (e.g. from "Explain This Layer"). */
  sources?: LayerFindingSource[];
}

/** Image-backed findings on the matched lines of `dockerfile`, sorted by position. */
export function imageFindings(dockerfile: ParsedDockerfile, match: DockerfileMatch, analysis: ImageAnalysis, options: ImageFindingOptions = {}): Finding[] {
  const deleted = deletedBytesByLayer(analysis);
  const findings: Finding[] = [];
  for (const line of match.instructions) {
    if (line.status !== 'matched' || line.layerIndex === undefined) continue;
    const range = firstLineRange(dockerfile, line.instruction.range);
    const gone = deleted.get(line.layerIndex);
    if (gone) {
      const example = shortened(printablePath(gone.biggest));
      const files = gone.files === 1 ? `${example}` : `${gone.files} files, the biggest ${example}`;
      findings.push({
        ruleId: deletesShippedBytes.id,
        severity: deletesShippedBytes.severity,
        message: `This ${line.instruction.keyword} deletes ${formatBytes(gone.bytes)} that earlier layers still ship (${files}).`,
        range,
      });
    }
    for (const source of options.sources ?? []) {
      for (const f of source(line.layerIndex)) findings.push({ ruleId: f.ruleId, severity: f.severity, message: f.message, range });
    }
  }
  return sortFindings(findings);
}

interface Deletion {
  bytes: number;
  files: number;
  biggest: string;
}

/**
 * Bytes of lower layers each layer deletes (its whiteouts, a deleted directory counting everything below it):
 * the analysis' wasted files with reason "deleted", by the deleting layer.
 */
export function deletedBytesByLayer(analysis: ImageAnalysis): Map<number, Deletion> {
  const byLayer = new Map<number, Deletion>();
  // wastedFiles come biggest first, so the first one seen per layer is its biggest.
  for (const w of analysis.wastedFiles) {
    if (w.reason !== 'deleted') continue;
    const d = byLayer.get(w.by);
    if (d) {
      d.bytes += w.size;
      d.files++;
    } else byLayer.set(w.by, { bytes: w.size, files: 1, biggest: w.path });
  }
  return byLayer;
}

/** The instruction's first line, from the keyword to the line's end (where an editor underlines it). */
function firstLineRange(dockerfile: ParsedDockerfile, range: TextRange): TextRange {
  const end = range.startLine === range.endLine ? range.endCharacter : dockerfile.lines[range.startLine].length;
  return { startLine: range.startLine, startCharacter: range.startCharacter, endLine: range.startLine, endCharacter: end };
}

/** A long path as its start and its end, so a finding stays one readable line. */
function shortened(path: string, limit = 80): string {
  return path.length <= limit ? path : `${path.slice(0, 30)}…${path.slice(path.length - (limit - 31))}`;
}

// "Analyze Image" as Markdown for the extension's preview: one waste figure, Layerlens' exact one (bytes shipped
// that the final filesystem does not use), with dive's measures apart and labelled as dive's. Everything from the
// image (names, instructions, paths) is shown literally (escapeMarkdown); `|` is escaped with the rest.
import type { ImageAnalysis, WasteReason } from './analysis';
import { escapeMarkdown } from '../explain/markdown';
import { formatBytes, formatPercent } from '../format';
import type { ImageOverview } from '../model/imageModel';
import { describeUserWasted } from './userWasted';

const REASONS: Record<WasteReason, string> = { overwritten: 'overwritten', deleted: 'deleted', 'metadata-only': 'copied again by a metadata-only change' };

/** What dive's two numbers measure, in one paragraph (wagoodman/dive filetree/efficiency.go). */
export const DIVE_MEASURES_EXPLAINED =
  "dive counts, for every path found in two or more layers, the bytes of every version, the one the image keeps included; its efficiency is the sum of each path's smallest version over the sum of all versions. A file written once and changed once is counted twice, so dive's wasted bytes can exceed the bytes really shipped for nothing.";

export function analysisToMarkdown(name: string, overview: ImageOverview, analysis: ImageAnalysis, top = 25): string {
  const out: string[] = [];
  const text = (s: string) => escapeMarkdown(oneLine(s));
  out.push(`# Analysis of ${text(name)}`);
  out.push(
    `Image ID ${text(overview.data.id)} · ${formatBytes(analysis.totalSize)} in ${overview.layerCount} layer${overview.layerCount === 1 ? '' : 's'}, ${overview.steps.length} step${overview.steps.length === 1 ? '' : 's'}`,
  );
  const files = analysis.wastedFiles.length;
  out.push(
    `**Wasted: ${formatBytes(analysis.exactWastedBytes)}** (${analysis.exactWastedBytes.toLocaleString('en-US')} bytes in ${files} file version${files === 1 ? '' : 's'}) — bytes shipped in a layer that the final filesystem does not use: overwritten or deleted by a later layer, or copied again by a metadata-only change.`,
  );

  out.push('## Layers');
  const rows = [['Layer', 'Size', 'Added', 'Modified', 'Deleted', 'Wasted', 'Instruction'], ['---:', '---:', '---:', '---:', '---:', '---:', ':---']];
  for (const step of overview.steps) {
    const l = step.layerIndex === undefined ? undefined : analysis.layers[step.layerIndex];
    rows.push(
      l
        ? [String(l.index), formatBytes(l.size), String(l.added), String(l.modified), String(l.deleted), formatBytes(l.wastedBytes), text(step.instruction)]
        : ['–', '', '', '', '', '', `${text(step.instruction)} *(metadata only)*`],
    );
  }
  out.push(table(rows));

  out.push("## dive's measures");
  out.push(
    table([
      ['Measure', 'Value'],
      [':---', '---:'],
      ["dive's efficiency", formatPercent(analysis.efficiency)],
      ["dive's wasted bytes", formatBytes(analysis.wastedBytes)],
      ["dive's user wasted", describeUserWasted(analysis.userWastedPercent)],
    ]),
  );
  out.push(DIVE_MEASURES_EXPLAINED);

  if (files === 0) out.push('No wasted files: every byte shipped is in the final filesystem.');
  else {
    out.push(`## Wasted files (${files} in all${files > top ? `, the ${top} biggest` : ''})`);
    const wasted = [['Size', 'Path', 'In layer', 'Why', 'By layer'], ['---:', ':---', '---:', ':---', '---:']];
    for (const w of analysis.wastedFiles.slice(0, top)) wasted.push([formatBytes(w.size), escapeMarkdown(w.path), String(w.layer), REASONS[w.reason], String(w.by)]);
    out.push(table(wasted));
  }
  if (analysis.warnings.length) {
    out.push('## Warnings');
    out.push(analysis.warnings.slice(0, 20).map((w) => `- ${text(w)}`).join('\n'));
  }
  return out.join('\n\n') + '\n';
}

function table(rows: string[][]): string {
  return rows.map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ');
}

// The one-line summary a CodeLens shows above an instruction of a linked Dockerfile, from plain data:
// "12.3 MB · +1,204 files · 4.1 MB wasted" (the exact bytes that later steps make useless). Undefined where
// there is nothing worth a line.
import { formatBytes, formatPercent } from '../core/format';
import type { InstructionInsight } from './instructionInsight';

export function codeLensText(insight: InstructionInsight): string | undefined {
  switch (insight.kind) {
    case 'layer': {
      const facts = insight.layer;
      const parts = [insight.copiedFrom ? `${formatBytes(facts.size)} copied from ${insight.copiedFrom}` : formatBytes(facts.size)];
      if (facts.added) parts.push(`+${count(facts.added)} ${facts.added === 1 ? 'file' : 'files'}`);
      if (facts.modified) parts.push(`${count(facts.modified)} modified`);
      if (facts.deleted) parts.push(`${count(facts.deleted)} deleted`);
      if (!facts.added && !facts.modified && !facts.deleted) parts.push('no file changed');
      // Layerlens' exact waste of this layer (LayerStats.wastedBytes), never dive's per-path formula.
      if (facts.wastedLaterBytes) parts.push(`${formatBytes(facts.wastedLaterBytes)} wasted`);
      return parts.join(' · ');
    }
    case 'metadata':
      return 'metadata only · no layer';
    case 'from':
      if (insight.base.kind === 'scratch') return 'scratch · empty base';
      return `base ${formatBytes(insight.base.size)} · ${count(insight.base.layers)} ${insight.base.layers === 1 ? 'layer' : 'layers'} · ${formatPercent(insight.base.shareOfImage)} of the image`;
    case 'changed':
      return 'changed since the image was built';
    case 'unrecorded':
      return undefined;
  }
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

// "Explain This Layer"'s findings as image-backed Dockerfile diagnostics (imageRules.ts' LayerFindingSource hook):
// "The apt package lists or archives are left in this layer (400 kB)." on the line that made the layer.
// Warnings and security findings only; `undone-later` is left out because LL2001 already says it on the line
// that does the deleting, where it can be fixed.
import type { LayerFinding, LayerFindingSource } from '../core/dockerfile/imageRules';
import type { Finding as ExplainFinding } from '../core/explain/explanation';
import { formatBytes } from '../core/format';

const LEFT_OUT = new Set<ExplainFinding['id']>(['undone-later']);

export function explainedLayerFindings(findingsOf: (layer: number) => readonly ExplainFinding[]): LayerFindingSource {
  return (layer) => findingsOf(layer).flatMap((f): LayerFinding[] => (f.severity === 'info' || LEFT_OUT.has(f.id) ? [] : [toLayerFinding(f)]));
}

function toLayerFinding(finding: ExplainFinding): LayerFinding {
  // Titles are our own sentences, with Markdown code spans at most: plain text for a diagnostic.
  const title = finding.title.replace(/`([^`]*)`/g, '$1').replace(/\.$/, '');
  const paths = finding.total.paths === 1 ? '' : ` across ${finding.total.paths.toLocaleString('en-US')} paths`;
  return { ruleId: finding.id, severity: 'warning', message: `${title} (${formatBytes(finding.total.bytes)}${paths}).` };
}

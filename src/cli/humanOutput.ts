// Text renderings of the CLI's reports for a terminal.
import type { ImageAnalysis } from '../core/analysis/analysis';
import { formatBytes, formatMode, formatPercent, printablePath } from '../core/format';
import type { ImageOverview, MergedEntry, PathChange } from '../core/model/imageModel';
import { imageDisplayName, shortImageId } from '../core/catalog/imageName';
import type { CiRuleResult } from '../core/reports/imageReports';
import { buildSecretFindings } from '../core/secrets/buildSecretFindings';
import { describeUserWasted, formatUserWastedRatio } from '../core/analysis/userWasted';

const REASONS = { overwritten: 'overwritten', deleted: 'deleted', 'metadata-only': 'metadata-only copy' } as const;

/**
 * `name`: the image as the user named it (imageDisplayName; by default its first tag). Each row starts with the
 * numbers that `explain --step N` and `explain --layer N` take, so nobody counts rows by hand.
 */
export function renderLayers(model: ImageOverview, analysis: ImageAnalysis, showEmptySteps = true, name = imageDisplayName(model.data.id, model.data.repoTags)): string {
  const lines: string[] = [];
  const id = shortImageId(model.data.id);
  lines.push(`Image   ${name}  ${name === id ? '(untagged)' : id}`);
  lines.push(`Size    ${formatBytes(analysis.totalSize)} in ${model.layerCount} layers, ${model.steps.length} steps`);
  lines.push('');
  lines.push(row(['Step', 'Layer', 'Size', 'Added', 'Modified', 'Deleted', 'Wasted', 'Instruction']));
  for (const step of model.steps) {
    if (step.layerIndex === undefined) {
      if (showEmptySteps) lines.push(row([String(step.index), '-', '', '', '', '', '', oneLine(step.instruction)]));
      continue;
    }
    const l = analysis.layers[step.layerIndex];
    lines.push(
      row([String(step.index), String(l.index), formatBytes(l.size), String(l.added), String(l.modified), String(l.deleted), formatBytes(l.wastedBytes), oneLine(step.instruction)]),
    );
  }
  return lines.join('\n');
}

export function renderAnalysis(
  model: ImageOverview,
  analysis: ImageAnalysis,
  ci: CiRuleResult[] | undefined,
  top: number,
  name = imageDisplayName(model.data.id, model.data.repoTags),
): string {
  const lines = [renderLayers(model, analysis, true, name), ''];
  const packageLines = renderLayerPackages(analysis);
  if (packageLines.length) lines.push('Packages', ...packageLines, '');
  lines.push(`Efficiency          ${formatPercent(analysis.efficiency)}`);
  lines.push(`Wasted bytes        ${formatBytes(analysis.wastedBytes)}  (dive's measure)`);
  lines.push(`User wasted         ${describeUserWasted(analysis.userWastedPercent)}`);
  lines.push('');
  lines.push(...secretLines(model));
  if (analysis.wastedFiles.length === 0) lines.push('No wasted files: every byte shipped is in the final filesystem.');
  else {
    lines.push(`Top wasted files (${analysis.wastedFiles.length} in all)`);
    for (const w of analysis.wastedFiles.slice(0, top)) {
      lines.push(`  ${formatBytes(w.size).padStart(9)}  ${printablePath(w.path)}  in layer ${w.layer}, ${REASONS[w.reason]} by layer ${w.by}`);
    }
  }
  for (const warning of analysis.warnings.slice(0, 20)) lines.push(`warning: ${printablePath(warning)}`);
  if (ci) {
    lines.push('');
    for (const r of ci) lines.push(`${r.pass ? 'PASS' : 'FAIL'}  ${r.rule}: ${formatRule(r)}`);
    lines.push(ci.every((r) => r.pass) ? 'CI: all rules pass.' : 'CI: some rules fail.');
  }
  return lines.join('\n');
}

/** The secrets of the build metadata, by setting and step (their values are never kept), then a blank line. */
function secretLines(model: ImageOverview): string[] {
  const findings = buildSecretFindings(model.buildSecrets);
  if (!findings.length) return [];
  const lines: string[] = [];
  for (const f of findings) {
    lines.push(`SECURITY ${f.ruleId}  ${plainText(f.title)}`);
    for (const e of f.evidence) lines.push(`  ${printablePath(e.path)}${e.step === undefined || / of step /.test(e.path) ? '' : `  (step ${e.step})`}`);
    if (f.total.paths > f.evidence.length) lines.push(`  … and ${f.total.paths - f.evidence.length} more`);
    lines.push(`  Fix: ${plainText(f.fix)}`);
  }
  lines.push('');
  return lines;
}

/** Our sentences hold Markdown code spans; a terminal shows them without the backticks. */
function plainText(text: string): string {
  return text.replace(/`([^`]*)`/g, '$1');
}

/** One line per layer whose package databases changed: "+87 dpkg packages, 143 MB" (layerlens packages lists them). */
export function renderLayerPackages(analysis: ImageAnalysis): string[] {
  const lines: string[] = [];
  (analysis.packages ?? []).forEach((counts, layer) => {
    const parts = counts.byManager.map((m) => {
      const words: string[] = [];
      if (m.upgraded) words.push(`${m.upgraded} upgraded`);
      if (m.downgraded) words.push(`${m.downgraded} downgraded`);
      if (m.removed) words.push(`${m.removed} removed`);
      if (m.installed) return [`+${m.installed} ${m.manager} ${m.installed === 1 ? 'package' : 'packages'}, ${formatBytes(m.installedBytes)}`, ...words].join(', ');
      const bytes = m.upgraded + m.downgraded ? ` (${formatBytes(m.installedBytes)})` : '';
      return `${m.manager}: ${words.join(', ')}${bytes}`;
    });
    if (parts.length) lines.push(`  Layer ${String(layer).padEnd(3)} ${parts.join('; ')}`);
  });
  return lines;
}

export function renderTree(entries: MergedEntry[], layer: number): string {
  const lines = [`Filesystem at layer ${layer}: ${entries.length} paths`];
  for (const e of entries) {
    const link = e.linkTarget !== undefined ? ` -> ${printablePath(e.linkTarget)}` : '';
    const origin = e.modifiedIn.length ? `#${e.addedIn}→#${e.modifiedIn.join(',#')}` : `#${e.addedIn}`;
    lines.push(`${formatMode(e.mode, e.type)} ${`${e.uid}:${e.gid}`.padEnd(11)} ${formatBytes(e.size).padStart(9)} ${origin.padEnd(8)} ${printablePath(e.path)}${link}`);
  }
  return lines.join('\n');
}

export function renderDiff(changes: PathChange[], from: number, to: number): string {
  const lines = [`Changes from layer ${from} to layer ${to}: ${changes.length} (A added, M modified, D deleted)`];
  const marks = { added: 'A', modified: 'M', deleted: 'D' } as const;
  const diffRow = (change: string, size: string, layer: string, path: string) => `${change.padEnd(6)}  ${size.padStart(9)}  ${layer.padEnd(5)}  ${path}`;
  if (changes.length) lines.push(diffRow('Change', 'Size', 'Layer', 'Path'));
  for (const c of changes) {
    const detail = c.kind === 'metadata' ? ' (metadata only)' : c.kind === 'type' ? ` (was ${c.previousType})` : '';
    lines.push(diffRow(marks[c.change], formatBytes(c.size), `#${c.layer}`, printablePath(c.path) + detail));
  }
  return lines.join('\n');
}

function formatRule(r: CiRuleResult): string {
  if (r.rule === 'highestWastedBytes') return `${formatBytes(r.actual)} (limit ${formatBytes(r.limit)})`;
  return `${formatUserWastedRatio(r.actual)} (limit ${formatPercent(r.limit)})`;
}

/** Step and Layer to the left, the numbers to the right, the instruction last (unpadded). */
const WIDTHS = [4, 5, 9, 7, 8, 7, 9];
function row(cells: string[]): string {
  return cells.map((c, i) => (i < WIDTHS.length ? (i < 2 ? c.padEnd(WIDTHS[i]) : c.padStart(WIDTHS[i])) : c)).join('  ');
}

function oneLine(text: string): string {
  const flat = printablePath(text.replace(/\s*\n\s*/g, ' '));
  return flat.length > 100 ? flat.slice(0, 99) + '…' : flat;
}

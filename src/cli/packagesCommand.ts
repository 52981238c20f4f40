// `layerlens packages <ref> [--layer N] [--json]`: the packages in the merged view at layer N (default: the
// top), who installed each version and what it costs, the bytes no package owns, and every layer's package
// changes up to N. JSON: the PackagesReport contract (src/core/packages/packagesReport.ts, README).
import { LayerlensError } from '../core/errors';
import { formatBytes, printablePath } from '../core/format';
import { loadImagePackages } from '../core/packages/imagePackages';
import { packagesReport, type PackagesReport } from '../core/packages/packagesReport';
import { loadImage, type LoadOptions } from '../docker/imageLoader';

export interface PackagesFlags {
  layer?: string;
  json?: boolean;
}

/** The command's whole output; `onLoaded` runs once the image is read (the CLI clears its progress line there). */
export async function packagesCommand(ref: string, flags: PackagesFlags, options: LoadOptions, onLoaded?: () => void): Promise<string> {
  const { model } = await loadImage(ref, options).finally(onLoaded);
  const layer = flags.layer === undefined ? model.topLayer : layerNumber(flags.layer, model.topLayer);
  const report = packagesReport(await loadImagePackages(model.data), layer);
  return flags.json ? JSON.stringify(report, null, 2) : renderPackages(report);
}

function layerNumber(text: string, top: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > top) throw new LayerlensError(`--layer must be a layer number from 0 to ${top}.`, 'bad-input');
  return n;
}

export function renderPackages(report: PackagesReport): string {
  const lines: string[] = [];
  const managers = new Map<string, number>();
  for (const p of report.packages) managers.set(p.manager, (managers.get(p.manager) ?? 0) + 1);
  const perManager = [...managers].map(([m, n]) => `${n} ${m}`).join(', ');
  lines.push(`Packages at layer ${report.layer}: ${report.packages.length}${perManager ? ` (${perManager})` : ''}`);
  if (report.packages.length) {
    lines.push(row(['Layer', 'Size', 'Files', 'Deleted', 'Manager', 'Package']));
    for (const p of report.packages) {
      const arch = p.architecture ? `:${p.architecture}` : '';
      lines.push(row([`#${p.layer}`, formatBytes(p.size), String(p.files), p.deletedLaterBytes ? formatBytes(p.deletedLaterBytes) : '', p.manager, `${printablePath(p.name)}${printablePath(arch)} ${printablePath(p.version)}`]));
    }
  }
  const changes = report.changes.filter((c) => c.change !== 'installed' || c.layer > 0);
  if (changes.length) {
    lines.push('', 'Changes (installs in layer 0 not listed)');
    for (const c of changes) {
      const versions = c.change === 'installed' ? c.to : c.change === 'removed' ? c.from : `${c.from} → ${c.to}`;
      lines.push(`  #${c.layer}  ${c.change.padEnd(10)}  ${c.manager} ${printablePath(c.name)} ${printablePath(versions ?? '')}`);
    }
  }
  if (report.unowned.length) {
    lines.push('', 'Bytes no package owns');
    for (const u of report.unowned) {
      const where = u.topDirectories.map((d) => `${printablePath(d.path)} ${formatBytes(d.bytes)}`).join(', ');
      lines.push(`  #${u.layer}  ${formatBytes(u.bytes).padStart(9)}  ${where}`);
    }
  }
  for (const problem of report.problems) lines.push(`warning: ${printablePath(problem)}`);
  return lines.join('\n');
}

const WIDTHS = [5, 9, 5, 9, 7];
function row(cells: string[]): string {
  return cells.map((c, i) => (i < WIDTHS.length ? (i === 0 || i === 4 ? c.padEnd(WIDTHS[i]) : c.padStart(WIDTHS[i])) : c)).join('  ');
}

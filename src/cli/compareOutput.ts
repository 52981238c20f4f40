// `layerlens compare` for a terminal: the summary (shared layers, size A → B, the steps that differ), the changed
// paths grouped by directory, biggest first, each with the step of each image that made its version, then
// the directories that moved most, the config fields that differ, the packages that differ and, with --ci, the gate.
import { packageDifferenceCounts, type ImageComparison, type PackageDifference, type PackageSide, type PathDifference, type StepAlignment, type StepSide } from '../core/compare';
import { formatBytes, formatPercent, printablePath } from '../core/format';
import { shortImageId } from '../core/catalog/imageName';
import { parentOf, baseName } from '../core/model/paths';

const MARKS = { added: 'A', removed: 'D', modified: 'M' } as const;

/** `names`: each image as the user named it (imageDisplayName). */
export function renderComparison(r: ImageComparison, names: { a: string; b: string }): string {
  const lines: string[] = [];
  lines.push(`A  ${names.a}  ${describeImage(r.a, names.a)}`);
  lines.push(`B  ${names.b}  ${describeImage(r.b, names.b)}`);
  lines.push(`Shared layers  ${r.sharedLayers} (of ${r.a.layerCount} in A and ${r.b.layerCount} in B)`);
  lines.push(`Size           ${formatBytes(r.a.size)} → ${formatBytes(r.b.size)}  (${signedBytes(r.sizeDelta)}${r.a.size > 0 ? `, ${signedPercent(r.sizeDelta / r.a.size)}` : ''})`);
  lines.push('');
  lines.push(...renderSteps(r.steps));
  lines.push('');
  lines.push(...renderChanges(r.changes));
  if (r.directories.length) {
    lines.push('', 'Directories that grew or shrank most (bytes of files below them)');
    for (const d of r.directories) lines.push(`  ${signedBytes(d.delta).padStart(10)}  ${printablePath(d.path)}  (${formatBytes(d.bytesA)} → ${formatBytes(d.bytesB)})`);
  }
  if (r.config.length) {
    lines.push('', 'Config fields that differ');
    for (const c of r.config) lines.push(`  ${c.field}: ${configValue(c.a)} → ${configValue(c.b)}`);
  }
  if (r.packages) lines.push('', ...renderPackages(r.packages));
  if (r.ci) {
    const g = r.ci;
    const limit = g.limit.bytes !== null ? formatBytes(g.limit.bytes) : formatPercent(g.limit.ratio!);
    const ratio = g.growthRatio === null ? '' : ` (${signedPercent(g.growthRatio)})`;
    lines.push('');
    lines.push(`${g.pass ? 'PASS' : 'FAIL'}  maxGrowth: B - A = ${signedBytes(g.growth)}${ratio} (limit +${limit})`);
    if (!g.pass && g.biggestGrowths.length) {
      lines.push('Biggest growths:');
      for (const d of g.biggestGrowths) lines.push(`  ${signedBytes(d.delta).padStart(10)}  ${printablePath(d.path)}`);
    }
    lines.push(g.pass ? 'CI: the growth is within the limit.' : 'CI: B grew beyond the limit.');
  }
  return lines.join('\n');
}

function describeImage(image: ImageComparison['a'], name: string): string {
  const id = shortImageId(image.id);
  return `(${name === id ? 'untagged' : id}, ${formatBytes(image.size)} in ${image.layerCount} layers)`;
}

function renderSteps(steps: StepAlignment[]): string[] {
  const differing = steps.filter((s) => s.status !== 'same');
  if (differing.length === 0) return ['Steps: all the same.'];
  const lines = [`Steps that differ: ${differing.length} of ${steps.length} aligned (${steps.length - differing.length} the same)`];
  const label = { changed: 'changed', onlyA: 'only in A', onlyB: 'only in B', same: 'same' } as const;
  for (const s of differing) {
    const where = `${stepNumber(s.a).padStart(7)} → ${stepNumber(s.b).padEnd(7)}`;
    const sizes = `${stepSize(s.a).padStart(9)} → ${stepSize(s.b).padEnd(9)}`;
    const text = s.a && s.b && s.a.instruction !== s.b.instruction ? `${oneLine(s.a.instruction)}  →  ${oneLine(s.b.instruction)}` : oneLine((s.b ?? s.a)!.instruction);
    lines.push(`  ${label[s.status].padEnd(9)}  ${where}  ${sizes}  ${text}`);
  }
  return lines;
}

function renderChanges(changes: PathDifference[]): string[] {
  if (changes.length === 0) return ['No path differs.'];
  const count = (c: PathDifference['change']) => changes.filter((x) => x.change === c).length;
  const lines = [
    `${changes.length} changed path${changes.length === 1 ? '' : 's'} (${count('added')} added, ${count('removed')} deleted, ${count('modified')} modified), by directory, biggest first (A added, D deleted, M modified; step in A → step in B)`,
  ];
  const groups = new Map<string, { changes: PathDifference[]; weight: number; delta: number }>();
  for (const c of changes) {
    const dir = parentOf(c.path);
    const group = groups.get(dir) ?? { changes: [], weight: 0, delta: 0 };
    group.changes.push(c);
    group.weight += Math.abs(delta(c));
    group.delta += delta(c);
    groups.set(dir, group);
  }
  const ordered = [...groups].sort(([pa, ga], [pb, gb]) => gb.weight - ga.weight || (pa < pb ? -1 : pa > pb ? 1 : 0));
  for (const [dir, group] of ordered) {
    lines.push(`${printablePath(dir)}  ${signedBytes(group.delta)}`);
    group.changes.sort((x, y) => Math.abs(delta(y)) - Math.abs(delta(x)) || (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
    for (const c of group.changes) {
      const steps = `${sideStep(c.a).padStart(7)} → ${sideStep(c.b).padEnd(7)}`;
      lines.push(`  ${MARKS[c.change]}  ${sizeText(c).padStart(21)}  ${steps}  ${printablePath(baseName(c.path))}${detail(c)}`);
    }
  }
  return lines;
}

const PACKAGE_MARKS = { added: '+', removed: '−', upgraded: '↑', downgraded: '↓' } as const;

/** "Packages: +3 −1 ↑2" (with the count per manager when several changed), then one line per package. */
function renderPackages(packages: PackageDifference[]): string[] {
  if (packages.length === 0) return ['Packages: none differ.'];
  const counts = packageDifferenceCounts(packages);
  const total = { added: 0, removed: 0, upgraded: 0, downgraded: 0 };
  for (const c of counts) for (const kind of Object.keys(total) as (keyof typeof total)[]) total[kind] += c[kind];
  const summary = (c: typeof total) => (Object.keys(PACKAGE_MARKS) as (keyof typeof total)[]).filter((k) => c[k] > 0).map((k) => `${PACKAGE_MARKS[k]}${c[k]}`).join(' ');
  const perManager = counts.length > 1 ? counts.map((c) => `${c.manager} ${summary(c)}`).join(', ') : counts[0].manager;
  const lines = [`Packages: ${summary(total)} (${perManager})  (+ added, − removed, ↑ upgraded, ↓ downgraded; layer in A → layer in B)`];
  for (const p of packages) {
    const versions = p.a && p.b ? `${p.a.version} → ${p.b.version}` : (p.b ?? p.a)!.version;
    const where = `${packageLayer(p.a)} → ${packageLayer(p.b)}`;
    const bytes = p.a && p.b ? `${formatBytes(p.a.size)} → ${formatBytes(p.b.size)}` : formatBytes((p.b ?? p.a)!.size);
    lines.push(`  ${PACKAGE_MARKS[p.change]}  ${p.manager.padEnd(6)}  ${printablePath(p.name)} ${printablePath(versions)}  (${where}, ${bytes})`);
  }
  return lines;
}

function packageLayer(side: PackageSide | null): string {
  return side ? `layer ${side.layer}` : '-';
}

function delta(c: PathDifference): number {
  return (c.b?.size ?? 0) - (c.a?.size ?? 0);
}

function sizeText(c: PathDifference): string {
  if (!c.a) return formatBytes(c.b!.size);
  if (!c.b) return formatBytes(c.a.size);
  return c.a.size === c.b.size ? formatBytes(c.b.size) : `${formatBytes(c.a.size)} → ${formatBytes(c.b.size)}`;
}

function detail(c: PathDifference): string {
  const side = (c.b ?? c.a)!;
  const link = side.type === 'symlink' || side.type === 'hardlink' ? ` -> ${printablePath(side.linkTarget ?? '')}` : '';
  if (c.kind === 'type') return ` (${c.a!.type} → ${c.b!.type})${link}`;
  if (c.kind === 'metadata') {
    const a = c.a!;
    const b = c.b!;
    const parts: string[] = [];
    if (a.mode !== b.mode) parts.push(`mode ${a.mode.toString(8)} → ${b.mode.toString(8)}`);
    if (a.uid !== b.uid || a.gid !== b.gid) parts.push(`owner ${a.uid}:${a.gid} → ${b.uid}:${b.gid}`);
    return ` (metadata: ${parts.join(', ')})`;
  }
  if (c.kind === 'content' && c.a!.type === 'symlink') return ` (-> ${printablePath(c.a!.linkTarget ?? '')} → ${printablePath(c.b!.linkTarget ?? '')})`;
  return (side.type === 'dir' ? '/' : '') + link;
}

function sideStep(side: PathDifference['a']): string {
  return side ? (side.step === null ? `layer ${side.layer}` : `step ${side.step}`) : '-';
}

function stepNumber(side: StepSide | null): string {
  return side ? `step ${side.index}` : '-';
}

function stepSize(side: StepSide | null): string {
  return side ? (side.size === null ? 'no layer' : formatBytes(side.size)) : '-';
}

function signedBytes(bytes: number): string {
  return bytes > 0 ? `+${formatBytes(bytes)}` : bytes < 0 ? `-${formatBytes(-bytes)}` : '±0 B';
}

function signedPercent(ratio: number): string {
  return `${ratio >= 0 ? '+' : ''}${formatPercent(ratio)}`;
}

function configValue(value: unknown): string {
  return value === null ? '(none)' : printablePath(JSON.stringify(value));
}

function oneLine(text: string): string {
  const flat = printablePath(text.replace(/\s*\n\s*/g, ' '));
  return flat.length > 60 ? flat.slice(0, 59) + '…' : flat;
}

// The package difference of two images (issues 13 and 14): the packages of A's top against those of B's top,
// per manager, as added, removed, upgraded or downgraded, with each side's version, its bytes and the layer that
// installed it. A package is the same one on both sides when the model would call it the same across layers
// (imagePackages.ts packageKey: manager, name, architecture and, for Python and npm, the directory holding it).
import type { ImageData } from '../model/types';
import { loadImagePackages, packageKey, type ImagePackages, type PackageVersion } from '../packages/imagePackages';
import type { PackageManager } from '../packages/types';
import { compareVersions } from '../packages/versionOrder';
import type { PackageDifference, PackageDifferenceCounts, PackageDifferenceKind, PackageSide } from './comparison';

/**
 * Both images' packages, as compareImages takes them. An image whose layers captured no package database has
 * none, and costs nothing (the full model would still measure its unowned bytes, which compare does not show).
 */
export async function packagesToCompare(a: Pick<ImageData, 'layers'>, b: Pick<ImageData, 'layers'>): Promise<{ a: Pick<ImagePackages, 'present'>; b: Pick<ImagePackages, 'present'> }> {
  const load = (data: Pick<ImageData, 'layers'>) => (data.layers.some((l) => l.captured?.length) ? loadImagePackages(data) : Promise.resolve({ present: [] }));
  return { a: await load(a), b: await load(b) };
}

/** Every package that differs between the tops of A and B, sorted by manager, name, architecture and location. */
export function packageDifferences(a: Pick<ImagePackages, 'present'>, b: Pick<ImagePackages, 'present'>): PackageDifference[] {
  const before = byKey(topOf(a));
  const after = byKey(topOf(b));
  const differences: PackageDifference[] = [];
  for (const [key, vb] of after) {
    const va = before.get(key);
    if (!va) differences.push(difference('added', null, vb));
    // Versions that order as equal but are spelled apart still differ; the model calls those upgrades too.
    else if (va.version !== vb.version) differences.push(difference(compareVersions(vb.version, va.version) >= 0 ? 'upgraded' : 'downgraded', va, vb));
  }
  for (const [key, va] of before) if (!after.has(key)) differences.push(difference('removed', va, null));
  return differences.sort(byManagerAndName);
}

/** The counts per manager (managers in alphabetical order), for the text summary and the compare panel. */
export function packageDifferenceCounts(differences: readonly PackageDifference[]): PackageDifferenceCounts[] {
  const counts = new Map<PackageManager, PackageDifferenceCounts>();
  for (const d of differences) {
    let c = counts.get(d.manager);
    if (!c) counts.set(d.manager, (c = { manager: d.manager, added: 0, removed: 0, upgraded: 0, downgraded: 0 }));
    c[d.change]++;
  }
  return [...counts.values()].sort((x, y) => cmp(x.manager, y.manager));
}

function topOf(packages: Pick<ImagePackages, 'present'>): PackageVersion[] {
  return packages.present[packages.present.length - 1] ?? [];
}

function byKey(versions: PackageVersion[]): Map<string, PackageVersion> {
  const map = new Map<string, PackageVersion>();
  for (const v of versions) if (!map.has(packageKey(v))) map.set(packageKey(v), v);
  return map;
}

function difference(change: PackageDifferenceKind, a: PackageVersion | null, b: PackageVersion | null): PackageDifference {
  const side = (b ?? a)!;
  return { manager: side.manager, name: side.name, architecture: side.architecture ?? null, location: side.location, change, a: a && sideOf(a), b: b && sideOf(b) };
}

function sideOf(v: PackageVersion): PackageSide {
  return { version: v.version, layer: v.layer, size: v.size };
}

function byManagerAndName(x: PackageDifference, y: PackageDifference): number {
  return cmp(x.manager, y.manager) || cmp(x.name, y.name) || cmp(x.architecture ?? '', y.architecture ?? '') || cmp(x.location, y.location);
}

function cmp(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

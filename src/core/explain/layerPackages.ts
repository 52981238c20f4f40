// The package part of "Explain This Layer": a query over the package model (core/packages/imagePackages.ts) for
// one layer — what it installed, upgraded, downgraded and removed, per manager, and the bytes no package owns.
import type { ImagePackages, PackageVersion } from '../packages/imagePackages';
import type { PackageManager } from '../packages/types';
import type { LayerPackages, ManagerChanges, PackageRef } from './explanation';

/** The layer's package facts; null when the image holds no package database at or below this layer. */
export function layerPackages(packages: ImagePackages, layer: number): LayerPackages | null {
  const changes = packages.changes.filter((c) => c.layer === layer);
  const present = packages.present[layer]?.length ?? 0;
  const problems = problemsOf(packages, layer);
  if (present === 0 && changes.length === 0 && problems.length === 0) return null;
  const byManager = new Map<PackageManager, ManagerChanges>();
  for (const change of changes) {
    let m = byManager.get(change.manager);
    if (!m) byManager.set(change.manager, (m = { manager: change.manager, installed: [], installedBytes: 0, upgraded: [], downgraded: [], removed: [] }));
    const v = change.version;
    if (change.change === 'installed') {
      m.installed.push({ ...packageRef(v), bytes: v.size, files: v.files.length });
      m.installedBytes += v.size;
    } else if (change.change === 'removed') {
      m.removed.push(packageRef(v));
    } else {
      m[change.change].push({ name: v.name, architecture: v.architecture ?? null, from: change.from!, to: change.to!, bytes: v.size });
    }
  }
  for (const m of byManager.values()) {
    m.installed.sort((a, b) => b.bytes - a.bytes || byName(a, b));
    m.upgraded.sort(byName);
    m.downgraded.sort(byName);
    m.removed.sort(byName);
  }
  const unowned = packages.unowned[layer];
  return {
    present,
    managers: [...byManager.values()].sort((a, b) => (a.manager < b.manager ? -1 : 1)),
    unowned: { bytes: unowned?.bytes ?? 0, topDirectories: unowned?.topDirectories.map((d) => ({ ...d })) ?? [] },
    problems,
  };
}

export function packageRef(v: PackageVersion): PackageRef {
  return { manager: v.manager, name: v.name, version: v.version, architecture: v.architecture ?? null };
}

/** The model's problems read "Layer N: …": this layer's, without the prefix (the explanation is of that layer). */
function problemsOf(packages: ImagePackages, layer: number): string[] {
  const prefix = `Layer ${layer}: `;
  return packages.problems.filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length));
}

function byName(a: { name: string; architecture: string | null }, b: { name: string; architecture: string | null }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : (a.architecture ?? '') < (b.architecture ?? '') ? -1 : (a.architecture ?? '') > (b.architecture ?? '') ? 1 : 0;
}

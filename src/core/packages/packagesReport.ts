// The JSON of `layerlens packages` (a stable contract, documented in the README: fields may be added, never
// renamed), and the per-layer counts `layers --json` and `analyze` show. Built from the model only.
import type { ImagePackages, PackageChangeKind, PackageVersion } from './imagePackages';
import type { PackageManager } from './types';

export interface PackagesReport {
  layer: number;
  packages: {
    manager: PackageManager;
    name: string;
    version: string;
    architecture: string | null;
    /** The layer that installed this version. */
    layer: number;
    /** Bytes of its files in that layer. */
    size: number;
    /** How many of its files (not directories) that layer holds. */
    files: number;
    deletedLaterBytes: number;
    location: string;
  }[];
  /** Layers 0..layer with bytes no package owns. */
  unowned: { layer: number; bytes: number; topDirectories: { path: string; bytes: number }[] }[];
  /** Layers 0..layer: every package installed, upgraded, downgraded or removed. */
  changes: { layer: number; manager: PackageManager; name: string; architecture: string | null; change: PackageChangeKind; from: string | null; to: string | null }[];
  /** One sentence each: databases that could not be read (in part), up to this layer. */
  problems: string[];
}

export function packagesReport(packages: ImagePackages, layer: number): PackagesReport {
  return {
    layer,
    packages: (packages.present[layer] ?? []).map(packageReport),
    unowned: packages.unowned.filter((u) => u.layer <= layer && u.bytes > 0).map((u) => ({ layer: u.layer, bytes: u.bytes, topDirectories: u.topDirectories })),
    changes: packages.changes
      .filter((c) => c.layer <= layer)
      .map((c) => ({ layer: c.layer, manager: c.manager, name: c.name, architecture: c.architecture ?? null, change: c.change, from: c.from, to: c.to })),
    problems: packages.problems.filter((p) => layerOfProblem(p) <= layer),
  };
}

function packageReport(v: PackageVersion): PackagesReport['packages'][number] {
  return {
    manager: v.manager,
    name: v.name,
    version: v.version,
    architecture: v.architecture ?? null,
    layer: v.layer,
    size: v.size,
    files: v.files.length,
    deletedLaterBytes: v.deletedLaterBytes,
    location: v.location,
  };
}

/** Problems read "Layer N: …". */
function layerOfProblem(problem: string): number {
  const match = /^Layer (\d+): /.exec(problem);
  return match ? Number(match[1]) : 0;
}

/** One layer's package changes, per manager, for `layers --json` and the analyze line. */
export interface LayerPackageCounts {
  /** Packages in the merged view's databases at this layer. */
  present: number;
  installed: number;
  upgraded: number;
  downgraded: number;
  removed: number;
  /** Bytes of the packages this layer installed (or upgraded, downgraded), in this layer. */
  installedBytes: number;
  /** The same, per manager that changed here. */
  byManager: { manager: PackageManager; installed: number; upgraded: number; downgraded: number; removed: number; installedBytes: number }[];
}

export function layerPackageCounts(packages: ImagePackages): LayerPackageCounts[] {
  return packages.present.map((present, layer) => {
    const counts: LayerPackageCounts = { present: present.length, installed: 0, upgraded: 0, downgraded: 0, removed: 0, installedBytes: 0, byManager: [] };
    const byManager = new Map<PackageManager, LayerPackageCounts['byManager'][number]>();
    for (const change of packages.changes) {
      if (change.layer !== layer) continue;
      let m = byManager.get(change.manager);
      if (!m) byManager.set(change.manager, (m = { manager: change.manager, installed: 0, upgraded: 0, downgraded: 0, removed: 0, installedBytes: 0 }));
      m[change.change]++;
      counts[change.change]++;
      if (change.change !== 'removed') {
        m.installedBytes += change.version.size;
        counts.installedBytes += change.version.size;
      }
    }
    counts.byManager = [...byManager.values()].sort((a, b) => (a.manager < b.manager ? -1 : 1));
    return counts;
  });
}

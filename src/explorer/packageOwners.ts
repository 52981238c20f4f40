// Which package owns a path at a layer, for the explorer's file details and its Packages tab. Built once per
// image from the packages model (src/core/packages/imagePackages.ts), when the packages are first read.
// Pure (no `vscode`). Every package version gets a number, which the webview uses to ask for its files.
import type { ImagePackages, PackageVersion } from '../core/packages/imagePackages';

export class PackageOwners {
  /** Every version any layer held, by id (its index). */
  readonly versions: PackageVersion[] = [];
  private readonly ids = new Map<PackageVersion, number>();
  /** Path → the versions whose database lists it (symlinked directories resolved). */
  private readonly byPath = new Map<string, PackageVersion[]>();
  private readonly fileSets = new Map<number, ReadonlySet<string>>();

  constructor(readonly packages: ImagePackages) {
    for (const present of packages.present) {
      for (const version of present) {
        if (this.ids.has(version)) continue;
        this.ids.set(version, this.versions.length);
        this.versions.push(version);
        for (const path of version.ownedPaths) {
          const owners = this.byPath.get(path);
          if (!owners) this.byPath.set(path, [version]);
          else if (!owners.includes(version)) owners.push(version);
        }
      }
    }
  }

  idOf(version: PackageVersion): number {
    return this.ids.get(version)!;
  }

  /** The files the version holds in the layer that installed it (the ones its Packages row counts). */
  filesOf(id: number): ReadonlySet<string> | undefined {
    const version = this.versions[id];
    if (!version) return undefined;
    let files = this.fileSets.get(id);
    if (!files) this.fileSets.set(id, (files = new Set(version.files)));
    return files;
  }

  /** The versions present in the databases at `layer` that list `path`. */
  ownersAt(path: string, layer: number): PackageVersion[] {
    return (this.byPath.get(path) ?? []).filter((v) => isPresentAt(v, layer));
  }
}

/** A version is in the databases from the layer that installed it up to the one that removed or replaced it. */
export function isPresentAt(version: PackageVersion, layer: number): boolean {
  return version.layer <= layer && (version.goneIn === undefined || layer < version.goneIn);
}

/** "Owned by dpkg package libc6 2.36-9, installed in #0" (names are raw data: the webview shows them as text). */
export function ownerSentence(version: PackageVersion): string {
  return `Owned by ${version.manager} package ${version.name} ${version.version}, installed in #${version.layer}`;
}

// Findings about the packages a layer installed, from the package model (core/packages/imagePackages.ts):
// packages a later step removes (their files still ship here), build toolchains still in the final image, and
// the documentation and locales of its packages that a later layer deletes. Each evidence names the package.
import type { ImageModel } from '../../model/imageModel';
import { parentOf, segments } from '../../model/paths';
import type { ImagePackages, PackageVersion } from '../../packages/imagePackages';
import { printablePath } from '../../format';
import type { Evidence, Finding, FindingId, StepKind } from '../explanation';
import { packageRef } from '../layerPackages';
import { findingFrom } from './finding';

/** Findings whose evidence counts packages (one each), not paths: "3 packages", "… and 2 more packages". */
export const COUNTS_PACKAGES: ReadonlySet<FindingId> = new Set<FindingId>(['package-removed-later', 'build-toolchain']);

/** How an evidence reads in one line of text: a package by name and version, a path as itself (and whose it is). */
export function evidenceLabel(f: Pick<Finding, 'id'>, ev: Evidence): string {
  if (!ev.package) return printablePath(ev.path);
  const pkg = `${printablePath(ev.package.name)} ${printablePath(ev.package.version)}`;
  return COUNTS_PACKAGES.has(f.id) ? pkg : `${printablePath(ev.path)} (${pkg})`;
}

/**
 * `kind`: how the step made the layer. Only a RUN can purge in place or exclude files as it installs; a layer no
 * RUN of this build made (the base image's) can only be left as it is or replaced by another base.
 */
export function packageFindings(model: ImageModel, packages: ImagePackages, layer: number, kind: StepKind): Finding[] {
  const sizes = fileSizes(model, layer);
  const installedHere = packages.changes.filter((c) => c.layer === layer && c.change !== 'removed').map((c) => c.version);
  const removedIn = new Map<PackageVersion, number>();
  for (const c of packages.changes) if (c.change === 'removed' && c.version.layer === layer) removedIn.set(c.version, c.layer);
  const run = kind === 'run';
  return [...removedLater(removedIn, sizes, run), ...toolchains(packages, model.topLayer, layer, sizes, run), ...docsDeleted(model, installedHere, removedIn, layer, sizes, run)];
}

/** The fix for what the base image brought (`n` things): a later step cannot take bytes out of a lower layer. */
function baseFix(n: number): string {
  const [they, them] = n === 1 ? ['It comes', 'it'] : ['They come', 'them'];
  return `${they} from a layer no \`RUN\` of this build made (the base image's): removing ${them} later saves nothing, so leave ${them} installed or pick a base image without ${them}.`;
}

function removedLater(removedIn: Map<PackageVersion, number>, sizes: Map<string, number>, run: boolean): Finding[] {
  const evidence: Evidence[] = [];
  for (const [v, by] of removedIn) if (v.size > 0) evidence.push({ path: biggestFile(v, sizes), bytes: v.size, layer: by, package: packageRef(v) });
  return findingFrom(
    {
      id: 'package-removed-later',
      severity: 'warning',
      title: (n) =>
        n === 1
          ? 'A package this layer installs is removed by a later step, but its files still ship in this layer.'
          : 'Packages this layer installs are removed by a later step, but their files still ship in this layer.',
      fix: (n) =>
        run
          ? `Install and purge ${n === 1 ? 'it' : 'them'} in the same \`RUN\`, or install ${n === 1 ? 'it' : 'them'} in a separate build stage and copy only what is needed into the final one (a multi-stage build).`
          : baseFix(n),
    },
    evidence,
  );
}

/** Compilers, `make` and headers: needed to build, rarely to run. Names as Debian, Alpine and Fedora spell them. */
const TOOLCHAIN = /^(?:gcc|g\+\+|gcc-c\+\+|cpp|clang|make|build-essential|build-base)(?:-\d+(?:\.\d+)*)?$/;
const DEV_PACKAGE = { dpkg: /.-dev$/, apk: /.-dev$/, rpm: /.-devel$/ } as const;

export function isBuildToolchain(v: Pick<PackageVersion, 'manager' | 'name'>): boolean {
  if (v.manager !== 'dpkg' && v.manager !== 'apk' && v.manager !== 'rpm') return false;
  return TOOLCHAIN.test(v.name) || DEV_PACKAGE[v.manager].test(v.name);
}

/** The image is the final stage of its build: a toolchain this layer installed that is still at the top ships. */
function toolchains(packages: ImagePackages, top: number, layer: number, sizes: Map<string, number>, run: boolean): Finding[] {
  const evidence: Evidence[] = (packages.present[top] ?? [])
    .filter((v) => v.layer === layer && v.size > 0 && isBuildToolchain(v))
    .map((v) => ({ path: biggestFile(v, sizes), bytes: v.size, package: packageRef(v) }));
  return findingFrom(
    {
      id: 'build-toolchain',
      severity: 'warning',
      title: (n) =>
        n === 1
          ? 'A build toolchain package (a compiler, `make` or a `-dev` package) this layer installs is still in the final image.'
          : 'Build toolchain packages (compilers, `make`, `-dev` packages) this layer installs are still in the final image.',
      fix: run
        ? 'Build in a separate stage (`FROM … AS build`) and `COPY --from` only the results into the final stage, so the toolchain does not ship.'
        : 'The base image brings it: build in a stage `FROM` this base and `COPY --from` only the results into a final stage on a base without the toolchain.',
    },
    evidence,
  );
}

const DOCS = /^\/usr\/share\/(?:doc|man|locale|info)\//;

/**
 * Documentation files of packages installed here whose next change is a deletion by a later layer (not an
 * overwrite, which an upgrade does): their bytes ship for nothing. Packages removed later are left to
 * `package-removed-later`, which counts all their files.
 */
function docsDeleted(model: ImageModel, installed: PackageVersion[], removedIn: Map<PackageVersion, number>, layer: number, sizes: Map<string, number>, run: boolean): Finding[] {
  // The model knows which versions lost bytes at the top; a deleted file is among them.
  const candidates = installed.filter((v) => v.deletedLaterBytes > 0 && !removedIn.has(v));
  if (candidates.length === 0) return [];
  const deletion = deletionAbove(model, layer);
  const groups = new Map<string, Evidence>();
  for (const v of candidates) {
    for (const path of v.files) {
      const size = sizes.get(path);
      if (!size || !DOCS.test(path)) continue;
      const by = deletion(path);
      if (by === undefined) continue;
      const parts = segments(path);
      const dir = parts.length > 4 ? '/' + parts.slice(0, 4).join('/') : parentOf(path);
      const key = `${v.manager}\u0000${v.name}\u0000${v.location}\u0000${dir}\u0000${by}`;
      const group = groups.get(key);
      if (group) group.bytes += size;
      else groups.set(key, { path: dir, bytes: size, layer: by, package: packageRef(v) });
    }
  }
  return findingFrom(
    {
      id: 'package-docs-deleted',
      severity: 'warning',
      title: 'Documentation or locale files that packages installed here brought are deleted by a later layer, but their bytes still ship in this layer.',
      fix: run
        ? 'Keep them out in the step that installs the packages: for dpkg, a `path-exclude` rule in `/etc/dpkg/dpkg.cfg.d/` written before the install in the same `RUN`; otherwise delete them in that same `RUN`.'
        : baseFix(2),
    },
    [...groups.values()],
  );
}

/**
 * The first layer above `layer` that deletes a path (a whiteout of it or of a parent, or an opaque parent), if
 * the path's next change is that deletion; undefined when a later layer writes the path first, or none deletes it.
 */
function deletionAbove(model: ImageModel, layer: number): (path: string) => number | undefined {
  const later = model.data.layers.slice(layer + 1).map((l, i) => ({ index: layer + 1 + i, l, whiteouts: new Set(l.whiteouts), opaque: new Set(l.opaqueDirs), paths: undefined as Set<string> | undefined }));
  return (path) => {
    const parts = segments(path);
    for (const above of later) {
      above.paths ??= new Set(above.l.entries.map((e) => e.path));
      if (above.paths.has(path)) return undefined; // written again (an upgrade, a copy): not a deletion
      if (above.opaque.has('/')) return above.index;
      for (let n = parts.length; n >= 1; n--) {
        const p = '/' + parts.slice(0, n).join('/');
        if (above.whiteouts.has(p) || (n < parts.length && above.opaque.has(p))) return above.index;
      }
    }
    return undefined;
  };
}

function fileSizes(model: ImageModel, layer: number): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const e of model.data.layers[layer].entries) if (e.type === 'file') sizes.set(e.path, e.size);
  return sizes;
}

function biggestFile(v: PackageVersion, sizes: Map<string, number>): string {
  let best = v.files[0] ?? v.location;
  let bestSize = -1;
  for (const path of v.files) {
    const size = sizes.get(path) ?? 0;
    if (size > bestSize || (size === bestSize && path < best)) [best, bestSize] = [path, size];
  }
  return best;
}

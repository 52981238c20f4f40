// The Packages tab's rows for a layer range: what the layers of the range installed, upgraded, downgraded or
// removed ("changes"), or the packages in the databases at the range's top ("present", as `layerlens packages
// --layer N` lists them). Pure (no `vscode`); the webview sorts and filters them.
import type { PackageVersion } from '../core/packages/imagePackages';
import { packagesReport } from '../core/packages/packagesReport';
import type { PackageOwners } from './packageOwners';
import type { LayerRange, PackageRow, PackagesAnswer, PackagesView } from './protocol';

export function packageRows(owners: PackageOwners, range: LayerRange, view: PackagesView): PackagesAnswer {
  const { packages } = owners;
  const rowOf = (version: PackageVersion): PackageRow => ({
    id: owners.idOf(version),
    manager: version.manager,
    name: version.name,
    version: version.version,
    ...(version.architecture ? { architecture: version.architecture } : {}),
    layer: version.layer,
    size: version.size,
    files: version.files.length,
    deletedLaterBytes: version.deletedLaterBytes,
  });
  const rows =
    view === 'present'
      ? (packages.present[range.to] ?? []).map(rowOf)
      : packages.changes
          .filter((c) => c.layer >= range.from && c.layer <= range.to)
          .map((c) => ({ ...rowOf(c.version), change: c.change, changedIn: c.layer, ...(c.from !== null && c.change !== 'removed' ? { from: c.from } : {}) }));
  return {
    view,
    range,
    rows,
    present: packages.present[range.to]?.length ?? 0,
    hasDatabase: packages.changes.length > 0 || packages.problems.length > 0,
    problems: packagesReport(packages, range.to).problems,
  };
}

// npm packages: every package.json directly at node_modules/<name>/ or node_modules/@scope/<name>/, anywhere in
// the image, so a project's nested trees and the global ones (/usr/lib/node_modules, /usr/local/lib/node_modules)
// all count, as `find / -path '*/node_modules/*/package.json'` would find them (but not a package's own
// test fixtures deeper inside it).
//
// Files: only package.json's bytes are captured, and npm keeps no list of installed files, so `files` stays
// empty. A package owns its directory, parentOf(location): whoever attributes files attributes them by that
// directory prefix, the deepest package directory winning (node_modules/a/node_modules/b/x belongs to b).
import { printablePath } from '../format';
import { baseName, parentOf } from '../model/paths';
import type { InstalledPackage, PackageDatabaseReader } from './types';
import { countOf, decodeDatabaseText } from './databaseText';

/** A package.json is kilobytes; one over this is not a manifest npm wrote. */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** The directory that holds a package's files, from its package.json path. */
export function npmPackageDirectory(location: string): string {
  return parentOf(location);
}

function wants(path: string): boolean {
  // Runs for every file of every layer: endsWith turns nearly all away before any string is made.
  if (!path.endsWith('/package.json')) return false;
  const dir = parentOf(path);
  const name = baseName(dir);
  if (name === '' || name.startsWith('.') || name.startsWith('@')) return false;
  const parent = parentOf(dir);
  if (baseName(parent) === 'node_modules') return true;
  const scope = baseName(parent);
  return scope.length > 1 && scope.startsWith('@') && baseName(parentOf(parent)) === 'node_modules';
}

export const npmReader: PackageDatabaseReader = {
  manager: 'npm',
  wants,
  read(files) {
    const packages: InstalledPackage[] = [];
    const unreadable: string[] = [];
    const notJson: string[] = [];
    const withoutNameOrVersion: string[] = [];
    for (const [path, bytes] of files) {
      if (!wants(path)) continue;
      const decoded = decodeDatabaseText(path, bytes, 'npm package manifest', MAX_MANIFEST_BYTES);
      if ('problem' in decoded) {
        unreadable.push(decoded.problem);
        continue;
      }
      let manifest: unknown;
      try {
        manifest = JSON.parse(decoded.text);
      } catch {
        notJson.push(path);
        continue;
      }
      const { name, version } = (manifest && typeof manifest === 'object' ? manifest : {}) as Record<string, unknown>;
      if (typeof name !== 'string' || name === '' || typeof version !== 'string' || version === '') {
        withoutNameOrVersion.push(path);
        continue;
      }
      packages.push({ manager: 'npm', name, version, files: [], location: path });
    }
    packages.sort((a, b) => (a.location < b.location ? -1 : a.location > b.location ? 1 : 0));
    const problems = [...unreadable];
    if (notJson.length) problems.push(`${countOf(notJson.length, 'package.json file')} under node_modules ${notJson.length === 1 ? 'is' : 'are'} not valid JSON and ${notJson.length === 1 ? 'was' : 'were'} skipped: ${listed(notJson)}.`);
    if (withoutNameOrVersion.length) problems.push(`${countOf(withoutNameOrVersion.length, 'package.json file')} under node_modules without a name or version skipped: ${listed(withoutNameOrVersion)}.`);
    return { packages, problems };
  },
};

function listed(paths: string[]): string {
  return paths.slice(0, 3).map(printablePath).join(', ') + (paths.length > 3 ? ', …' : '');
}

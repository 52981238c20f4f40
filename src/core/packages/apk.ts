// Alpine's apk installed database, /lib/apk/db/installed (apk-tools v2 text format, as documented on Alpine's
// "Apk spec" wiki page and written by apk-tools' database.c): one stanza per package, stanzas separated by a
// blank line, every line "K:value" with a one-letter key. P: name, V: version, A: architecture; F: starts a
// directory (relative to the root), each R: after it names a file in that directory; a:/M:/Z: describe the
// entry above them (permissions, checksum) and other keys (dependencies, size, origin…) do not matter here.
import { printablePath } from '../format';
import { normalizeMemberPath } from '../model/paths';
import type { InstalledPackage, PackageDatabaseReader } from './types';
import { countOf as count, decodeDatabaseText, linesOf } from './databaseText';

export const APK_INSTALLED_PATH = '/lib/apk/db/installed';

interface Stanza {
  name?: string;
  version?: string;
  architecture?: string;
  files: string[];
}

interface Tally {
  malformedLines: number;
  incompleteStanzas: number;
  filesWithoutDirectory: number;
  escapingPaths: number;
}

export const apkReader: PackageDatabaseReader = {
  manager: 'apk',
  wants: (path) => path === APK_INSTALLED_PATH,
  read(files) {
    const bytes = files.get(APK_INSTALLED_PATH);
    if (!bytes) return { packages: [], problems: [] };
    const decoded = decodeDatabaseText(APK_INSTALLED_PATH, bytes, "apk's installed database");
    if ('problem' in decoded) return { packages: [], problems: [decoded.problem] };
    return parseApkInstalled(decoded.text);
  },
};

export function parseApkInstalled(text: string): { packages: InstalledPackage[]; problems: string[] } {
  const packages: InstalledPackage[] = [];
  const tally: Tally = { malformedLines: 0, incompleteStanzas: 0, filesWithoutDirectory: 0, escapingPaths: 0 };
  let stanza: Stanza | undefined;
  // undefined: no F: yet in this stanza; null: an F: that would leave the root (its files are refused too).
  let directory: string | null | undefined;
  const finish = () => {
    if (!stanza) return;
    if (stanza.name && stanza.version) {
      packages.push({
        manager: 'apk',
        name: stanza.name,
        version: stanza.version,
        ...(stanza.architecture ? { architecture: stanza.architecture } : {}),
        files: stanza.files,
        location: APK_INSTALLED_PATH,
      });
    } else tally.incompleteStanzas++;
    stanza = undefined;
    directory = undefined;
  };

  for (const line of linesOf(text)) {
    if (line.trim() === '') {
      finish();
      continue;
    }
    if (line.length < 2 || line[1] !== ':') {
      tally.malformedLines++;
      continue;
    }
    stanza ??= { files: [] };
    const value = line.slice(2);
    switch (line[0]) {
      case 'P':
        stanza.name = value;
        break;
      case 'V':
        stanza.version = value;
        break;
      case 'A':
        stanza.architecture = value;
        break;
      case 'F': {
        // "F:" alone is the root directory.
        const dir = normalizeMemberPath(value);
        if (dir.escaped) {
          tally.escapingPaths++;
          directory = null;
        } else directory = dir.path;
        break;
      }
      case 'R': {
        if (directory === undefined) {
          tally.filesWithoutDirectory++;
          break;
        }
        if (directory === null) {
          tally.escapingPaths++;
          break;
        }
        const path = normalizeMemberPath(`${directory}/${value}`);
        // A file name is one component: "../x" or "a/b" would point somewhere apk never put it.
        if (path.escaped || value.includes('/') || value === '..' || value === '.' || value === '') tally.escapingPaths++;
        else stanza.files.push(path.path);
        break;
      }
    }
  }
  finish();
  return { packages, problems: problemsOf(tally) };
}

function problemsOf(t: Tally): string[] {
  const where = printablePath(APK_INSTALLED_PATH);
  const problems: string[] = [];
  if (t.malformedLines) problems.push(`${where}: ${count(t.malformedLines, 'line')} not in apk's "K:value" form ignored.`);
  if (t.incompleteStanzas) problems.push(`${where}: ${count(t.incompleteStanzas, 'entry', 'entries')} without a package name (P:) or version (V:) skipped.`);
  if (t.filesWithoutDirectory) problems.push(`${where}: ${count(t.filesWithoutDirectory, 'file (R:)', 'files (R:)')} listed before any directory (F:) ignored.`);
  if (t.escapingPaths) problems.push(`${where}: ${count(t.escapingPaths, 'file path')} that would leave the image root or name no single file ignored.`);
  return problems;
}


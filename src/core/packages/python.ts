// Python distributions installed in any site-packages or dist-packages directory, found as pip and
// importlib.metadata find them: `<name>-<version>.dist-info/` with METADATA (and RECORD, the installed files as
// CSV rows "path,hash,size" relative to site-packages: PyPA "Recording installed projects"), and the older
// `<name>.egg-info`, either a directory with PKG-INFO (and installed-files.txt, paths relative to the
// egg-info directory) or a single file holding the PKG-INFO text itself (what distutils and Debian install).
import { printablePath } from '../format';
import { baseName, normalizeMemberPath, parentOf } from '../model/paths';
import type { InstalledPackage, PackageDatabaseReader } from './types';
import { countOf, decodeDatabaseText, linesOf } from './databaseText';

const SITE_DIRECTORY = /^(site|dist)-packages$/;
const METADATA_DIRECTORY = /\.(dist|egg)-info$/;
/** The files inside a metadata directory that say what it is and what it installed. */
const MEMBER_FILES = new Set(['METADATA', 'RECORD', 'PKG-INFO', 'installed-files.txt']);

/** PEP 503's normalised name ("Foo.Bar_baz" → "foo-bar-baz"): how pip tells two distributions apart. */
export function canonicalPythonName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

/** `/…/site-packages/x.dist-info` → true: a metadata directory (or egg-info file) directly inside a site directory. */
function isMetadataPath(path: string): boolean {
  return METADATA_DIRECTORY.test(baseName(path)) && SITE_DIRECTORY.test(baseName(parentOf(path)));
}

/** Every wanted path ends so. `wants` runs for every file of every layer: the last character turns most away. */
function hasWantedEnding(path: string): boolean {
  switch (path.charCodeAt(path.length - 1)) {
    case 65: // A
      return path.endsWith('/METADATA');
    case 68: // D
      return path.endsWith('/RECORD');
    case 79: // O
      return path.endsWith('/PKG-INFO');
    case 116: // t
      return path.endsWith('/installed-files.txt');
    case 111: // o
      return path.endsWith('.egg-info');
    default:
      return false;
  }
}

function wants(path: string): boolean {
  if (!hasWantedEnding(path)) return false;
  if (isMetadataPath(path)) return path.endsWith('.egg-info'); // the single-file egg-info form
  return MEMBER_FILES.has(baseName(path)) && isMetadataPath(parentOf(path));
}

interface Found {
  /** The .dist-info / .egg-info path. */
  location: string;
  metadata?: Uint8Array;
  record?: Uint8Array;
  installedFiles?: Uint8Array;
}

interface Tally {
  unreadable: string[];
  withoutMetadata: string[];
  withoutNameOrVersion: string[];
  escapingPaths: number;
  duplicates: string[];
}

export const pythonReader: PackageDatabaseReader = {
  manager: 'python',
  wants,
  read(files) {
    const found = new Map<string, Found>();
    const entry = (location: string) => {
      let f = found.get(location);
      if (!f) found.set(location, (f = { location }));
      return f;
    };
    for (const [path, bytes] of files) {
      if (!wants(path)) continue;
      if (isMetadataPath(path)) {
        entry(path).metadata = bytes;
        continue;
      }
      const f = entry(parentOf(path));
      const member = baseName(path);
      if (member === 'RECORD') f.record = bytes;
      else if (member === 'installed-files.txt') f.installedFiles = bytes;
      else if (member === 'METADATA' && f.location.endsWith('.dist-info')) f.metadata = bytes;
      else if (member === 'PKG-INFO' && f.location.endsWith('.egg-info')) f.metadata = bytes;
    }

    const tally: Tally = { unreadable: [], withoutMetadata: [], withoutNameOrVersion: [], escapingPaths: 0, duplicates: [] };
    const packages: InstalledPackage[] = [];
    // pip lists one distribution per normalised name and site directory, dist-info before egg-info.
    const seen = new Set<string>();
    const ordered = [...found.values()].sort((a, b) => rank(a) - rank(b) || (a.location < b.location ? -1 : 1));
    for (const f of ordered) {
      const pkg = distributionOf(f, tally);
      if (!pkg) continue;
      const key = parentOf(f.location) + '\0' + canonicalPythonName(pkg.name);
      if (seen.has(key)) {
        tally.duplicates.push(f.location);
        continue;
      }
      seen.add(key);
      packages.push(pkg);
    }
    return { packages, problems: problemsOf(tally) };
  },
};

function rank(f: Found): number {
  return f.location.endsWith('.dist-info') ? 0 : 1;
}

function distributionOf(f: Found, tally: Tally): InstalledPackage | undefined {
  if (!f.metadata) {
    tally.withoutMetadata.push(f.location);
    return undefined;
  }
  const decoded = decodeDatabaseText(f.location, f.metadata, 'Python package metadata');
  if ('problem' in decoded) {
    tally.unreadable.push(decoded.problem);
    return undefined;
  }
  const headers = metadataHeaders(decoded.text);
  const name = headers.get('name');
  const version = headers.get('version');
  if (!name || !version) {
    tally.withoutNameOrVersion.push(f.location);
    return undefined;
  }
  const files: string[] = [];
  if (f.record) addListedFiles(f.record, parentOf(f.location), recordPath, f, files, tally);
  else if (f.installedFiles) addListedFiles(f.installedFiles, f.location, (line) => line, f, files, tally);
  return { manager: 'python', name, version, files: [...new Set(files)], location: f.location };
}

/** The RFC 822-style header block of METADATA / PKG-INFO (the body after the first blank line is the description). */
export function metadataHeaders(text: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of linesOf(text)) {
    if (line === '') break;
    if (/^\s/.test(line)) continue; // a continuation line of a long header
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(key)) headers.set(key, line.slice(colon + 1).trim());
  }
  return headers;
}

/** The path column of one RECORD row (Python's csv: a field may be quoted, with "" for a quote). */
export function recordPath(row: string): string {
  if (!row.startsWith('"')) {
    const comma = row.indexOf(',');
    return comma === -1 ? row : row.slice(0, comma);
  }
  let out = '';
  for (let i = 1; i < row.length; i++) {
    if (row[i] !== '"') out += row[i];
    else if (row[i + 1] === '"') {
      out += '"';
      i++;
    } else break;
  }
  return out;
}

/** A file list's paths, kept per captured bytes: the model reads the merged view again in every layer that changes it. */
interface ListedFiles {
  base: string;
  files: string[];
  escaping: number;
  problem?: string;
}
const listedFilesCache = new WeakMap<Uint8Array, ListedFiles>();
/** A path that needs resolving: "." or ".." components, doubled or trailing slashes. */
const UNCLEAN = /(^|\/)\.{1,2}(\/|$)|\/\/|\/$/;

function addListedFiles(
  bytes: Uint8Array,
  base: string,
  pathOfLine: (line: string) => string,
  f: Found,
  files: string[],
  tally: Tally,
): void {
  let listed = listedFilesCache.get(bytes);
  if (!listed || listed.base !== base) listedFilesCache.set(bytes, (listed = listFiles(bytes, base, pathOfLine, f.location)));
  if (listed.problem) tally.unreadable.push(listed.problem);
  tally.escapingPaths += listed.escaping;
  for (const path of listed.files) files.push(path);
}

function listFiles(bytes: Uint8Array, base: string, pathOfLine: (line: string) => string, location: string): ListedFiles {
  const result: ListedFiles = { base, files: [], escaping: 0 };
  const decoded = decodeDatabaseText(location, bytes, 'Python file list');
  if ('problem' in decoded) {
    result.problem = decoded.problem;
    return result;
  }
  for (const line of linesOf(decoded.text)) {
    const listed = pathOfLine(line.trim());
    if (listed === '') continue;
    // Relative entries resolve against the site (or egg-info) directory; "../../../bin/pip" is fine as long as
    // it stays inside the image. An absolute entry is already a path in the image.
    if (!listed.startsWith('/') && !UNCLEAN.test(listed)) {
      result.files.push(base === '/' ? '/' + listed : base + '/' + listed);
      continue;
    }
    const resolved = listed.startsWith('/') ? normalizeMemberPath(listed) : resolveInside(base, listed);
    if (resolved.escaped) result.escaping++;
    else result.files.push(resolved.path);
  }
  return result;
}

function resolveInside(base: string, relative: string): { path: string; escaped: boolean } {
  const parts = base === '/' ? [] : base.slice(1).split('/');
  for (const part of relative.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return { path: '/', escaped: true };
      parts.pop();
    } else parts.push(part);
  }
  return { path: '/' + parts.join('/'), escaped: false };
}

function problemsOf(t: Tally): string[] {
  const problems = [...t.unreadable];
  const list = (paths: string[]) => paths.slice(0, 3).map(printablePath).join(', ') + (paths.length > 3 ? ', …' : '');
  if (t.withoutMetadata.length) problems.push(`${countOf(t.withoutMetadata.length, 'Python metadata directory', 'Python metadata directories')} without METADATA or PKG-INFO skipped: ${list(t.withoutMetadata)}.`);
  if (t.withoutNameOrVersion.length) problems.push(`${countOf(t.withoutNameOrVersion.length, 'Python distribution')} without a Name or Version in its metadata skipped: ${list(t.withoutNameOrVersion)}.`);
  if (t.escapingPaths) problems.push(`${countOf(t.escapingPaths, 'file')} listed by Python package records would lie outside the image root and ${t.escapingPaths === 1 ? 'was' : 'were'} ignored.`);
  if (t.duplicates.length) problems.push(`${countOf(t.duplicates.length, 'Python distribution')} repeating a name already installed in the same directory ignored, as pip does: ${list(t.duplicates)}.`);
  return problems;
}

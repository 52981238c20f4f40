// dpkg's database: /var/lib/dpkg/status (deb822 stanzas: Package, Status, Version, Architecture…), each
// package's file list in /var/lib/dpkg/info/<name>[:<arch>].list, and distroless-style
// /var/lib/dpkg/status.d/<name> stanzas with <name>.md5sums file lists (deb-control(5), dpkg-query(1)).
import { printablePath } from '../format';
import { countOf, decodeDatabaseText, linesOf } from './databaseText';
import type { InstalledPackage, PackageDatabaseReader } from './types';

const STATUS = '/var/lib/dpkg/status';
const INFO_DIR = '/var/lib/dpkg/info/';
const STATUS_D = '/var/lib/dpkg/status.d/';

/**
 * Package states that mean "on disk" (dpkg(1) "Package states"): `not-installed` is a purged leftover and
 * `config-files` a removed package whose conffiles stay; neither ships its files.
 */
const PRESENT_STATES = new Set(['installed', 'unpacked', 'half-configured', 'half-installed', 'triggers-awaited', 'triggers-pending']);

export const dpkgReader: PackageDatabaseReader = {
  manager: 'dpkg',
  wants(path) {
    if (!path.startsWith('/var/lib/dpkg/')) return false;
    return path === STATUS || (path.startsWith(INFO_DIR) && path.endsWith('.list')) || (path.startsWith(STATUS_D) && path.length > STATUS_D.length);
  },
  read(files) {
    const problems: string[] = [];
    const packages: InstalledPackage[] = [];
    const lists = (name: string, arch: string | undefined) => fileList(files, name, arch, problems);
    const status = files.get(STATUS);
    if (status) packages.push(...readStatusFile(STATUS, status, true, lists, problems));
    for (const [path, bytes] of files) {
      if (!path.startsWith(STATUS_D) || path.endsWith('.md5sums') || path.slice(STATUS_D.length).includes('/')) continue;
      const fromMd5sums = (name: string, arch: string | undefined) => lists(name, arch) ?? md5sumsList(files, path, problems);
      packages.push(...readStatusFile(path, bytes, false, fromMd5sums, problems));
    }
    return { packages, problems };
  },
};

type ListLookup = (name: string, arch: string | undefined) => string[] | undefined;

/** The present packages of one status file; a stanza that cannot be read costs one sentence, not the file. */
function readStatusFile(path: string, bytes: Uint8Array, needsStatus: boolean, lists: ListLookup, problems: string[]): InstalledPackage[] {
  const decoded = decodeDatabaseText(path, bytes, 'a dpkg status database');
  if ('problem' in decoded) {
    problems.push(decoded.problem);
    return [];
  }
  const packages: InstalledPackage[] = [];
  let malformed = 0;
  for (const stanza of stanzasOf(decoded.text)) {
    const fields = fieldsOf(stanza);
    if (!fields) {
      malformed++;
      continue;
    }
    const name = fields.get('package');
    const version = fields.get('version');
    const state = fields.get('status')?.split(/\s+/)[2];
    if (state !== undefined ? !PRESENT_STATES.has(state) : needsStatus) {
      if (state === undefined) malformed++;
      continue;
    }
    if (!name || !version) {
      malformed++;
      continue;
    }
    const architecture = fields.get('architecture');
    packages.push({
      manager: 'dpkg',
      name,
      version,
      ...(architecture ? { architecture } : {}),
      files: lists(name, architecture) ?? [],
      location: path,
    });
  }
  if (malformed) problems.push(`${printablePath(path)} has ${countOf(malformed, 'malformed stanza')} (no Package, Version or Status, or a line that is not a field), skipped.`);
  return packages;
}

/** Stanzas are separated by blank lines (deb822(5)). */
function stanzasOf(text: string): string[][] {
  const stanzas: string[][] = [];
  let current: string[] = [];
  for (const line of linesOf(text)) {
    if (line.trim() === '') {
      if (current.length) stanzas.push(current);
      current = [];
    } else current.push(line);
  }
  if (current.length) stanzas.push(current);
  return stanzas;
}

/** Field name (lower case) → first-line value; continuation lines (leading space) belong to the field above. */
function fieldsOf(lines: string[]): Map<string, string> | undefined {
  const fields = new Map<string, string>();
  for (const line of lines) {
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (fields.size === 0) return undefined;
      continue;
    }
    if (line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return fields;
}

/**
 * Parsed file lists by their captured bytes: the model reads the database again in every layer that changes it,
 * and most .list files are the very same bytes each time.
 */
const parsedLists = new WeakMap<Uint8Array, { paths: string[]; problem?: string }>();

/** info/<name>:<arch>.list (Multi-Arch: same) or info/<name>.list; undefined when neither was captured. */
function fileList(files: ReadonlyMap<string, Uint8Array>, name: string, arch: string | undefined, problems: string[]): string[] | undefined {
  const path = (arch && files.has(`${INFO_DIR}${name}:${arch}.list`) ? `${INFO_DIR}${name}:${arch}.list` : undefined) ?? (files.has(`${INFO_DIR}${name}.list`) ? `${INFO_DIR}${name}.list` : undefined);
  if (!path) return undefined;
  const bytes = files.get(path)!;
  let parsed = parsedLists.get(bytes);
  if (!parsed) {
    const decoded = decodeDatabaseText(path, bytes, 'a dpkg file list');
    // "/." is dpkg's own entry for the root directory.
    parsed = 'problem' in decoded ? { paths: [], problem: decoded.problem } : { paths: linesOf(decoded.text).filter((line) => line.startsWith('/') && line !== '/.') };
    parsedLists.set(bytes, parsed);
  }
  if (parsed.problem) problems.push(parsed.problem);
  return parsed.paths;
}

/** A distroless status.d/<name>.md5sums: "<md5>  <path without its leading slash>" per line. */
function md5sumsList(files: ReadonlyMap<string, Uint8Array>, statusPath: string, problems: string[]): string[] {
  const path = statusPath + '.md5sums';
  const bytes = files.get(path);
  if (!bytes) return [];
  const decoded = decodeDatabaseText(path, bytes, 'a dpkg md5sums list');
  if ('problem' in decoded) {
    problems.push(decoded.problem);
    return [];
  }
  const paths: string[] = [];
  for (const line of linesOf(decoded.text)) {
    const match = /^[0-9a-f]{32} [ *]?(.+)$/.exec(line);
    if (match) paths.push('/' + match[1].replace(/^\/+/, ''));
  }
  return paths;
}

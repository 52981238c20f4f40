// rpm's package database. Since rpm 4.16 it is SQLite, /var/lib/rpm/rpmdb.sqlite (Fedora and openSUSE keep it in
// /usr/lib/sysimage/rpm, with /var/lib/rpm a symlink there): its Packages table holds one header blob per
// installed package (rpm's lib/backend/sqlite.c), read here with sql.js (SQLite compiled to WebAssembly).
// Older databases, Berkeley DB's Packages and ndb's Packages.db, are not read: one sentence says so.
//
// sql.js loads asynchronously, while PackageDatabaseReader.read is synchronous: `await prepareRpmReader()` once
// before reading (readers.ts prepareReaders does). It loads sql.js's build with the WebAssembly inlined: from
// node_modules in development, from dist/sql-wasm-inline.js once bundled (scripts/build.mjs puts it there).
import type { Database, SqlJsStatic } from 'sql.js';
import { printablePath } from '../format';
import { baseName, normalizeMemberPath, parentOf } from '../model/paths';
import type { InstalledPackage, PackageDatabaseReader } from './types';
import { countOf } from './databaseText';
import { DamagedHeaderError, parseRpmHeader, TAG, type RpmHeader } from './rpmHeader';

const RPM_DIRECTORIES = ['/var/lib/rpm', '/usr/lib/sysimage/rpm'];
const SQLITE_NAME = 'rpmdb.sqlite';
const LEGACY_NAMES: Record<string, string> = { Packages: 'Berkeley DB', 'Packages.db': 'ndb' };
/** sql.js copies the database into its heap; a real rpmdb is tens of MiB. */
const MAX_SQLITE_BYTES = 512 * 1024 * 1024;

type InitSqlJs = (config?: Record<string, unknown>) => Promise<SqlJsStatic>;

let sqlite: SqlJsStatic | undefined;
let loading: Promise<void> | undefined;
/** Why sql.js could not be loaded: each rpm database then gets one sentence, and nothing else fails. */
let loadFailure: string | undefined;

/** sql.js's build with its WebAssembly inlined: no .wasm file to look for (dist/sql-wasm-inline.js once bundled). */
const loadSqlJs = (): Promise<InitSqlJs> => import('sql.js/dist/sql-wasm-inline.js').then((m) => m.default as InitSqlJs);

/** Loads sql.js once (later calls return at once); never rejects: a failure is kept, and read() says it. */
export function prepareRpmReader(load: () => Promise<InitSqlJs> = loadSqlJs): Promise<void> {
  loading ??= load()
    .then((init) => init({ printErr: () => undefined })) // Emscripten would print its failures to stderr
    .then(
      (loaded) => {
        sqlite = loaded;
        loadFailure = undefined;
      },
      (error: unknown) => {
        loadFailure = firstLine(error);
        loading = undefined; // a later call may try again
      },
    );
  return loading;
}

function wants(path: string): boolean {
  // Runs for every file of every layer: the prefix test turns nearly all away before any string is made.
  if (!path.startsWith('/var/lib/rpm/') && !path.startsWith('/usr/lib/sysimage/rpm/')) return false;
  const name = baseName(path);
  return RPM_DIRECTORIES.includes(parentOf(path)) && (name === SQLITE_NAME || Object.hasOwn(LEGACY_NAMES, name));
}

export const rpmReader: PackageDatabaseReader = {
  manager: 'rpm',
  wants,
  read(files) {
    const packages: InstalledPackage[] = [];
    const problems: string[] = [];
    for (const [path, bytes] of files) {
      if (!wants(path)) continue;
      const name = baseName(path);
      if (name !== SQLITE_NAME) {
        // A database migrated to SQLite may leave the old file behind: rpm reads only the SQLite one then.
        if (!files.has(`${parentOf(path)}/${SQLITE_NAME}`)) {
          problems.push(`${printablePath(path)} is an rpm database in the ${LEGACY_NAMES[name]} format (rpm before 4.16), which cannot be read here, so its packages are not listed.`);
        }
        continue;
      }
      const read = readSqliteDatabase(path, bytes);
      packages.push(...read.packages);
      problems.push(...read.problems);
    }
    return { packages, problems };
  },
};

function readSqliteDatabase(location: string, bytes: Uint8Array): { packages: InstalledPackage[]; problems: string[] } {
  const shown = printablePath(location);
  if (!sqlite) {
    const why = loadFailure ? `its SQLite reader (sql.js) failed to load: ${loadFailure}` : 'its SQLite reader (sql.js) was not loaded';
    return { packages: [], problems: [`${shown} was not read: ${why.replace(/\.$/, '')}.`] };
  }
  if (bytes.length > MAX_SQLITE_BYTES) {
    return { packages: [], problems: [`${shown} is ${bytes.length} bytes, over the ${MAX_SQLITE_BYTES}-byte limit, so it was not read.`] };
  }
  let db: Database | undefined;
  const packages: InstalledPackage[] = [];
  let damaged = 0;
  let escaping = 0;
  try {
    db = new sqlite.Database(asRollbackJournal(bytes));
    const rows = db.exec('SELECT blob FROM Packages ORDER BY hnum');
    for (const [blob] of rows[0]?.values ?? []) {
      if (!(blob instanceof Uint8Array)) {
        damaged++;
        continue;
      }
      try {
        const pkg = packageOf(parseRpmHeader(blob), location);
        if (!pkg) damaged++;
        else {
          escaping += pkg.escaping;
          packages.push(pkg.installed);
        }
      } catch (error) {
        if (!(error instanceof DamagedHeaderError)) throw error;
        damaged++;
      }
    }
  } catch (error) {
    return { packages: [], problems: [`${shown} cannot be read as an rpm SQLite database (${firstLine(error)}), so its packages are not listed.`] };
  } finally {
    db?.close();
  }
  const problems: string[] = [];
  if (damaged) problems.push(`${shown}: ${countOf(damaged, 'package header')} damaged or without a name and version skipped.`);
  if (escaping) problems.push(`${shown}: ${countOf(escaping, 'file name')} leading outside the image root ignored.`);
  return { packages, problems };
}

/**
 * rpm opens its database in WAL mode, which sql.js's in-memory files cannot do; rpm checkpoints on close, so the
 * main file is whole. Header bytes 18–19 (the file format's read/write versions, 2 = WAL) set to 1 open it as
 * a rollback-journal database, on a copy.
 */
function asRollbackJournal(bytes: Uint8Array): Uint8Array {
  const copy = new Uint8Array(bytes);
  if (copy.length >= 20 && copy[18] === 2 && copy[19] === 2) copy[18] = copy[19] = 1;
  return copy;
}

/** sql.js's messages are SQLite's own ("file is not a database", "no such table: Packages"): one line, no stack. */
function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0].slice(0, 200);
}

function packageOf(header: RpmHeader, location: string): { installed: InstalledPackage; escaping: number } | undefined {
  const name = header.string(TAG.NAME);
  const version = header.string(TAG.VERSION);
  const release = header.string(TAG.RELEASE);
  if (!name || !version) return undefined;
  const epoch = header.int32s(TAG.EPOCH)?.[0];
  const architecture = header.string(TAG.ARCH);
  // rpm's EVR: "[epoch:]version-release", as `rpm -q --qf '%{EVR}'` prints it.
  const evr = `${epoch !== undefined ? `${epoch}:` : ''}${version}${release ? `-${release}` : ''}`;
  const { files, escaping } = filesOf(header);
  return {
    installed: { manager: 'rpm', name, version: evr, ...(architecture ? { architecture } : {}), files, location },
    escaping,
  };
}

function filesOf(header: RpmHeader): { files: string[]; escaping: number } {
  const baseNames = header.strings(TAG.BASENAMES);
  let listed: string[];
  if (baseNames) {
    const dirNames = header.strings(TAG.DIRNAMES) ?? [];
    const dirIndexes = header.int32s(TAG.DIRINDEXES) ?? [];
    if (dirIndexes.length !== baseNames.length) throw new DamagedHeaderError('file name lists of different lengths');
    listed = baseNames.map((base, i) => {
      const dir = dirNames[dirIndexes[i]];
      if (dir === undefined) throw new DamagedHeaderError('a file in a directory the header does not have');
      return dir + base;
    });
  } else listed = header.strings(TAG.OLDFILENAMES) ?? [];
  const files: string[] = [];
  let escaping = 0;
  for (const path of listed) {
    const normal = normalizeMemberPath(path);
    if (normal.escaped) escaping++;
    else files.push(normal.path);
  }
  return { files, escaping };
}

// The shape every package-database reader shares (dpkg, apk, rpm, python, npm).
// Readers are pure: the indexer captures the bytes of the files they want while a layer streams,
// and the model merges those captures per layer before asking a reader what they record.

export type PackageManager = 'dpkg' | 'apk' | 'rpm' | 'python' | 'npm';

export interface InstalledPackage {
  manager: PackageManager;
  name: string;
  version: string;
  architecture?: string;
  /** Absolute paths in the image it owns (may be empty if the database has no file list). */
  files: string[];
  /** The database file that records it, e.g. /var/lib/dpkg/status. */
  location: string;
}

export interface PackageDatabaseReader {
  manager: PackageManager;
  /** Does this image path belong to this database (so the indexer captures its bytes)? */
  wants(path: string): boolean;
  /** All captured database files visible in one merged view (path → bytes) → its packages, plus one-sentence problems. */
  read(files: ReadonlyMap<string, Uint8Array>): { packages: InstalledPackage[]; problems: string[] };
}

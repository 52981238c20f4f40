// Real package data for the package-database reader tests, made by test/setup/package-tools.sh, and a stand-in
// for the indexer's capture: walk a directory tree as if it were an image root and keep the bytes of the files a
// reader wants. (Not a test file itself: the runner only picks *.test.ts.)
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative, sep } from 'node:path';
import type { PackageDatabaseReader } from '../../src/core/packages/types';

export const PACKAGE_DATA = join(
  process.env.LAYERLENS_FIXTURE_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'layerlens-fixtures'),
  'packages-unit',
);

/** A path the setup script makes; a clear failure (never a skip) when it is missing. */
export function packageData(...parts: string[]): string {
  const path = join(PACKAGE_DATA, ...parts);
  if (!existsSync(path)) throw new Error(`${path} is missing: run bash test/setup/package-tools.sh first (it installs rpm and fetches real package data).`);
  return path;
}

/** Runs a host tool, failing with a sentence that names the setup script when it is not installed. */
export function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024, ...options });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${command} is not installed: run bash test/setup/package-tools.sh first.`);
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`${command} ${args.join(' ')} failed: ${stderr.trim() || String(error)}`);
  }
}

/** What the indexer would capture for `reader` if `root` were an image: image path → bytes of each wanted file. */
export function captureFor(reader: PackageDatabaseReader, root: string): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  for (const name of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
    const full = join(root, name);
    const imagePath = '/' + relative(root, full).split(sep).join('/');
    if (reader.wants(imagePath) && lstatSync(full).isFile()) files.set(imagePath, readFileSync(full));
  }
  return files;
}

/** Every regular file and symlink under `root`, as image paths. */
export function filesUnder(root: string): Set<string> {
  const out = new Set<string>();
  for (const name of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
    const stat = lstatSync(join(root, name));
    if (stat.isFile() || stat.isSymbolicLink()) out.add('/' + name.split(sep).join('/'));
  }
  return out;
}

// Where a layer's bytes are, at a depth a reader recognises: files are grouped two levels deep ("/usr/lib",
// "/var/lib"), then a group moves down into a subdirectory while that one subdirectory holds most of its bytes
// ("/var/lib" → "/var/lib/apt/lists" when the package lists are nearly all of it), so the names are specific
// where the bytes are concentrated and general where they are spread.
import { parentOf, segments } from '../model/paths';
import type { DirectoryBytes } from './explanation';

const GROUP_DEPTH = 2;
/** A group moves into a child holding at least this share of its bytes. */
const CONCENTRATION = 0.8;

interface SizedFile {
  path: string;
  size: number;
}

export function topDirectories(files: SizedFile[], limit = 5): DirectoryBytes[] {
  const groups = new Map<string, SizedFile[]>();
  for (const file of files) {
    if (file.size <= 0) continue;
    const key = '/' + segments(parentOf(file.path)).slice(0, GROUP_DEPTH).join('/');
    const list = groups.get(key) ?? [];
    list.push(file);
    groups.set(key, list);
  }
  const result: DirectoryBytes[] = [];
  for (const [key, members] of groups) result.push(concentrate(key, members));
  result.sort((a, b) => b.bytes - a.bytes || a.path.localeCompare(b.path));
  return result.slice(0, limit);
}

/** Moves down from `dir` while one child directory holds CONCENTRATION of the bytes below it. */
function concentrate(dir: string, files: SizedFile[]): DirectoryBytes {
  const depth = segments(dir).length;
  const total = sum(files);
  const byChild = new Map<string, SizedFile[]>();
  for (const file of files) {
    const parts = segments(file.path);
    if (parts.length - 1 <= depth) continue; // directly in `dir`
    const child = '/' + parts.slice(0, depth + 1).join('/');
    const list = byChild.get(child) ?? [];
    list.push(file);
    byChild.set(child, list);
  }
  for (const [child, members] of byChild) {
    if (sum(members) >= CONCENTRATION * total) return concentrate(child, members);
  }
  return { path: dir, bytes: total, files: files.length };
}

function sum(files: SizedFile[]): number {
  return files.reduce((total, f) => total + f.size, 0);
}

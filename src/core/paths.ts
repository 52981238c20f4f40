// Path handling for tar member names. Every name becomes a clean absolute path inside the image root:
// `..` cannot climb above "/" (as when Docker cleans a name against the root), so nothing can point outside an image.

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Tar headers are read as latin1 so no byte is lost; a name that is valid UTF-8 is decoded as such,
 * any other name keeps one character per byte (lossless, and distinct names stay distinct).
 */
export function decodeTarName(latin1: string): string {
  // Fast path: pure ASCII needs no work.
  if (!/[^\x00-\x7f]/.test(latin1)) return latin1;
  try {
    return utf8.decode(Buffer.from(latin1, 'latin1'));
  } catch {
    return latin1;
  }
}

export interface NormalizedPath {
  path: string;
  /** True when the name tried to leave the root (`../x`) and was clamped. */
  escaped: boolean;
}

/** "./usr//bin/../lib/" → "/usr/lib"; "../../etc/passwd" → "/etc/passwd" (escaped). */
export function normalizeMemberPath(name: string): NormalizedPath {
  const parts: string[] = [];
  let escaped = false;
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) escaped = true;
      else parts.pop();
      continue;
    }
    parts.push(part);
  }
  return { path: '/' + parts.join('/'), escaped };
}

export function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function joinPath(dir: string, name: string): string {
  return dir === '/' ? '/' + name : dir + '/' + name;
}

/** Path components of an absolute path ("/" → []). */
export function segments(path: string): string[] {
  return path === '/' ? [] : path.slice(1).split('/');
}

/** Orders paths so that a directory comes right before its contents ("/a", "/a/b", "/a-b"). */
export function comparePaths(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === cb) continue;
    if (ca === 47) return -1; // '/' sorts before everything
    if (cb === 47) return 1;
    return ca - cb;
  }
  return a.length - b.length;
}

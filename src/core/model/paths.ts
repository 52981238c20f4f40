// Path handling for tar member names. Every name becomes a clean absolute path inside the image root:
// `..` cannot climb above "/" (as when Docker cleans a name against the root), so nothing can point outside an image.

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Tar headers are read as latin1 so no byte is lost. A name that is valid UTF-8 is decoded as such; in any
 * other name each byte that is not part of a valid UTF-8 sequence becomes the lone surrogate U+DC00+byte
 * (Python's "surrogateescape"). That keeps every raw name distinct from every valid one ("caf\xE9" is not
 * "café"), and `encodeTarName` gives the exact bytes back.
 */
export function decodeTarName(latin1: string): string {
  // Fast path: pure ASCII needs no work.
  if (!/[^\x00-\x7f]/.test(latin1)) return latin1;
  const bytes = Buffer.from(latin1, 'latin1');
  try {
    return utf8.decode(bytes);
  } catch {
    return decodeWithSurrogateEscapes(bytes);
  }
}

/** The raw bytes of a name produced by decodeTarName. */
export function encodeTarName(name: string): Buffer {
  const parts: Buffer[] = [];
  let run = '';
  for (const ch of name) {
    const code = ch.codePointAt(0)!;
    if (code >= 0xdc80 && code <= 0xdcff) {
      parts.push(Buffer.from(run, 'utf8'), Buffer.from([code - 0xdc00]));
      run = '';
    } else run += ch;
  }
  parts.push(Buffer.from(run, 'utf8'));
  return Buffer.concat(parts);
}

function decodeWithSurrogateEscapes(bytes: Buffer): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const length = validSequenceLength(bytes, i);
    if (length === 0) {
      out += String.fromCharCode(0xdc00 + bytes[i]);
      i++;
    } else {
      out += bytes.toString('utf8', i, i + length);
      i += length;
    }
  }
  return out;
}

/** Length of the well-formed UTF-8 sequence at `i` (RFC 3629: no overlongs, no surrogates, ≤ U+10FFFF), or 0. */
function validSequenceLength(b: Buffer, i: number): number {
  const c = b[i];
  if (c < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < b.length && b[i + k] >= lo && b[i + k] <= hi;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if ((c >= 0xe1 && c <= 0xec) || c === 0xee || c === 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (c === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (c === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xf1 && c <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

export interface NormalizedPath {
  path: string;
  /** True when the name tried to leave the root (`../x`) and was clamped. */
  escaped: boolean;
}

/** "./usr//bin/../lib/" → "/usr/lib"; "../../etc/passwd" → "/etc/passwd" (escaped). */
export function normalizeMemberPath(name: string): NormalizedPath {
  // Fast path for the usual "usr/bin/env", "./etc/", "/opt/x": nothing to resolve.
  const trimmed = name.replace(/^(\.\/)+|\/+$/g, '');
  if (!/(^|\/)\.{1,2}(\/|$)|\/\/|^\//.test(trimmed)) return { path: '/' + trimmed, escaped: false };
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

/**
 * Whether `path` is already what normalizeMemberPath makes of a name: "/" or "/" followed by non-empty segments,
 * none "." or "..". The same answer as `normalizeMemberPath(path).path === path` (and not escaped), without
 * splitting: the index cache checks every stored path on read, 50,000 of them for an image.
 */
export function isCleanImagePath(path: string): boolean {
  if (path === '/') return true;
  return path.charCodeAt(0) === 47 && !UNCLEAN_SEGMENT.test(path);
}

/** An empty segment ("//", a trailing "/") or a "." or ".." segment. */
const UNCLEAN_SEGMENT = /\/(?:\.\.?)?(?:\/|$)/;

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

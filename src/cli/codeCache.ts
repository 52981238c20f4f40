// V8's code cache for the CLI bundle, kept beside the index cache (<cache>/code/). A hint, never trusted: each
// file is named by what it was made from (the bundle's hash, Node's version, arch and flags, NODE_OPTIONS
// included) and starts with the SHA-256 of the data, checked on read. It is read with a bound (a regular file, no
// symlink followed, no FIFO blocking the open) and written through a temporary file and a rename. Anything else
// is as if absent.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Far above the ~0.5 MB the CLI's cache takes; a larger file is not read. */
export const MAX_CODE_CACHE_BYTES = 64 * 1024 * 1024;
const DIGEST_BYTES = 32;

/**
 * The file for the bundle of this hash, as this Node process would compile it, for one command: the data holds
 * the functions the run that made it compiled, and each command runs other ones.
 */
export function codeCacheFile(cacheDirectory: string, bundleHash: string, command = process.argv[2]): string {
  const runtime = createHash('sha256').update(JSON.stringify([process.version, process.arch, process.execArgv, process.env.NODE_OPTIONS ?? ''])).digest('hex').slice(0, 16);
  const name = command && /^[a-z]{1,20}$/.test(command) ? command : 'other';
  return join(cacheDirectory, 'code', `cli-${bundleHash.slice(0, 32)}-${runtime}-${name}.v8`);
}

/** The cached data, or undefined when the file is missing, not a regular file, too big, or fails its digest. */
export function readCodeCache(file: string): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size <= DIGEST_BYTES || stat.size > MAX_CODE_CACHE_BYTES) return undefined;
    const bytes = Buffer.alloc(stat.size);
    if (readSync(fd, bytes, 0, stat.size, 0) !== stat.size) return undefined;
    const data = bytes.subarray(DIGEST_BYTES);
    return createHash('sha256').update(data).digest().equals(bytes.subarray(0, DIGEST_BYTES)) ? data : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Writes the data with its digest; a failure (read-only disk, a file in the way) only means no cache. */
export function writeCodeCache(file: string, data: Buffer): void {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(temporary, Buffer.concat([createHash('sha256').update(data).digest(), data]), { flag: 'wx' });
    renameSync(temporary, file);
  } catch {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // No directory to hold it: nothing was written.
    }
  }
}

// The truth the engine is checked against: the daemon's own `docker export` of a container created from
// an image, read by an independent tar reader (tar_manifest.py), compared path by path with the engine's
// merged view. The container is never started, and always removed.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { DockerEngine } from '../../../src/docker/engine';
import type { MergedEntry } from '../../../src/core/model/imageModel';

/** A path with the attributes both sides are compared on. */
interface ListedEntry {
  path: string;
  type: string;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  linkTarget?: string;
}

export interface OracleEntry extends ListedEntry {
  sha256?: string;
}

/** What a container's init layer adds or mounts over (not part of any image layer). */
const INIT_PATHS = new Set(['/.dockerenv', '/etc/hosts', '/etc/hostname', '/etc/resolv.conf', '/etc/mtab', '/dev', '/dev/console', '/dev/pts', '/dev/shm', '/proc', '/sys', '/run', '/run/.containerenv']);

export async function exportedFilesystem(engine: DockerEngine, imageId: string): Promise<OracleEntry[]> {
  const container = await engine.docker.createContainer({ Image: imageId, Cmd: ['/bin/sh'], HostConfig: { NetworkMode: 'none' } });
  try {
    const stream = (await container.export()) as NodeJS.ReadableStream;
    return await listTar(stream);
  } finally {
    await container.remove({ force: true });
  }
}

function listTar(stream: NodeJS.ReadableStream): Promise<OracleEntry[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [join(__dirname, 'tar_manifest.py')], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      // tar_manifest.py stops at the end-of-archive marker; the daemon may still be sending padding, and an
      // unread response would keep its socket, and the test process, alive.
      (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      if (code !== 0) reject(new Error(`tar_manifest.py failed: ${Buffer.concat(err).toString()}`));
      else resolve(JSON.parse(Buffer.concat(out).toString('utf8')) as OracleEntry[]);
    });
    stream.on('error', reject);
    stream.pipe(child.stdin);
  });
}

export interface Comparable extends Omit<ListedEntry, 'path'> {
  contentHash?: string;
}

/** Entries in comparable form; a hardlink is compared as the file it shares bytes with. */
function comparable<E extends ListedEntry>(entries: E[], contentHash: (e: E) => string | undefined): Map<string, Comparable> {
  const byPath = new Map(entries.map((e) => [e.path, e]));
  const result = new Map<string, Comparable>();
  for (const e of entries) {
    if (e.path === '/') continue;
    const data = e.type === 'hardlink' && e.linkTarget ? byPath.get(e.linkTarget) ?? e : e;
    result.set(e.path, {
      type: data.type === 'hardlink' ? 'file' : data.type,
      size: data.size,
      mode: e.mode,
      uid: e.uid,
      gid: e.gid,
      linkTarget: e.type === 'symlink' ? e.linkTarget : undefined,
      contentHash: data.type === 'file' ? contentHash(data) : undefined,
    });
  }
  return result;
}

export function comparableFromEngine(entries: MergedEntry[]): Map<string, Comparable> {
  return comparable(entries, (e) => e.hash);
}

export function comparableFromOracle(entries: OracleEntry[]): Map<string, Comparable> {
  // The engine keeps the first 128 bits of SHA-256, base64url.
  return comparable(entries, (e) => (e.sha256 ? Buffer.from(e.sha256, 'hex').subarray(0, 16).toString('base64url') : undefined));
}

/** Paths a container's export holds whatever its image does: the init layer, and the mounts below /proc, /sys, /dev. */
export function madeByContainer(path: string): boolean {
  return INIT_PATHS.has(path) || path.startsWith('/proc/') || path.startsWith('/sys/') || path.startsWith('/dev/');
}

/** Differences between the engine's view and the oracle's, as readable lines (empty = identical). */
export function compareFilesystems(engine: Map<string, Comparable>, oracle: Map<string, Comparable>): string[] {
  const problems: string[] = [];
  const ignored = (path: string, side: Map<string, Comparable>, other: Map<string, Comparable>) =>
    INIT_PATHS.has(path) || path.startsWith('/proc/') || path.startsWith('/sys/') || path.startsWith('/dev/') ||
    // Parents of init paths (/etc, /run) exist in the export even when the image lacks them.
    (['/etc', '/run'].includes(path) && !other.has(path) && side === oracle);
  for (const [path, want] of oracle) {
    if (ignored(path, oracle, engine)) continue;
    const got = engine.get(path);
    if (!got) {
      problems.push(`missing in engine: ${JSON.stringify(path)} (${want.type})`);
      continue;
    }
    for (const key of ['type', 'size', 'mode', 'uid', 'gid', 'linkTarget', 'contentHash'] as const) {
      if (got[key] !== want[key]) problems.push(`${JSON.stringify(path)}: ${key} is ${JSON.stringify(got[key])}, export says ${JSON.stringify(want[key])}`);
    }
  }
  for (const path of engine.keys()) {
    if (!oracle.has(path) && !INIT_PATHS.has(path)) problems.push(`extra in engine: ${JSON.stringify(path)}`);
  }
  return problems;
}

// Reads files of a container (running or not) through the engine's archive endpoint, read-only:
// `HEAD /containers/{id}/archive?path=…` stats a path (the X-Docker-Container-Path-Stat header), and `GET` the
// same URL streams a tar holding it. The engine resolves the path inside the container; callers pass paths
// checked by core/model/containerFileUri.ts safeContainerPath. Nothing here ever writes to a container.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { containerFileType, type ContainerFileFacts } from '../core/model/containerLayer';
import { CancelledError, LayerlensError, messageOf } from '../core/errors';
import { encodeTarName } from '../core/model/paths';
import { describeEngineError, type DockerEngine } from './engine';
import { percentEncodeBytes } from './temporaryContainers';

export interface ContainerPathStat extends ContainerFileFacts {
  name: string;
  /** As the engine reports it (RFC 3339). */
  mtime: string;
}

/** The stat of `path` in container `id`, or undefined when the container has nothing there. */
export async function statContainerPath(engine: DockerEngine, id: string, path: string, signal?: AbortSignal): Promise<ContainerPathStat | undefined> {
  const response = await openArchive(engine, id, path, 'HEAD', signal);
  if (!response) return undefined;
  response.resume();
  return statFrom(response, path);
}

/** The bytes of the regular file at `path` in container `id`, or a LayerlensError saying what is there instead. */
export async function readContainerFile(engine: DockerEngine, id: string, path: string, signal?: AbortSignal): Promise<{ stat: ContainerPathStat; bytes: Buffer }> {
  const chunks: Buffer[] = [];
  const stat = await streamContainerFile(engine, id, path, (chunk) => chunks.push(chunk), signal);
  return { stat, bytes: Buffer.concat(chunks) };
}

/**
 * The stat and content hash (core/index/contentHash.ts: SHA-256, first 128 bits, base64url) of the regular file at
 * `path`, hashed as it streams: a big file is never held in memory.
 */
export async function hashContainerFile(engine: DockerEngine, id: string, path: string, signal?: AbortSignal): Promise<ContainerPathStat> {
  const hash = createHash('sha256');
  const stat = await streamContainerFile(engine, id, path, (chunk) => hash.update(chunk), signal);
  return { ...stat, hash: hash.digest().subarray(0, 16).toString('base64url') };
}

async function streamContainerFile(engine: DockerEngine, id: string, path: string, onData: (chunk: Buffer) => void, signal?: AbortSignal): Promise<ContainerPathStat> {
  const response = await openArchive(engine, id, path, 'GET', signal);
  if (!response) throw new LayerlensError(`The container has no ${path} any more.`, 'not-found');
  const stat = statFrom(response, path);
  if (stat.type !== 'file') {
    response.destroy();
    const what = stat.type === 'dir' ? 'a directory' : stat.type === 'symlink' ? `a symbolic link to ${stat.linkTarget}` : 'not a regular file';
    throw new LayerlensError(`${path} in the container is ${what}; only regular files can be opened.`, 'bad-input');
  }
  const extract = tar.extract();
  let seen = false;
  extract.on('entry', (header, entry, next) => {
    const wanted = !seen && (header.type === 'file' || header.type === 'contiguous-file');
    seen = true;
    entry.on('data', (chunk) => {
      if (wanted) onData(chunk as Buffer);
    });
    entry.on('end', next);
  });
  try {
    await pipeline(response, extract, { signal });
  } catch (error) {
    if (signal?.aborted) throw new CancelledError();
    throw new LayerlensError(`The engine's archive of ${path} broke off: ${messageOf(error).replace(/\.$/, '')}.`, 'unreachable', { cause: error });
  }
  return stat;
}

function statFrom(response: IncomingMessage, path: string): ContainerPathStat {
  const header = response.headers['x-docker-container-path-stat'];
  let raw: { name?: string; size?: number; mode?: number; mtime?: string; linkTarget?: string } | undefined;
  try {
    raw = typeof header === 'string' ? JSON.parse(Buffer.from(header, 'base64').toString('utf8')) : undefined;
  } catch {
    raw = undefined;
  }
  if (!raw || typeof raw.size !== 'number' || typeof raw.mode !== 'number') {
    throw new LayerlensError(`The engine did not say what ${path} is in the container (no path stat in its answer).`, 'unreachable');
  }
  const type = containerFileType(raw.mode);
  const stat: ContainerPathStat = { name: raw.name ?? '', size: raw.size, type, mtime: raw.mtime ?? '' };
  if (type === 'symlink' && raw.linkTarget) stat.linkTarget = raw.linkTarget;
  return stat;
}

/** The engine's answer for `path`, or undefined for a 404 about the path (not the container). */
function openArchive(engine: DockerEngine, id: string, path: string, method: 'GET' | 'HEAD', signal?: AbortSignal): Promise<IncomingMessage | undefined> {
  const modem = engine.docker.modem as unknown as { dial(options: object, callback: (error: unknown, stream: IncomingMessage) => void): void };
  return new Promise((resolve, reject) => {
    modem.dial(
      // No `options`: the query is ours (raw bytes percent-encoded), and docker-modem drops the last character.
      {
        path: `/containers/${encodeURIComponent(id)}/archive?path=${percentEncodeBytes(encodeTarName(path))}&`,
        method,
        isStream: true,
        abortSignal: signal,
        statusCodes: { 200: true, 400: 'bad parameter', 404: 'no such container or path', 500: 'server error' },
      },
      (error, response) => {
        if (!error) {
          response.on('error', () => undefined);
          return resolve(response);
        }
        if (signal?.aborted) return reject(new CancelledError());
        const e = error as { statusCode?: number; json?: { message?: string }; message?: string };
        // A HEAD's 404 has no body to tell a missing path from a missing container: it reads as a missing path.
        const noContainer = /no such container|no container with/i.test(e.json?.message ?? '');
        if (e.statusCode === 404 && !noContainer) return resolve(undefined);
        reject(describeEngineError(error, engine.endpoint, `read ${path} of container ${id.slice(0, 12)}`, noContainer ? id.slice(0, 12) : undefined, 'container'));
      },
    );
  });
}

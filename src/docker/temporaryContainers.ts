// Reads single files of an image through a container created from it and never started: `POST
// /containers/create`, then `GET /containers/{id}/archive?path=…` (a tar holding just that file). That takes
// tens of milliseconds, where `docker save` needs seconds before its first byte. One container per image is
// kept while files are being opened and removed after IDLE_MS without use, on cancel when nothing else uses
// it, and on dispose; the label keeps it out of the Containers view, and a later session removes leftovers.
import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { CancelledError, LayerlensError, messageOf, throwIfAborted } from '../core/errors';
import { encodeTarName } from '../core/model/paths';
import { describeEngineError, TEMPORARY_CONTAINER_LABEL, type DockerEngine } from './engine';

const IDLE_MS = 60_000;
/** Containers of another session older than this are leftovers of a crash: removed on first use. */
const LEFTOVER_AGE_MS = 10 * 60_000;
const SESSION_LABEL = 'layerlens.session';

interface Holder {
  key: string;
  engine: DockerEngine;
  imageId: string;
  name: string;
  created: Promise<string>;
  leases: number;
  idleTimer?: NodeJS.Timeout;
  removing?: Promise<void>;
}

export interface TemporaryContainerOptions {
  /** How long an unused container is kept (default 60 s). */
  idleMs?: number;
  log?: (message: string) => void;
}

export class TemporaryContainers {
  private readonly holders = new Map<string, Holder>();
  private readonly session = randomBytes(6).toString('hex');
  private readonly sweptHosts = new Set<string>();
  private disposed = false;

  constructor(private readonly options: TemporaryContainerOptions = {}) {}

  /**
   * The bytes of the regular file at `path` (a real path: no symlink in it) in a container of `imageId`, or
   * undefined when the engine gives no regular file there (names it cannot encode, paths it mounts over).
   */
  async readFile(engine: DockerEngine, imageId: string, path: string, signal?: AbortSignal): Promise<Buffer | undefined> {
    for (let attempt = 0; ; attempt++) {
      throwIfAborted(signal);
      const holder = this.acquire(engine, imageId);
      try {
        const id = await holder.created;
        throwIfAborted(signal);
        return await readArchiveFile(engine, id, path, signal);
      } catch (error) {
        // Removed under us (another window's clean-up, a prune): make a new one, once.
        if (attempt === 0 && isNoSuchContainer(error) && !signal?.aborted) {
          this.forget(holder);
          continue;
        }
        if (signal?.aborted) throw new CancelledError();
        throw error;
      } finally {
        await this.release(holder, !!signal?.aborted);
      }
    }
  }

  /** Creates the container of an image ahead of a read (e.g. when a file is selected), kept for the idle time. */
  prepare(engine: DockerEngine, imageId: string): void {
    const holder = this.acquire(engine, imageId);
    holder.created.then(
      () => this.release(holder, false),
      () => this.release(holder, false),
    );
  }

  /** Removes the container of an image now (before the image itself is removed, which it would block). */
  async releaseImage(imageId: string): Promise<void> {
    await Promise.all([...this.holders.values()].filter((h) => h.imageId === imageId).map((h) => this.remove(h)));
  }

  /** Names of the containers alive now (for tests and logs). */
  get containerNames(): string[] {
    return [...this.holders.values()].map((h) => h.name);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await Promise.all([...this.holders.values()].map((h) => this.remove(h)));
  }

  private acquire(engine: DockerEngine, imageId: string): Holder {
    if (this.disposed) throw new LayerlensError('Layerlens is shutting down; the file was not read.', 'cancelled');
    const key = `${engine.endpoint.host}\0${imageId}`;
    let holder = this.holders.get(key);
    if (!holder || holder.removing) {
      const name = `layerlens-reader-${imageId.replace(/^sha256:/, '').slice(0, 12)}-${randomBytes(3).toString('hex')}`;
      holder = { key, engine, imageId, name, leases: 0, created: this.create(engine, imageId, name) };
      holder.created.catch(() => this.forget(holder!));
      this.holders.set(key, holder);
      this.sweepLeftovers(engine);
    }
    if (holder.idleTimer) clearTimeout(holder.idleTimer);
    holder.idleTimer = undefined;
    holder.leases++;
    return holder;
  }

  private async release(holder: Holder, cancelled: boolean): Promise<void> {
    holder.leases--;
    if (holder.leases > 0 || holder.removing || this.holders.get(holder.key) !== holder) return;
    // A cancelled open leaves nothing behind; a served one keeps the container for the next open.
    if (cancelled) return this.remove(holder);
    holder.idleTimer = setTimeout(() => void this.remove(holder), this.options.idleMs ?? IDLE_MS);
    holder.idleTimer.unref();
  }

  private create(engine: DockerEngine, imageId: string, name: string): Promise<string> {
    const what = `create a temporary container to read files of image ${imageId}`;
    // Not cancellable on purpose: an abandoned create could leave a container we never learn the ID of.
    return engine.docker
      .createContainer({
        name,
        Image: imageId,
        // Never started; the entrypoint only satisfies images that have no command.
        Entrypoint: ['/layerlens-reader-is-never-started'],
        Cmd: [],
        Labels: {
          [TEMPORARY_CONTAINER_LABEL]: 'true',
          [SESSION_LABEL]: this.session,
          'layerlens.purpose': 'Layerlens reads files of this image through this container; it is never started and is removed when unused.',
        },
        NetworkDisabled: true,
        HostConfig: { NetworkMode: 'none' },
      })
      .then(
        (container) => container.id,
        (error: unknown) => {
          throw describeEngineError(error, engine.endpoint, what, imageId);
        },
      );
  }

  private remove(holder: Holder): Promise<void> {
    if (holder.removing) return holder.removing;
    if (holder.idleTimer) clearTimeout(holder.idleTimer);
    this.forget(holder);
    holder.removing = holder.created.then(
      (id) =>
        holder.engine.docker
          .getContainer(id)
          .remove({ force: true, v: true })
          .then(
            () => undefined,
            (error: unknown) => {
              if (!isNoSuchContainer(error) && !/already in progress/i.test(messageOf(error))) {
                this.options.log?.(`Could not remove the temporary container ${holder.name}: ${messageOf(error)}`);
              }
            },
          ),
      () => undefined,
    );
    return holder.removing;
  }

  private forget(holder: Holder): void {
    if (this.holders.get(holder.key) === holder) this.holders.delete(holder.key);
  }

  /** Once per engine: removes temporary containers that an ended session (a crash) left behind. */
  private sweepLeftovers(engine: DockerEngine): void {
    if (this.sweptHosts.has(engine.endpoint.host)) return;
    this.sweptHosts.add(engine.endpoint.host);
    const cutoff = (Date.now() - LEFTOVER_AGE_MS) / 1000;
    engine.docker
      .listContainers({ all: true, filters: { label: [`${TEMPORARY_CONTAINER_LABEL}=true`] } })
      .then((containers) =>
        Promise.all(
          containers
            .filter((c) => c.Labels?.[SESSION_LABEL] !== this.session && c.Created < cutoff)
            .map((c) => engine.docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined)),
        ),
      )
      .catch((error: unknown) => this.options.log?.(`Could not look for leftover temporary containers: ${messageOf(error)}`));
  }
}

/** `GET /containers/{id}/archive?path=…`: the first entry of the tar if it is a regular file. */
async function readArchiveFile(engine: DockerEngine, id: string, path: string, signal?: AbortSignal): Promise<Buffer | undefined> {
  let stream: NodeJS.ReadableStream;
  try {
    stream = await dialStream(engine, `/containers/${id}/archive?path=${percentEncodeBytes(encodeTarName(path))}`, signal);
  } catch (error) {
    if (signal?.aborted) throw new CancelledError();
    // The container is there but the path is not (Podman cannot look up names that are not UTF-8).
    if ((error as { statusCode?: number }).statusCode === 404 && !isNoSuchContainer(error)) return undefined;
    if (isNoSuchContainer(error)) throw error;
    throw describeEngineError(error, engine.endpoint, `read ${path} from a temporary container`);
  }
  return firstRegularFile(stream as unknown as AsyncIterable<Buffer>, signal);
}

async function firstRegularFile(stream: AsyncIterable<Buffer>, signal?: AbortSignal): Promise<Buffer | undefined> {
  const extract = tar.extract();
  let result: Buffer | undefined;
  let seen = false;
  extract.on('entry', (header, entry, next) => {
    const chunks: Buffer[] = [];
    const wanted = !seen && (header.type === 'file' || header.type === 'contiguous-file');
    seen = true;
    entry.on('data', (chunk) => wanted && chunks.push(chunk as Buffer));
    entry.on('end', () => {
      if (wanted) result = Buffer.concat(chunks);
      next();
    });
  });
  try {
    await pipeline(stream, extract, { signal });
  } catch (error) {
    if (signal?.aborted) throw new CancelledError();
    throw new LayerlensError(`The engine's archive of the file broke off: ${messageOf(error).replace(/\.$/, '')}.`, 'unreachable', { cause: error });
  }
  return result;
}

function dialStream(engine: DockerEngine, path: string, signal?: AbortSignal): Promise<NodeJS.ReadableStream> {
  const modem = engine.docker.modem as unknown as { dial(options: object, callback: (error: unknown, stream: NodeJS.ReadableStream) => void): void };
  return new Promise((resolve, reject) => {
    modem.dial(
      // No `options`: the query is ours (raw bytes percent-encoded), and docker-modem drops the last character.
      { path: path + '&', method: 'GET', isStream: true, abortSignal: signal, statusCodes: { 200: true, 400: 'bad parameter', 404: 'no such container or path', 500: 'server error' } },
      (error, stream) => {
        if (error) return reject(error);
        stream.on('error', () => undefined);
        resolve(stream);
      },
    );
  });
}

/** RFC 3986 percent-encoding of raw bytes: the daemon decodes the query back to the exact bytes of the name. */
export function percentEncodeBytes(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) {
    const unreserved = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || byte === 0x2d || byte === 0x2e || byte === 0x5f || byte === 0x7e || byte === 0x2f;
    out += unreserved ? String.fromCharCode(byte) : '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function isNoSuchContainer(error: unknown): boolean {
  const e = error as { statusCode?: number; json?: { message?: string }; message?: string };
  return e?.statusCode === 404 && /no such container|no container with/i.test(e.json?.message ?? e.message ?? '');
}

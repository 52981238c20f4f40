// The only code that talks to a Docker engine (through dockerode): version, image inspect/history,
// and the streaming export. Every failure becomes one LayerlensError sentence naming the host tried.
// Every request is bounded by the engine's silence (idleBound.ts); an export ends at its tar's end (exportEnd.ts);
// answers are checked for shape before use, so a broken engine is named as such instead of misleading later steps.
import type { IncomingMessage } from 'node:http';
import Docker from 'dockerode';
import type { ImageInspectInfo } from 'dockerode';
import { CancelledError, LayerlensError, messageOf } from '../core/errors';
import type { DockerEndpoint } from './connection';
import type { EngineHistoryEntry } from '../core/model/engineHistory';
import { endingAtArchiveEnd } from './exportEnd';
import { boundedAgent, EngineIdleError, exportAnswerSeconds, idleSecondsFromEnv } from './idleBound';

/** Marks the containers Layerlens creates (never starts) to read files of an image; src/docker/temporaryContainers.ts. */
export const TEMPORARY_CONTAINER_LABEL = 'layerlens.temporary';

export interface EngineVersion {
  version: string;
  apiVersion: string;
  os: string;
  arch: string;
  /** "Docker Engine", "Podman Engine"… */
  product: string;
}

export interface EngineOptions {
  /** Seconds the engine may stay silent in a request (default: LAYERLENS_ENGINE_IDLE_TIMEOUT, else 30). */
  idleSeconds?: number;
  /** Aborting it ends every request of this engine at once (the CLI's Ctrl-C). */
  signal?: AbortSignal;
}

export class DockerEngine {
  readonly docker: Docker;
  readonly idleSeconds: number;
  private readonly signal?: AbortSignal;
  /** Image sizes from inspects, by ID and by the name asked: an export may take time to pack them first. */
  private readonly sizes = new Map<string, number>();

  constructor(
    readonly endpoint: DockerEndpoint,
    options: EngineOptions = {},
  ) {
    this.idleSeconds = options.idleSeconds ?? idleSecondsFromEnv();
    this.signal = options.signal;
    const protocol = (endpoint.options as { protocol?: string }).protocol;
    // docker-modem makes its own agent per request for ssh://, so those requests are not bounded here.
    const agent = protocol === 'ssh' ? undefined : boundedAgent(protocol === 'https' ? 'https' : 'http', this.idleSeconds, `${endpoint.host} (from ${endpoint.source})`, options.signal, (path) =>
          this.answerSeconds(path),
        );
    this.docker = new Docker(agent ? ({ ...endpoint.options, agent } as Docker.DockerOptions) : endpoint.options);
  }

  async version(): Promise<EngineVersion> {
    const v = await this.call('reach the Docker engine', () => this.docker.version());
    if (typeof v?.Version !== 'string') throw this.misshapen('its version');
    const components = (v as unknown as { Components?: { Name?: string }[] }).Components ?? [];
    // Docker calls its component "Engine"; Podman says "Podman Engine".
    const name = components.find((c) => /engine/i.test(c.Name ?? ''))?.Name;
    const product = !name || name === 'Engine' ? 'Docker Engine' : name;
    return { version: v.Version, apiVersion: v.ApiVersion, os: v.Os, arch: v.Arch, product };
  }

  async inspectImage(ref: string): Promise<ImageInspectInfo> {
    const inspect = await this.call(`inspect image ${ref}`, () => this.docker.getImage(ref).inspect(), ref);
    // A truncated answer arrives as raw bytes; its ID would become "undefined" in the export's URL.
    if (!isImageInspect(inspect)) throw this.misshapen(`the inspect of image ${ref}`);
    this.sizes.set(inspect.Id, inspect.Size).set(ref, inspect.Size);
    return inspect;
  }

  async imageHistory(ref: string): Promise<EngineHistoryEntry[]> {
    const history = await this.call(`read the history of ${ref}`, async () => (await this.docker.getImage(ref).history()) as EngineHistoryEntry[], ref);
    if (!Array.isArray(history) || !history.every(isObject)) throw this.misshapen(`the history of image ${ref}`);
    return history;
  }

  async listImages(): Promise<Docker.ImageInfo[]> {
    const images = await this.call('list images', () => this.docker.listImages({ all: false }));
    if (!Array.isArray(images) || !images.every(isObject)) throw this.misshapen('its image list');
    return images;
  }

  /** Every container but Layerlens' own temporary readers (see TEMPORARY_CONTAINER_LABEL), which are not the user's. */
  async listContainers(): Promise<Docker.ContainerInfo[]> {
    const containers = await this.call('list containers', () => this.docker.listContainers({ all: true }));
    if (!Array.isArray(containers) || !containers.every(isObject)) throw this.misshapen('its container list');
    return containers.filter((c) => c.Labels?.[TEMPORARY_CONTAINER_LABEL] !== 'true');
  }

  /** `docker diff`: the container's read-write layer. Kind 0 = changed, 1 = added, 2 = deleted. */
  async containerChanges(id: string): Promise<{ Path: string; Kind: 0 | 1 | 2 }[]> {
    const changes = await this.call(`read the changes of container ${id}`, () => this.docker.getContainer(id).changes(), id, undefined, 'container');
    return (changes as { Path: string; Kind: 0 | 1 | 2 }[] | null) ?? [];
  }

  /** The raw `/events` stream, filtered; aborting `signal` ends it. */
  async openEventStream(filters: Record<string, string[]>, signal: AbortSignal): Promise<NodeJS.ReadableStream> {
    return this.call(
      'watch engine events',
      async () => {
        // The daemon sends its headers before it subscribes; `since` makes it replay what happened in between.
        const since = Math.floor(Date.now() / 1000) - 1;
        const stream = await this.docker.getEvents({ filters, since, abortSignal: signal } as Docker.GetEventsOptions);
        stream.on('error', () => undefined); // seen by the watcher; an abort must not crash the process
        return stream;
      },
      undefined,
      signal,
    );
  }

  /**
   * Starts `GET /images/{ref}/get` and returns the response stream, which ends at the tar's end-of-archive
   * marker. Aborting `signal` destroys the request, which closes the socket and makes the daemon stop writing.
   */
  async exportImage(ref: string, signal?: AbortSignal): Promise<NodeJS.ReadableStream> {
    const modem = this.docker.modem as unknown as { dial(options: object, callback: (error: unknown, stream: NodeJS.ReadableStream) => void): void };
    return this.call(
      `export image ${ref}`,
      () =>
        new Promise<NodeJS.ReadableStream>((resolve, reject) => {
          modem.dial(
            {
              path: `/images/${encodeURI(ref)}/get?`,
              method: 'GET',
              isStream: true,
              abortSignal: signal,
              statusCodes: { 200: true, 404: 'no such image', 500: 'server error' },
            },
            (error, stream) => {
              if (error) return reject(error);
              // The reader sees errors through iteration; after a cancel nobody iterates, and an
              // 'error' event without a listener would crash the process.
              stream.on('error', () => undefined);
              const tar = endingAtArchiveEnd(stream as IncomingMessage);
              tar.on('error', () => undefined);
              resolve(tar);
            },
          );
        }),
      ref,
      signal,
    );
  }

  /** Runs a daemon call and turns its failure into a user sentence. */
  private async call<T>(what: string, fn: () => Promise<T>, ref?: string, signal?: AbortSignal, noun: 'image' | 'container' = 'image'): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (signal?.aborted || this.signal?.aborted) throw new CancelledError();
      throw describeEngineError(error, this.endpoint, what, ref, noun);
    }
  }

  /** An export's answer may wait for the engine to pack the image (exportAnswerSeconds); anything else answers within the bound. */
  private answerSeconds(path: string): number {
    const exported = /\/images\/([^?]+)\/get(\?|$)/.exec(path);
    return exported ? exportAnswerSeconds(this.idleSeconds, this.sizes.get(decodeURI(exported[1])) ?? 0) : this.idleSeconds;
  }

  private misshapen(what: string): LayerlensError {
    return new LayerlensError(
      `The Docker engine at ${this.endpoint.host} (from ${this.endpoint.source}) sent ${what} in a shape no Docker API has (cut short or not JSON); it is not working properly.`,
      'unreachable',
    );
  }
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The fields the export and the cache rely on: a non-empty ID, and the layer list when there is one. */
function isImageInspect(value: unknown): value is ImageInspectInfo {
  if (!isObject(value) || Buffer.isBuffer(value)) return false;
  const v = value as { Id?: unknown; RootFS?: { Layers?: unknown } };
  if (typeof v.Id !== 'string' || !v.Id) return false;
  if (v.RootFS === undefined) return true;
  if (!isObject(v.RootFS)) return false;
  const layers = v.RootFS.Layers;
  return layers === undefined || layers === null || (Array.isArray(layers) && layers.every((l) => typeof l === 'string'));
}

export function describeEngineError(error: unknown, endpoint: DockerEndpoint, what: string, ref?: string, noun: 'image' | 'container' = 'image'): LayerlensError {
  if (error instanceof EngineIdleError) return error.during(what);
  if (error instanceof LayerlensError) return error;
  const e = error as { code?: string; statusCode?: number; reason?: string; json?: { message?: string } };
  const where = `${endpoint.host} (from ${endpoint.source})`;
  const status = e.statusCode;
  if (status === 404 && ref) return new LayerlensError(`There is no ${noun} "${ref}" on ${endpoint.host}.`, 'not-found', { cause: error });
  switch (e.code) {
    case 'ENOENT':
      return new LayerlensError(`No Docker engine at ${where}: the socket does not exist. Start Docker or point DOCKER_HOST at a running engine.`, 'unreachable', { cause: error });
    case 'ECONNREFUSED':
      return new LayerlensError(`No Docker engine answers at ${where}: connection refused. Start Docker or point DOCKER_HOST at a running engine.`, 'unreachable', { cause: error });
    case 'EACCES':
    case 'EPERM':
      return new LayerlensError(
        `Permission denied on ${where}. Add your user to the "docker" group (sudo usermod -aG docker $USER, then log in again) or use a socket you can open.`,
        'permission',
        { cause: error },
      );
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new LayerlensError(`Cannot reach the Docker engine at ${where} (${e.code}). Check the address and the network.`, 'unreachable', { cause: error });
    case 'ECONNRESET': {
      // A TLS port answers a plain HTTP request by hanging up.
      const hint = endpoint.host.startsWith('tcp://') && !endpoint.tls ? ' If it expects TLS, set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH.' : '';
      return new LayerlensError(`The Docker engine at ${where} closed the connection while trying to ${what}.${hint}`, 'unreachable', { cause: error });
    }
  }
  const message = e.json?.message ?? messageOf(error);
  if (/certificate|SSL|TLS|self.signed|unable to verify/i.test(message)) {
    return new LayerlensError(`TLS error talking to ${where}: ${message}. Check DOCKER_CERT_PATH and DOCKER_TLS_VERIFY.`, 'unreachable', { cause: error });
  }
  if (status) return new LayerlensError(`The Docker engine at ${endpoint.host} could not ${what}: ${message.trim().replace(/\.$/, '')}.`, 'bad-input', { cause: error });
  return new LayerlensError(`Could not ${what} on ${where}: ${message.trim().replace(/\.$/, '')}.`, 'unreachable', { cause: error });
}

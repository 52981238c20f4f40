// The only code that talks to a Docker engine (through dockerode): version, image inspect/history,
// and the streaming export. Every failure becomes one LayerlensError sentence naming the host tried.
import Docker from 'dockerode';
import type { ImageInspectInfo } from 'dockerode';
import { CancelledError, LayerlensError, messageOf } from '../core/errors';
import type { DockerEndpoint } from './connection';
import type { EngineHistoryEntry } from '../core/engineHistory';

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

export class DockerEngine {
  readonly docker: Docker;

  constructor(readonly endpoint: DockerEndpoint) {
    this.docker = new Docker(endpoint.options);
  }

  async version(): Promise<EngineVersion> {
    const v = await this.call('reach the Docker engine', () => this.docker.version());
    const components = (v as unknown as { Components?: { Name?: string }[] }).Components ?? [];
    // Docker calls its component "Engine"; Podman says "Podman Engine".
    const name = components.find((c) => /engine/i.test(c.Name ?? ''))?.Name;
    const product = !name || name === 'Engine' ? 'Docker Engine' : name;
    return { version: v.Version, apiVersion: v.ApiVersion, os: v.Os, arch: v.Arch, product };
  }

  async inspectImage(ref: string): Promise<ImageInspectInfo> {
    return this.call(`inspect image ${ref}`, () => this.docker.getImage(ref).inspect(), ref);
  }

  async imageHistory(ref: string): Promise<EngineHistoryEntry[]> {
    return this.call(`read the history of ${ref}`, async () => (await this.docker.getImage(ref).history()) as EngineHistoryEntry[], ref);
  }

  async listImages(): Promise<Docker.ImageInfo[]> {
    return this.call('list images', () => this.docker.listImages({ all: false }));
  }

  /** Every container but Layerlens' own temporary readers (see TEMPORARY_CONTAINER_LABEL), which are not the user's. */
  async listContainers(): Promise<Docker.ContainerInfo[]> {
    const containers = await this.call('list containers', () => this.docker.listContainers({ all: true }));
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
   * Starts `GET /images/{ref}/get` and returns the response stream. Aborting `signal` destroys the request,
   * which closes the socket and makes the daemon stop writing.
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
              resolve(stream);
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
      if (signal?.aborted) throw new CancelledError();
      throw describeEngineError(error, this.endpoint, what, ref, noun);
    }
  }
}

export function describeEngineError(error: unknown, endpoint: DockerEndpoint, what: string, ref?: string, noun: 'image' | 'container' = 'image'): LayerlensError {
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

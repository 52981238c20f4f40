// One connection to the engine for the whole extension: resolves the host (setting > DOCKER_HOST > docker
// context > default), says what it is connected to or why it is not, forwards the engine's events, and
// reconnects by itself when an unreachable engine comes back.
import * as vscode from 'vscode';
import { LayerlensError, messageOf } from '../core/errors';
import { resolveEndpoint, type DockerEndpoint } from '../docker/connection';
import { DockerEngine, type EngineVersion } from '../docker/engine';
import { parseIdleSeconds } from '../docker/idleBound';
import { watchEngineEvents, type EngineEvent } from '../docker/events';

/** Why no engine answers, for the welcome view (one per kind, see package.json viewsWelcome). */
export type FailureKind = 'not-running' | 'permission' | 'tls' | 'timeout' | 'other';

export type EngineState =
  | { kind: 'connecting'; host?: string }
  | { kind: 'connected'; engine: DockerEngine; endpoint: DockerEndpoint; version: EngineVersion }
  | { kind: 'unreachable'; host: string; source: string; message: string; failure: FailureKind };

const RETRY_MS = 5000;
/** An engine that accepts the connection but never answers must not leave the view "connecting" forever. */
const ANSWER_TIMEOUT_MS = 15000;

export class EngineService implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<EngineState>();
  private readonly events = new vscode.EventEmitter<EngineEvent>();
  /** Fires when the connection changes (connected, lost, host changed). */
  readonly onDidChangeState = this.changed.event;
  /** Image and container events of the connected engine. */
  readonly onDidReceiveEvent = this.events.event;
  private current: EngineState = { kind: 'connecting' };
  private watch: AbortController | undefined;
  private retry: NodeJS.Timeout | undefined;
  private disposed = false;
  /** Each connect() takes a number; only the newest may install its result (a retry and a settings change can overlap). */
  private attempt = 0;

  constructor(
    private readonly configuredHost: () => string | undefined,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get state(): EngineState {
    return this.current;
  }

  /** The state once the current attempt to connect has ended: at once, unless it is still connecting. */
  settled(): Promise<EngineState> {
    if (this.current.kind !== 'connecting') return Promise.resolve(this.current);
    return new Promise((resolve) => {
      const subscription = this.onDidChangeState((state) => {
        if (state.kind === 'connecting') return;
        subscription.dispose();
        resolve(state);
      });
    });
  }

  /** The connected engine, or a LayerlensError saying why there is none. */
  requireEngine(): DockerEngine {
    if (this.current.kind === 'connected') return this.current.engine;
    if (this.current.kind === 'unreachable') throw new LayerlensError(this.current.message, 'unreachable');
    throw new LayerlensError('Still connecting to the Docker engine; try again in a moment.', 'unreachable');
  }

  /** (Re)connects: resolves the host again, pings, starts watching events. */
  async connect(): Promise<void> {
    this.stop();
    const attempt = ++this.attempt;
    let endpoint: DockerEndpoint;
    try {
      endpoint = resolveEndpoint({ explicitHost: this.configuredHost(), explicitSource: 'the layerlens.dockerHost setting' });
    } catch (error) {
      return this.setUnreachable('(invalid)', 'settings', messageOf(error), 'other');
    }
    // A retry while unreachable stays "unreachable" until it succeeds: no flicker through "connecting".
    if (this.current.kind !== 'unreachable' || this.current.host !== endpoint.host) this.setState({ kind: 'connecting', host: endpoint.host });
    // The setting bounds how long the engine may stay silent in any request (src/docker/idleBound.ts).
    const engine = new DockerEngine(endpoint, { idleSeconds: parseIdleSeconds(vscode.workspace.getConfiguration('layerlens').get<number>('engineIdleTimeout')) });
    try {
      const version = await withTimeout(engine.version(), ANSWER_TIMEOUT_MS, `The Docker engine at ${endpoint.host} (from ${endpoint.source}) accepts connections but does not answer.`);
      if (this.disposed || attempt !== this.attempt) return;
      this.log.info(`Connected to ${version.product} ${version.version} at ${endpoint.host} (from ${endpoint.source}).`);
      this.setState({ kind: 'connected', engine, endpoint, version });
      this.watchEvents(engine);
    } catch (error) {
      if (attempt !== this.attempt) return;
      this.setUnreachable(endpoint.host, endpoint.source, messageOf(error), failureKind(error));
    }
  }

  private watchEvents(engine: DockerEngine): void {
    const abort = new AbortController();
    this.watch = abort;
    watchEngineEvents(engine, (event) => this.events.fire(event), abort.signal).then(
      () => {
        // The stream ended without a cancel: the engine went away (or restarted).
        if (!abort.signal.aborted) void this.connect();
      },
      (error) => {
        if (abort.signal.aborted) return;
        this.log.warn(`Event stream ended: ${messageOf(error)}`);
        void this.connect();
      },
    );
  }

  private setUnreachable(host: string, source: string, message: string, failure: FailureKind): void {
    if (this.disposed) return;
    const repeated = this.current.kind === 'unreachable' && this.current.message === message;
    if (!repeated) this.log.warn(message);
    void vscode.commands.executeCommand('setContext', 'layerlens.engineFailure', failure);
    if (!repeated) this.setState({ kind: 'unreachable', host, source, message, failure });
    // Polls only while there is no engine, so the views recover when it comes back.
    this.retry = setTimeout(() => void this.connect(), RETRY_MS);
  }

  private setState(state: EngineState): void {
    this.current = state;
    void vscode.commands.executeCommand('setContext', 'layerlens.engine', state.kind);
    this.changed.fire(state);
  }

  private stop(): void {
    this.watch?.abort();
    this.watch = undefined;
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
  }

  dispose(): void {
    this.disposed = true;
    this.stop();
    this.changed.dispose();
    this.events.dispose();
  }
}

function failureKind(error: unknown): FailureKind {
  if (error instanceof TimeoutError) return 'timeout';
  if (!(error instanceof LayerlensError)) return 'other';
  if (error.kind === 'permission') return 'permission';
  if (/TLS error/.test(error.message)) return 'tls';
  if (error.kind === 'unreachable') return 'not-running';
  return 'other';
}

class TimeoutError extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new TimeoutError(message)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

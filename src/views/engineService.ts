// One connection to the engine for the whole extension: resolves the host (setting > DOCKER_HOST > docker
// context > default), says what it is connected to or why it is not, forwards the engine's events, and
// reconnects by itself when an unreachable engine comes back.
import * as vscode from 'vscode';
import { LayerlensError, messageOf } from '../core/errors';
import { resolveEndpoint, type DockerEndpoint } from '../docker/connection';
import { DockerEngine, type EngineVersion } from '../docker/engine';
import { watchEngineEvents, type EngineEvent } from '../docker/events';

export type EngineState =
  | { kind: 'connecting'; host?: string }
  | { kind: 'connected'; engine: DockerEngine; endpoint: DockerEndpoint; version: EngineVersion }
  | { kind: 'unreachable'; host: string; source: string; message: string };

const RETRY_MS = 5000;

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

  constructor(
    private readonly configuredHost: () => string | undefined,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get state(): EngineState {
    return this.current;
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
    let endpoint: DockerEndpoint;
    try {
      endpoint = resolveEndpoint({ explicitHost: this.configuredHost(), explicitSource: 'the layerlens.dockerHost setting' });
    } catch (error) {
      return this.setUnreachable('(invalid)', 'settings', messageOf(error));
    }
    this.setState({ kind: 'connecting', host: endpoint.host });
    const engine = new DockerEngine(endpoint);
    try {
      const version = await engine.version();
      if (this.disposed) return;
      this.log.info(`Connected to ${version.product} ${version.version} at ${endpoint.host} (from ${endpoint.source}).`);
      this.setState({ kind: 'connected', engine, endpoint, version });
      this.watchEvents(engine);
    } catch (error) {
      this.setUnreachable(endpoint.host, endpoint.source, messageOf(error));
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

  private setUnreachable(host: string, source: string, message: string): void {
    if (this.disposed) return;
    this.log.warn(message);
    this.setState({ kind: 'unreachable', host, source, message });
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

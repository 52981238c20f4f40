// One Layer Explorer panel: shows the layer list at once (inspect + history), indexes the image with a progress
// bar, then answers the webview's questions through an ExplorerSession. Every incoming message is validated.
import * as vscode from 'vscode';
import { analyzeImage } from '../core/analysis/analysis';
import { stepsFromEngineHistory } from '../core/model/engineHistory';
import { LayerlensError, messageOf } from '../core/errors';
import type { LoadOptions, LoadStage } from '../docker/imageLoader';
import { describeImageSource, isEngineReference } from '../views/imageReferences';
import type { ImageFiles } from '../core/model/imageFiles';
import type { ImageModel } from '../core/model/imageModel';
import { compareFromExplorer, openFromExplorer } from './fileCommands';
import { ExplorerSession, layersFromEngineSteps } from './explorerSession';
import { setUpPanel } from './panelShell';
import { parseFromWebview, type Command, type ImageHeader, type LayerInfo, type PanelState, type ToWebview } from './protocol';

export interface ExplorerHost {
  readonly extensionUri: vscode.Uri;
  readonly log: vscode.LogOutputChannel;
  /** "Docker Engine 26.1.5 · unix:///var/run/docker.sock", or undefined when not connected. */
  engineLabel(): string | undefined;
  /** Loads the image under a cancellable progress notification (the signal also aborts when the panel closes). */
  load(ref: string, label: string, signal: AbortSignal, onProgress: (done: number, expected: number) => void, onStage?: (stage: LoadStage) => void): Promise<ImageModel>;
  /** The engine, for the quick overview before indexing (undefined for archives or when disconnected). */
  engine(): LoadOptions['engine'];
  fileUri(imageId: string, layer: number, path: string): vscode.Uri;
  /** Told when an image is indexed (the read-only file system serves its files from then on). */
  indexed(model: ImageModel): void;
  /** The image's files as the `layerlens:` file system reads them: one view per model, its merged views shared. */
  filesOf?(model: ImageModel): ImageFiles;
}

export class ExplorerPanel implements vscode.Disposable {
  static readonly viewType = 'layerlens.explorer';
  private session?: ExplorerSession;
  private readonly abort = new AbortController();
  private pendingSelect?: { path: string; layer: number };
  private disposed = false;
  /** Messages wait for the webview's first `ready`: the image is read meanwhile, and what is known is sent then. */
  private webviewReady = false;
  private stateSent = false;
  private overview?: Extract<ToWebview, { kind: 'overview' }>;
  private failure?: string;
  private lastProgress?: Extract<ToWebview, { kind: 'progress' }>;
  /** When each stage of the first load ended, in ms since the panel opened (logged, and sent for the e2e bench). */
  private readonly timings: Record<string, number> = {};
  private readonly opened = performance.now();
  /** The same moment as a wall-clock time, sent with the timings: the e2e bench relates them to its click. */
  private readonly openedAt = Date.now();
  private historyScheduled = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly state: PanelState,
    private readonly host: ExplorerHost,
    onDispose: () => void,
  ) {
    setUpPanel(panel, host.extensionUri, {
      title: state.label,
      receive: (raw) => this.receive(raw),
      closing: () => {
        this.disposed = true;
        this.abort.abort();
        onDispose();
      },
    });
    // The read starts with the panel, not when its webview has started (0.7-1.3 s in code-server): the CLI
    // waits for no webview, and the export's first bytes are most of a cold open.
    void this.load();
  }

  get model(): ImageModel | undefined {
    return this.session?.model;
  }

  /** Selects a path at a layer (from an explanation link); waits for the index if need be. */
  select(path: string, layer: number): void {
    this.panel.reveal();
    this.pendingSelect = { path, layer };
    if (this.session) this.deliverPendingSelect();
  }

  dispose(): void {
    this.panel.dispose();
  }

  private post(message: ToWebview): void {
    if (!this.disposed && this.webviewReady) void this.panel.webview.postMessage(message);
  }

  private deliverPendingSelect(): void {
    if (!this.pendingSelect || !this.webviewReady) return;
    this.post({ kind: 'select', ...this.pendingSelect });
    this.pendingSelect = undefined;
  }

  private receive(raw: unknown): void {
    const message = parseFromWebview(raw);
    if (!message) {
      this.host.log.warn('Layer Explorer: ignored a malformed message from the webview.');
      return;
    }
    if (message.kind === 'ready') {
      this.webviewReady = true;
      this.mark('webviewReady');
      return this.start();
    }
    if ('id' in message) {
      if (!this.session) return this.post({ kind: 'response', id: message.id, error: 'The image is still being read.', elapsedMs: 0 });
      if (message.kind === 'packages') return void this.session.answerWhenRead(message).then((response) => this.post(response));
      this.post(this.session.answer(message));
      this.afterFirstAnswer();
      return;
    }
    void this.run(message).catch((error) => void vscode.window.showErrorMessage(messageOf(error)));
  }

  private async run(command: Exclude<Command, { kind: 'ready' }>): Promise<void> {
    const model = this.session?.model;
    switch (command.kind) {
      case 'copyPath':
        await vscode.env.clipboard.writeText(command.path);
        vscode.window.setStatusBarMessage(`Copied ${command.path}`, 3000);
        return;
      case 'cspViolation':
        this.host.log.error(`Layer Explorer: Content-Security-Policy violation (${command.directive}).`);
        return;
      case 'copyInstruction': {
        const step = model?.steps.find((s) => s.layerIndex === command.layer);
        if (!step) return;
        await vscode.env.clipboard.writeText(step.instruction);
        vscode.window.setStatusBarMessage(`Copied the instruction of layer #${command.layer}`, 3000);
        return;
      }
      case 'explain':
        if (model) await vscode.commands.executeCommand('layerlens.explainLayer', { imageRef: this.state.imageRef, label: this.state.label, layer: command.layer });
        return;
      case 'open':
        if (this.session) await openFromExplorer({ session: this.session, fileUri: this.host.fileUri }, command.path, command.layer);
        return;
      case 'compare':
        if (this.session) await compareFromExplorer({ session: this.session, fileUri: this.host.fileUri }, command.path, command.layer);
        return;
    }
  }

  /**
   * Called on every `ready`: the webview is recreated when its tab is hidden and shown again, so it is sent what
   * is known so far (the loading itself started with the panel).
   */
  private start(): void {
    // The overview carries the panel's state, which the webview stores for a window reload to restore the panel:
    // it is sent the first time even when the image was read before the webview started.
    const loading = !this.session && !this.failure;
    if (loading || !this.stateSent) {
      this.post(this.overview ?? { kind: 'overview', header: { name: this.state.label, id: this.state.imageId ?? '', engine: this.source(), totalSize: 0 }, layers: [], state: this.state });
      this.stateSent = true;
    }
    if (this.session) {
      this.sendIndexed();
      return this.deliverPendingSelect();
    }
    if (this.failure) return this.post({ kind: 'failed', message: this.failure });
    if (this.lastProgress) this.post(this.lastProgress);
  }

  /**
   * The layer list as soon as the engine's inspect and history answer; the index meanwhile. The export starts at
   * once too: waiting for the overview first cost its round trips on every cold open.
   */
  private async load(): Promise<void> {
    void this.quickOverview().then((overview) => {
      if (this.session || this.failure) return; // the index came first: it says more
      this.overview = overview;
      this.post(overview);
      // 0 of the expected bytes until the export's first bytes: a still bar instead of an endless animation.
      if (!this.lastProgress && overview.header.totalSize > 0) {
        this.lastProgress = { kind: 'progress', done: 0, expected: overview.header.totalSize };
        this.post(this.lastProgress);
      }
      this.mark('overview');
    });

    let last = 0;
    try {
      const onProgress = (done: number, expected: number) => {
        this.mark('firstBytes');
        this.lastProgress = { kind: 'progress', done, expected };
        // A few updates a second: each one redraws the bar (a 100 ms transition) and the status line.
        const now = Date.now();
        if (now - last < 400) return;
        last = now;
        this.post(this.lastProgress);
      };
      // The loader's stages, timed like the panel's own ("exported": the export read and indexed).
      const onStage = (stage: LoadStage) => this.mark(stage === 'read' ? 'exported' : stage);
      const model = await this.host.load(this.state.imageRef, this.state.label, this.abort.signal, onProgress, onStage);
      this.mark('read');
      const analysis = analyzeImage(model);
      this.mark('analysis');
      this.session = new ExplorerSession(model, analysis, this.host.filesOf?.(model));
      this.mark('session');
      this.host.indexed(model);
      this.sendIndexed();
      this.mark('indexed');
      this.host.log.info(`Layer Explorer: ${this.state.label} opened (ms since the panel opened: ${JSON.stringify(this.timings)}).`);
      this.deliverPendingSelect();
    } catch (error) {
      if (this.disposed) return;
      const cancelled = error instanceof LayerlensError && error.kind === 'cancelled';
      this.failure = cancelled ? 'Reading the image was cancelled; close this panel and open it again to retry.' : messageOf(error);
      this.host.log.error(`Layer Explorer: ${this.state.label}: ${this.failure}`);
      this.post({ kind: 'failed', message: this.failure });
    }
  }

  /** The layer list from the engine's inspect and history alone (no export). */
  private async quickOverview(): Promise<Extract<ToWebview, { kind: 'overview' }>> {
    const header: ImageHeader = { name: this.state.label, id: this.state.imageId ?? '', engine: this.source(), totalSize: 0 };
    let layers: LayerInfo[] = [];
    const engine = isEngineReference(this.state.imageRef) ? this.host.engine() : undefined;
    if (engine) {
      try {
        const docker = engine();
        const [inspect, history] = await Promise.all([docker.inspectImage(this.state.imageRef), docker.imageHistory(this.state.imageRef)]);
        header.id = inspect.Id;
        header.totalSize = inspect.Size;
        layers = layersFromEngineSteps(stepsFromEngineHistory(history, inspect.RootFS?.Layers?.length ?? 0));
      } catch (error) {
        this.host.log.warn(`Layer Explorer: no quick overview of ${this.state.label}: ${messageOf(error)}`);
      }
    }
    return { kind: 'overview', header, layers, state: this.state };
  }

  /** Where the image comes from, as the header says it: the engine, "image archive", "registry HOST". */
  private source(): string {
    return describeImageSource(this.state.imageRef, this.host.engineLabel());
  }

  private mark(stage: string): void {
    this.timings[stage] ??= Math.round(performance.now() - this.opened);
  }

  /**
   * Once the first tree is on its way, index every path's history while the user looks at it: selecting a file
   * is then instant. (Done earlier, this pass delayed the first tree.)
   */
  private afterFirstAnswer(): void {
    if (this.historyScheduled) return;
    this.historyScheduled = true;
    this.mark('firstAnswer');
    setTimeout(() => {
      this.session?.pathHistory('/');
      setTimeout(() => this.readPackages(), 50);
    }, 50);
  }

  /** The packages, read once the first tree shows (never before it): file details name their owners then. */
  private readPackages(): void {
    const session = this.session;
    if (!session || this.disposed) return;
    session.loadPackages().then(
      () => this.post({ kind: 'packagesLoaded' }),
      (error) => this.host.log.warn(`Layer Explorer: the package databases of ${this.state.label} could not be read: ${messageOf(error)}`),
    );
  }

  private sendIndexed(): void {
    const session = this.session!;
    const { analysis, model } = session;
    const header: ImageHeader = {
      name: this.state.label,
      id: model.data.id,
      engine: this.source(),
      totalSize: analysis.totalSize,
      exactWastedBytes: analysis.exactWastedBytes,
      efficiency: analysis.efficiency,
      wastedBytes: analysis.wastedBytes,
    };
    this.post({ kind: 'indexed', header, layers: session.layers(), wasted: session.wasted(), timings: { ...this.timings, panelOpenedAt: this.openedAt } });
  }
}

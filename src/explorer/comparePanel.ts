// One compare panel, the Layer Explorer's compare mode: reads both images (through the cache, with progress),
// compares them once (src/core/compare, with both images' packages), then answers the webview's questions from the comparison's tree.
// Every incoming message is validated. Open Changes opens VS Code's diff editor on `layerlens:` URIs of both.
import * as vscode from 'vscode';
import { compareImages, packagesToCompare } from '../core/compare';
import { LayerlensError, messageOf } from '../core/errors';
import type { ImageModel } from '../core/model/imageModel';
import { baseName } from '../core/model/paths';
import type { ExplorerHost } from './explorerPanel';
import { setUpPanel } from './panelShell';
import { CompareTree } from './compareTree';
import { parseFromCompareWebview, type CompareCommand, type CompareRequest, type CompareResponse, type ComparePanelState, type ToCompareWebview } from './compareProtocol';

export class ComparePanel implements vscode.Disposable {
  static readonly viewType = 'layerlens.compare';
  private tree?: CompareTree;
  private models?: { a: ImageModel; b: ImageModel };
  private readonly abort = new AbortController();
  private disposed = false;
  private loading?: Promise<void>;
  private failure?: string;
  private compared?: Extract<ToCompareWebview, { kind: 'compared' }>;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly state: ComparePanelState,
    private readonly host: ExplorerHost,
    onDispose: () => void,
  ) {
    setUpPanel(panel, host.extensionUri, {
      title: ComparePanel.titleOf(state),
      script: 'compare.js',
      receive: (raw) => this.receive(raw),
      closing: () => {
        this.disposed = true;
        this.abort.abort();
        onDispose();
      },
    });
  }

  static titleOf(state: ComparePanelState): string {
    return `${state.a.label} ↔ ${state.b.label}`;
  }

  /** Both images, once read (for the `layerlens:` file system). */
  get images(): { a: ImageModel; b: ImageModel } | undefined {
    return this.models;
  }

  dispose(): void {
    this.panel.dispose();
  }

  private post(message: ToCompareWebview): void {
    if (!this.disposed) void this.panel.webview.postMessage(message);
  }

  private receive(raw: unknown): void {
    const message = parseFromCompareWebview(raw);
    if (!message) {
      this.host.log.warn('Compare: ignored a malformed message from the webview.');
      return;
    }
    if (message.kind === 'ready') return this.start();
    if ('id' in message) return this.post(this.answer(message));
    void this.run(message).catch((error) => void vscode.window.showErrorMessage(messageOf(error)));
  }

  private answer(request: CompareRequest): CompareResponse {
    const started = performance.now();
    const elapsedMs = () => Math.round((performance.now() - started) * 10) / 10;
    const tree = this.tree;
    if (!tree) return { kind: 'response', id: request.id, error: 'The images are still being read.', elapsedMs: 0 };
    switch (request.kind) {
      case 'children':
        return { kind: 'response', id: request.id, rows: tree.children(request.dir, request.depth, request.query.sort), elapsedMs: elapsedMs() };
      case 'filter':
        return { kind: 'response', id: request.id, ...tree.filter(request.filter, request.query.sort), elapsedMs: elapsedMs() };
      case 'details': {
        const details = tree.details(request.path);
        if (!details) return { kind: 'response', id: request.id, error: 'This path does not differ between the two images.', elapsedMs: elapsedMs() };
        return { kind: 'response', id: request.id, details, elapsedMs: elapsedMs() };
      }
    }
  }

  private async run(command: Exclude<CompareCommand, { kind: 'ready' }>): Promise<void> {
    switch (command.kind) {
      case 'copyPath':
        await vscode.env.clipboard.writeText(command.path);
        vscode.window.setStatusBarMessage(`Copied ${command.path}`, 3000);
        return;
      case 'cspViolation':
        this.host.log.error(`Compare: Content-Security-Policy violation (${command.directive}).`);
        return;
      case 'openChanges':
        return this.openChanges(command.path);
      case 'openSide':
        return this.openSide(command.path, command.side);
    }
  }

  /** Both versions in the diff editor; a path only one image has opens alone; anything else says why not. */
  private async openChanges(path: string): Promise<void> {
    const details = this.tree?.details(path);
    if (!details || !this.models) return;
    if (!details.openChanges.enabled) {
      void vscode.window.showInformationMessage(details.openChanges.title);
      return;
    }
    if (!details.a || !details.b) return this.openSide(path, details.a ? 'a' : 'b');
    const left = this.uriOf('a', path);
    const right = this.uriOf('b', path);
    await vscode.commands.executeCommand('vscode.diff', left, right, `${baseName(path)} (${this.state.a.label} ↔ ${this.state.b.label})`, { preview: true });
  }

  private async openSide(path: string, side: 'a' | 'b'): Promise<void> {
    const version = this.tree?.difference(path)?.[side];
    if (!version || !this.models) return;
    if (version.type !== 'file' && version.type !== 'hardlink') {
      void vscode.window.showInformationMessage(`${path} is a ${version.type} in ${this.state[side].label}: it has no content to open.`);
      return;
    }
    await vscode.commands.executeCommand('vscode.open', this.uriOf(side, path), { preview: true });
  }

  /** The file as the image's final merged view shows it. */
  private uriOf(side: 'a' | 'b', path: string): vscode.Uri {
    const model = this.models![side];
    return this.host.fileUri(model.data.id, model.topLayer, path);
  }

  /** Called on every `ready` (the webview is recreated when its tab is shown again): sends what is known. */
  private start(): void {
    if (this.compared) return this.post(this.compared);
    if (this.failure) return this.post({ kind: 'failed', message: this.failure });
    this.post({ kind: 'loading', state: this.state, message: 'Reading both images…' });
    this.loading ??= this.load();
  }

  private async load(): Promise<void> {
    const started = performance.now();
    const timings: Record<string, number> = {};
    const mark = (stage: string) => (timings[stage] = Math.round(performance.now() - started));
    try {
      const read = (side: 'a' | 'b') => this.host.load(this.state[side].ref, this.state[side].label, this.abort.signal, () => undefined);
      const [a, b] = await Promise.all([read('a'), read('b')]);
      mark('read');
      this.host.indexed(a);
      this.host.indexed(b);
      const packages = await packagesToCompare(a.data, b.data);
      mark('packages');
      const comparison = compareImages(a, b, { packages });
      mark('compare');
      this.tree = new CompareTree(comparison);
      this.models = { a, b };
      mark('tree');
      this.compared = {
        kind: 'compared',
        a: { name: this.state.a.label, id: a.data.id, size: comparison.a.size, layerCount: comparison.a.layerCount },
        b: { name: this.state.b.label, id: b.data.id, size: comparison.b.size, layerCount: comparison.b.layerCount },
        sharedLayers: comparison.sharedLayers,
        sizeDelta: comparison.sizeDelta,
        changeCount: comparison.changes.length,
        steps: comparison.steps,
        packages: comparison.packages,
        timings,
      };
      this.host.log.info(`Compare: ${this.panel.title}: ${comparison.changes.length} changed paths (ms: ${JSON.stringify(timings)}).`);
      this.post(this.compared);
    } catch (error) {
      if (this.disposed) return;
      const cancelled = error instanceof LayerlensError && error.kind === 'cancelled';
      this.failure = cancelled ? 'Reading the images was cancelled; close this panel and compare again to retry.' : messageOf(error);
      this.host.log.error(`Compare: ${this.panel.title}: ${this.failure}`);
      this.post({ kind: 'failed', message: this.failure });
    }
  }
}

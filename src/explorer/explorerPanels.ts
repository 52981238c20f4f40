// All open Layer Explorer panels: one per image (opening it again re-focuses it), restored after a window
// reload by the serializer, and the source of indexed images for other features (the read-only file system).
import * as vscode from 'vscode';
import type { ImageModel } from '../core/model/imageModel';
import { ExplorerPanel, type ExplorerHost } from './explorerPanel';
import { isPanelState, type PanelState } from './protocol';

export class ExplorerPanels implements vscode.WebviewPanelSerializer, vscode.Disposable {
  private readonly panels = new Map<string, ExplorerPanel>();

  constructor(private readonly host: ExplorerHost) {}

  /** Opens (or re-focuses) the explorer of an image: an engine image ID or name, or an archive path. */
  open(imageRef: string, label: string): ExplorerPanel {
    const existing = this.panels.get(imageRef);
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(ExplorerPanel.viewType, label, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(this.host.extensionUri, 'dist', 'webview')],
    });
    return this.adopt(panel, { imageRef, label });
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const saved = (state as { panel?: unknown } | undefined)?.panel;
    if (!isPanelState(saved) || this.panels.has(saved.imageRef)) {
      panel.dispose();
      return;
    }
    this.adopt(panel, saved);
  }

  /** Selects `path` at `layer` in the image's explorer, opening it if need be. */
  select(imageRef: string, label: string, path: string, layer: number): void {
    this.open(imageRef, label).select(path, layer);
  }

  /** An indexed image by ID (with or without "sha256:"), if an open panel holds it, with the reference it was opened by. */
  indexed(imageId: string): { model: ImageModel; imageRef: string } | undefined {
    const hex = imageId.replace(/^sha256:/, '');
    for (const [imageRef, panel] of this.panels) if (panel.model?.data.id.replace(/^sha256:/, '') === hex) return { model: panel.model, imageRef };
    return undefined;
  }

  dispose(): void {
    for (const panel of [...this.panels.values()]) panel.dispose();
  }

  private adopt(panel: vscode.WebviewPanel, state: PanelState): ExplorerPanel {
    const explorer = new ExplorerPanel(panel, state, this.host, () => this.panels.delete(state.imageRef));
    this.panels.set(state.imageRef, explorer);
    return explorer;
  }
}

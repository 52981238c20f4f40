// All open compare panels: one per ordered pair (comparing again re-focuses it), restored after a window reload
// by the serializer, and a source of read images for the `layerlens:` file system (Open Changes reads both).
import * as vscode from 'vscode';
import type { ImageModel } from '../core/model/imageModel';
import { ComparePanel } from './comparePanel';
import { isComparePanelState, type ComparePanelState } from './compareProtocol';
import type { ExplorerHost } from './explorerPanel';

export class ComparePanels implements vscode.WebviewPanelSerializer, vscode.Disposable {
  private readonly panels = new Map<string, ComparePanel>();

  constructor(private readonly host: ExplorerHost) {}

  open(state: ComparePanelState): ComparePanel {
    const existing = this.panels.get(keyOf(state));
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(ComparePanel.viewType, ComparePanel.titleOf(state), vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(this.host.extensionUri, 'dist', 'webview')],
    });
    return this.adopt(panel, state);
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const saved = (state as { panel?: unknown } | undefined)?.panel;
    if (!isComparePanelState(saved) || this.panels.has(keyOf(saved))) {
      panel.dispose();
      return;
    }
    this.adopt(panel, saved);
  }

  /** A read image by ID (with or without "sha256:") of an open comparison, with the reference it was read by. */
  indexed(imageId: string): { model: ImageModel; imageRef: string } | undefined {
    const hex = imageId.replace(/^sha256:/, '');
    for (const panel of this.panels.values()) {
      const images = panel.images;
      if (!images) continue;
      for (const side of ['a', 'b'] as const) if (images[side].data.id.replace(/^sha256:/, '') === hex) return { model: images[side], imageRef: panel.state[side].ref };
    }
    return undefined;
  }

  dispose(): void {
    for (const panel of [...this.panels.values()]) panel.dispose();
  }

  private adopt(panel: vscode.WebviewPanel, state: ComparePanelState): ComparePanel {
    const key = keyOf(state);
    const compare = new ComparePanel(panel, state, this.host, () => this.panels.delete(key));
    this.panels.set(key, compare);
    return compare;
  }
}

function keyOf(state: ComparePanelState): string {
  return `${state.a.ref}\n${state.b.ref}`;
}

// Wires the Layer Explorer into VS Code: its panels and serializer, and the commands that open it.
import * as vscode from 'vscode';
import type { ImageFiles } from '../core/model/imageFiles';
import type { ImageModel } from '../core/model/imageModel';
import type { IndexCache } from '../core/index/indexCache';
import { loadImage } from '../docker/imageLoader';
import type { EngineService } from '../services/engineService';
import { withImageProgress } from '../services/imageProgress';
import { isEngineReference } from '../views/imageReferences';
import { ExplorerPanel, type ExplorerHost } from './explorerPanel';
import { ExplorerPanels } from './explorerPanels';

export interface ExplorerDeps {
  engines: EngineService;
  cache: IndexCache;
  log: vscode.LogOutputChannel;
  fileUri(imageId: string, layer: number, path: string): vscode.Uri;
  indexed?(model: ImageModel): void;
  filesOf?(model: ImageModel): ImageFiles;
}

export function registerExplorer(context: vscode.ExtensionContext, deps: ExplorerDeps): ExplorerPanels {
  const panels = new ExplorerPanels(explorerHost(context, deps));
  context.subscriptions.push(panels, vscode.window.registerWebviewPanelSerializer(ExplorerPanel.viewType, panels));
  return panels;
}

/** What a panel needs of the extension (loading through the cache with progress, file URIs); compare panels share it. */
export function explorerHost(context: vscode.ExtensionContext, deps: ExplorerDeps): ExplorerHost {
  const { engines, cache, log } = deps;
  return {
    extensionUri: context.extensionUri,
    log,
    engineLabel: () => {
      const state = engines.state;
      return state.kind === 'connected' ? `${state.version.product} ${state.version.version} · ${state.endpoint.host}` : undefined;
    },
    engine: () => (engines.state.kind === 'connected' ? () => engines.requireEngine() : undefined),
    load: async (ref, label, signal, onProgress, onStage) => {
      // A panel restored with the window starts reading while the extension is still connecting to the engine.
      if (isEngineReference(ref)) await engines.settled();
      return await withImageProgress(`Reading ${label}`, engines, cache, log, (options) =>
        loadImage(ref, {
          ...options,
          onStage,
          signal: options.signal ? AbortSignal.any([options.signal, signal]) : signal,
          onProgress: (done, expected) => {
            options.onProgress?.(done, expected);
            onProgress(done, expected);
          },
        }),
      ).then((loaded) => loaded.model);
    },
    fileUri: deps.fileUri,
    indexed: (model) => deps.indexed?.(model),
    filesOf: deps.filesOf,
  };
}

// Activation: builds the services once and registers them. No logic of its own.
import * as vscode from 'vscode';
import { registerImageCommands } from './views/imageCommands';
import { ImagesProvider } from './views/imagesProvider';
import { EngineService } from './views/engineService';
import { createEngineStatusBar } from './views/engineStatusBar';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Layerlens', { log: true });
  const config = () => vscode.workspace.getConfiguration('layerlens');
  const engines = new EngineService(() => config().get<string>('dockerHost'), log);
  const images = new ImagesProvider(engines, () => config().get<boolean>('showMetadataSteps', true), log);
  const imagesView = vscode.window.createTreeView('layerlens.images', { treeDataProvider: images, showCollapseAll: true });

  const describeEngine = () => {
    const state = engines.state;
    if (state.kind === 'connected') {
      imagesView.description = `${state.version.product} ${state.version.version} · ${state.endpoint.host}`;
      imagesView.message = undefined;
    } else if (state.kind === 'unreachable') {
      // The welcome view (per failure kind) explains and offers buttons; it shows only while there is no message.
      imagesView.description = `not connected · ${state.host}`;
      imagesView.message = undefined;
    } else {
      imagesView.description = state.host ? `connecting to ${state.host}…` : 'connecting…';
      imagesView.message = undefined;
    }
  };

  context.subscriptions.push(
    log,
    engines,
    images,
    imagesView,
    engines.onDidChangeState(describeEngine),
    createEngineStatusBar(engines),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('layerlens.dockerHost')) void engines.connect();
      if (e.affectsConfiguration('layerlens.showMetadataSteps')) images.refresh();
    }),
  );
  registerImageCommands(context, engines, images, log);
  describeEngine();
  void engines.connect();
  log.info('Layerlens activated.');
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}

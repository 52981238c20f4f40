// Activation: builds the services once and registers them. No logic of its own.
import * as vscode from 'vscode';
import { ChangeDecorations, ContainersProvider } from './views/containersProvider';
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
  const containers = new ContainersProvider(engines, log);
  const containersView = vscode.window.createTreeView('layerlens.containers', { treeDataProvider: containers, showCollapseAll: true });

  // The welcome views (per failure kind) explain and offer buttons; they show only while a view has no message.
  const describeEngine = () => {
    const state = engines.state;
    const description =
      state.kind === 'connected'
        ? `${state.version.product} ${state.version.version} · ${state.endpoint.host}`
        : state.kind === 'unreachable'
          ? `not connected · ${state.host}`
          : state.host
            ? `connecting to ${state.host}…`
            : 'connecting…';
    imagesView.description = description;
    containersView.description = state.kind === 'connected' ? state.endpoint.host : undefined;
  };

  context.subscriptions.push(
    log,
    engines,
    images,
    imagesView,
    containers,
    containersView,
    vscode.window.registerFileDecorationProvider(new ChangeDecorations()),
    engines.onDidChangeState(describeEngine),
    createEngineStatusBar(engines),
    vscode.commands.registerCommand('layerlens.refreshContainers', () => containers.refresh()),
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

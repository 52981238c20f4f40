// Activation: builds the services once and registers them. No logic of its own.
import * as vscode from 'vscode';
import { IndexCache } from './core/index/indexCache';
import { registerDockerfileFeatures } from './dockerfile/registerDockerfileFeatures';
import { registerExplorer } from './explorer/registerExplorer';
import { registerCompare } from './explorer/registerCompare';
import { loadImage } from './docker/imageLoader';
import { imageSourceResolver } from './fs/imageSources';
import { withImageProgress } from './services/imageProgress';
import { layerUri, registerLayerFileSystem } from './fs/layerFileSystem';
import { ChangeSources } from './views/changeSources';
import { ContainerFileFacts } from './views/containerFileFacts';
import { registerContainerFiles } from './views/containerFiles';
import { ChangeDecorations, ContainersProvider } from './views/containersProvider';
import { registerImageCommands } from './views/imageCommands';
import { registerExplainCommand } from './views/explainPreview';
import { ImagesProvider, MetadataStepDecorations } from './views/imagesProvider';
import { EngineService } from './services/engineService';
import { createEngineStatusBar } from './views/engineStatusBar';
import { registerOpenRemoteImage } from './views/openRemoteImage';
import { RemoteImages } from './views/remoteImages';

let stopFileReaders: (() => Promise<void>) | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Layerlens', { log: true });
  const config = () => vscode.workspace.getConfiguration('layerlens');
  const engines = new EngineService(() => config().get<string>('dockerHost'), log);
  const cache = new IndexCache(vscode.Uri.joinPath(context.globalStorageUri, 'index-cache').fsPath);
  const remote = new RemoteImages(context.globalState);
  const images = new ImagesProvider(engines, () => config().get<boolean>('showMetadataSteps', true), log, cache, remote);
  const imagesView = vscode.window.createTreeView('layerlens.images', { treeDataProvider: images, showCollapseAll: true });
  const changeSources = new ChangeSources(engines, cache, log);
  const containers = new ContainersProvider(engines, changeSources, new ContainerFileFacts((message) => log.info(message)), log);
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
    // An active filter leads: it explains why images are missing (Clear Filter is in the view's title).
    imagesView.description = images.currentFilter ? `filter "${images.currentFilter}" · ${description}` : description;
    containersView.description = state.kind === 'connected' ? state.endpoint.host : undefined;
  };

  context.subscriptions.push(
    log,
    engines,
    remote,
    images,
    imagesView,
    changeSources,
    containers,
    containersView,
    vscode.window.registerFileDecorationProvider(new ChangeDecorations()),
    vscode.window.registerFileDecorationProvider(new MetadataStepDecorations()),
    engines.onDidChangeState(describeEngine),
    images.onDidChangeFilter(describeEngine),
    createEngineStatusBar(engines),
    vscode.commands.registerCommand('layerlens.refreshContainers', () => containers.refresh()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('layerlens.dockerHost') || e.affectsConfiguration('layerlens.engineIdleTimeout')) void engines.connect();
      if (e.affectsConfiguration('layerlens.showMetadataSteps')) images.refresh();
    }),
  );
  registerImageCommands(context, engines, images, cache, log);
  registerOpenRemoteImage(context, { engines, remote, log });
  registerContainerFiles(context, engines, log);
  const explorers = registerExplorer(context, { engines, cache, log, fileUri: layerUri, filesOf: (model) => files.service.filesOf(model) });
  const { compares, previousBuilds } = registerCompare(context, { engines, cache, log, remotes: remote, fileUri: layerUri, filesOf: (model) => files.service.filesOf(model) });
  // Files of images open in an explorer, read from where the image came from (its engine, or its archive).
  const files = registerLayerFileSystem(
    context,
    imageSourceResolver({
      opened: (imageId) => explorers.indexed(imageId) ?? compares.indexed(imageId),
      load: async (imageId) =>
        (await withImageProgress(`Reading image ${imageId.slice(7, 19)}`, engines, cache, log, (options) => loadImage(imageId, options))).model,
      engine: () => engines.requireEngine(),
    }),
    { log },
  );
  stopFileReaders = () => files.service.dispose();
  registerExplainCommand(context, { engines, cache, log, images });

  context.subscriptions.push(
    // An image's explorer; with a layer (e.g. from a Dockerfile hover), that layer selected.
    vscode.commands.registerCommand('layerlens.openExplorer', (ref: string, label: string, layer?: number) =>
      Number.isInteger(layer) ? explorers.select(ref, label, '/', layer!) : explorers.open(ref, label),
    ),
  );
  registerDockerfileFeatures(context, { engines, cache, log, previousBuilds });
  describeEngine();
  void engines.connect();
  log.info('Layerlens activated.');
}

/** Everything else is disposed through context.subscriptions; the file reader's containers are removed before exit. */
export function deactivate(): Promise<void> | undefined {
  return stopFileReaders?.();
}

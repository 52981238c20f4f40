// Commands of the Images view. Each takes the node it was invoked on; from the Command Palette it asks
// with a quick pick instead.
import * as vscode from 'vscode';
import { LayerlensError, messageOf } from '../core/errors';
import type { IndexCache } from '../core/index/indexCache';
import type { EngineService } from '../services/engineService';
import { ExplainDocuments } from './explainPreview';
import { pickImage as choose } from './imagePicker';
import { remoteImageTitle } from './openRemoteImage';
import type { ImagesNode, ImagesProvider, ImageSort } from './imagesProvider';

type ImageNode = Extract<ImagesNode, { kind: 'image' | 'remoteImage' }>;
type StepNode = Extract<ImagesNode, { kind: 'step' }>;

export function registerImageCommands(
  context: vscode.ExtensionContext,
  engines: EngineService,
  images: ImagesProvider,
  cache: IndexCache,
  log: vscode.LogOutputChannel,
): void {
  const register = (id: string, run: (...args: never[]) => unknown) =>
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: never[]) => {
        try {
          await run(...args);
        } catch (error) {
          if (error instanceof LayerlensError && error.kind === 'cancelled') return;
          log.error(`${id}: ${messageOf(error)}`);
          void vscode.window.showErrorMessage(messageOf(error));
        }
      }),
    );

  const pickImage = async (node?: ImageNode): Promise<{ ref: string; label: string } | undefined> => {
    if (node?.kind === 'remoteImage') return { ref: node.remote.ref, label: remoteImageTitle(node.remote) };
    if (node) return { ref: node.image.id, label: node.reference ?? node.image.id };
    return choose(engines, 'Choose an image');
  };

  register('layerlens.refresh', () => (engines.state.kind === 'connected' ? images.refresh() : engines.connect()));
  register('layerlens.retry', () => engines.connect());
  register('layerlens.filterImages', async () => {
    const text = await vscode.window.showInputBox({ prompt: 'Show images whose name contains…', value: images.currentFilter });
    if (text !== undefined) images.setFilter(text);
  });
  register('layerlens.clearImageFilter', () => images.setFilter(''));
  register('layerlens.sortImages', async () => {
    const sorts: { label: string; sort: ImageSort }[] = [
      { label: 'Name', sort: 'name' },
      { label: 'Size', sort: 'size' },
      { label: 'Created', sort: 'created' },
    ];
    const picked = await vscode.window.showQuickPick(sorts, { placeHolder: 'Sort images by' });
    if (picked) images.setSort(picked.sort);
  });
  register('layerlens.chooseDockerHost', async () => {
    const current = vscode.workspace.getConfiguration('layerlens').get<string>('dockerHost') ?? '';
    const host = await vscode.window.showInputBox({
      prompt: 'Docker host (unix:///var/run/docker.sock, tcp://host:2376, ssh://user@host); empty = DOCKER_HOST or the docker context',
      value: current,
    });
    if (host === undefined) return;
    await vscode.workspace.getConfiguration('layerlens').update('dockerHost', host, vscode.ConfigurationTarget.Global);
  });
  register('layerlens.copyImageId', async (node?: ImageNode) => {
    const image = await pickImage(node);
    if (image) await vscode.env.clipboard.writeText(image.ref);
  });
  register('layerlens.copyImageName', async (node?: ImageNode) => {
    const image = await pickImage(node);
    if (image) await vscode.env.clipboard.writeText(image.label);
  });
  register('layerlens.copyInstruction', async (node?: StepNode) => {
    if (node) await vscode.env.clipboard.writeText(node.step.instruction);
  });
  register('layerlens.copyLayerDigest', async (node?: StepNode) => {
    if (node?.diffId) await vscode.env.clipboard.writeText(node.diffId);
    else if (node) void vscode.window.showInformationMessage('This step made no layer, or its layer is not known until the image is explored.');
  });
  register('layerlens.analyzeImage', async (node?: ImageNode) => {
    const image = await pickImage(node);
    if (!image) return;
    // A read-only virtual document (the Explain previews' scheme): nothing to save when it is closed.
    await vscode.commands.executeCommand('markdown.showPreview', ExplainDocuments.uriFor({ kind: 'analysis', imageRef: image.ref, label: image.label }));
  });
  register('layerlens.exploreLayers', async (node?: ImageNode) => {
    const image = await pickImage(node);
    if (image) await vscode.commands.executeCommand('layerlens.openExplorer', image.ref, image.label);
  });
  register('layerlens.openArchive', async () => {
    const [file] =
      (await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Explore', filters: { 'Image archives': ['tar', 'gz', 'tgz', 'zst'], 'All files': ['*'] } })) ?? [];
    if (file) await vscode.commands.executeCommand('layerlens.openExplorer', file.fsPath, file.path.slice(file.path.lastIndexOf('/') + 1));
  });
}

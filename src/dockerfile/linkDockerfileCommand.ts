// "Link Dockerfile to Image…": a quick pick of the local images, best matches first with their score, plus
// "Link automatically". The choice is remembered for this workspace and indexed in the background.
import * as vscode from 'vscode';
import { LayerlensError, messageOf } from '../core/errors';
import { formatAge, formatBytes } from '../core/format';
import type { DockerfileLinks } from './dockerfileLinks';
import { isDockerfileDocument } from './dockerfileSelector';
import type { DockerfileViews } from './dockerfileViews';
import { shortImageName } from './imageFacts';
import { matchPercent, type RankedImage } from './imageRanking';

interface ImageItem extends vscode.QuickPickItem {
  image?: RankedImage;
  reference?: string;
  automatic?: boolean;
}

export function registerLinkDockerfileCommand(links: DockerfileLinks, views: DockerfileViews, log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand('layerlens.linkDockerfile', async (target?: vscode.Uri | string) => {
    try {
      const document = await dockerfileFor(target);
      if (!document) {
        void vscode.window.showInformationMessage('Open a Dockerfile first, then link it to the image built from it.');
        return;
      }
      const current = links.stateOf(document);
      const linkedId = current.kind === 'linked' ? current.link.id : undefined;
      const name = document.uri.path.slice(document.uri.path.lastIndexOf('/') + 1);
      const items = links.rank(document).then((ranked) => itemsFor(ranked, linkedId));
      // An engine error rejects `items`; the quick pick then closes and the message below says why.
      const picked = await vscode.window.showQuickPick(items, {
        placeHolder: `Choose the image built from ${name} (best matches first)`,
        matchOnDescription: true,
        matchOnDetail: true,
      });
      if (!picked) return;
      if (picked.automatic) await links.linkAutomatically(document);
      else if (picked.image && picked.reference) await links.linkManually(document, picked.image, picked.reference);
      views.retry(document);
    } catch (error) {
      if (error instanceof LayerlensError && error.kind === 'cancelled') return;
      log.error(`layerlens.linkDockerfile: ${messageOf(error)}`);
      void vscode.window.showErrorMessage(messageOf(error));
    }
  });
}

async function dockerfileFor(target: vscode.Uri | string | undefined): Promise<vscode.TextDocument | undefined> {
  if (target !== undefined) {
    const uri = typeof target === 'string' ? vscode.Uri.parse(target) : target;
    const document = await vscode.workspace.openTextDocument(uri);
    return isDockerfileDocument(document) ? document : undefined;
  }
  const document = vscode.window.activeTextEditor?.document;
  return document && isDockerfileDocument(document) ? document : undefined;
}

function itemsFor(ranked: RankedImage[], linkedId: string | undefined): ImageItem[] {
  const items: ImageItem[] = [
    { label: '$(sparkle) Link automatically', description: 'the best match among the local images, found again when images change', automatic: true },
    { label: 'Local images', kind: vscode.QuickPickItemKind.Separator },
  ];
  for (const image of ranked) {
    const references = image.tags.length ? image.tags : [image.id];
    for (const reference of references) {
      const details = [shortImageName(image.id), formatBytes(image.size), formatAge(image.created * 1000)];
      if (image.target !== undefined) details.push(`built up to stage ${image.target}`);
      items.push({
        label: reference === image.id ? shortImageName(image.id) : reference,
        description: `${matchPercent(image.score)}${image.id === linkedId ? ' · linked now' : ''}`,
        detail: details.join(' · '),
        image,
        reference,
      });
    }
  }
  return items;
}

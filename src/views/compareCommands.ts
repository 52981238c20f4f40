// Compare with… and Compare with Previous Build: on an image of the Images view (its context menu), or from the
// Command Palette (a quick pick of the image first). Both open the Layer Explorer's compare mode.
import * as vscode from 'vscode';
import { LayerlensError, messageOf } from '../core/errors';
import { shortImageId } from '../core/catalog/imagePicks';
import type { ComparePanels } from '../explorer/comparePanels';
import { comparePicks, remoteComparePicks } from './comparePicks';
import type { EngineService } from '../services/engineService';
import { pickImage } from './imagePicker';
import type { ImagesNode } from './imagesProvider';
import type { PreviousBuilds } from './previousBuilds';
import type { RemoteImages } from './remoteImages';

type ImageNode = Extract<ImagesNode, { kind: 'image' }>;
type RemoteNode = Extract<ImagesNode, { kind: 'remoteImage' }>;

interface Subject {
  id: string;
  /** The name it was chosen by (repository:tag, or its short ID). */
  label: string;
  tags: string[];
}

export interface CompareCommandDeps {
  engines: EngineService;
  compares: ComparePanels;
  previousBuilds: PreviousBuilds;
  /** The Images view's Remote group: offered after the engine's images, and a subject of Compare with… too. */
  remotes: RemoteImages;
  log: vscode.LogOutputChannel;
}

export function registerCompareCommands(context: vscode.ExtensionContext, deps: CompareCommandDeps): void {
  const { engines, compares, previousBuilds, remotes, log } = deps;
  const register = (id: string, run: (node?: ImageNode | RemoteNode) => Promise<void>) =>
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async (node?: ImageNode | RemoteNode) => {
        try {
          await run(node?.kind === 'image' || node?.kind === 'remoteImage' ? node : undefined);
        } catch (error) {
          if (error instanceof LayerlensError && error.kind === 'cancelled') return;
          log.error(`${id}: ${messageOf(error)}`);
          void vscode.window.showErrorMessage(messageOf(error));
        }
      }),
    );

  const subjectOf = async (node: ImageNode | RemoteNode | undefined, placeHolder: string): Promise<Subject | undefined> => {
    if (node?.kind === 'remoteImage') return { id: node.remote.ref, label: node.remote.label, tags: [] };
    if (node) return { id: node.image.id, label: node.reference ?? shortImageId(node.image.id), tags: node.reference ? [node.reference] : node.image.repoTags.filter((t) => t !== '<none>:<none>') };
    const picked = await pickImage(engines, placeHolder);
    if (!picked) return undefined;
    const tags = picked.label.includes(':') ? [picked.label] : [];
    return { id: picked.ref, label: picked.label, tags };
  };

  register('layerlens.compareWith', async (node) => {
    const subject = await subjectOf(node, 'Compare which image?');
    if (!subject) return;
    // A remote subject needs no engine: with none connected, the other remote images are still offered.
    const remoteSubject = node?.kind === 'remoteImage';
    const listed = remoteSubject && engines.state.kind !== 'connected' ? [] : await engines.requireEngine().listImages();
    const images = listed.map((i) => ({ id: i.Id, repoTags: i.RepoTags, created: i.Created, size: i.Size }));
    const groups = [...comparePicks(subject, images, previousBuilds.previousIdsOf(subject.tags)), ...remoteComparePicks(subject.id, remotes.list)];
    if (!groups.length) {
      void vscode.window.showInformationMessage('There is no other image on this engine or in the Remote group to compare with.');
      return;
    }
    type Item = vscode.QuickPickItem & { ref?: string; name?: string };
    const items: Item[] = groups.flatMap((g) => [{ label: g.title, kind: vscode.QuickPickItemKind.Separator }, ...g.picks.map((p) => ({ label: p.label, description: p.description, ref: p.ref, name: p.name }))]);
    const picked = await vscode.window.showQuickPick(items, { placeHolder: `Compare ${subject.label} with…`, matchOnDescription: true });
    if (!picked?.ref) return;
    // The chosen image is the "before" side when it is older: what changed reads from old to new. A remote
    // image's age is not listed here, so it counts as the older: the image compared from stays the "after" side.
    const other = { ref: picked.ref, label: picked.name ?? picked.label };
    const mine = { ref: subject.id, label: subject.label };
    const createdOf = (id: string) => listed.find((i) => i.Id === id)?.Created;
    const [mineCreated, otherCreated] = [createdOf(mine.ref), createdOf(other.ref)];
    const [a, b] = mineCreated === undefined || otherCreated === undefined || otherCreated <= mineCreated ? [other, mine] : [mine, other];
    compares.open({ a, b });
  });

  register('layerlens.compareWithPreviousBuild', async (node) => {
    const subject = await subjectOf(node, 'Compare which tag with its previous build?');
    if (!subject) return;
    const tag = subject.tags[0];
    if (!tag) {
      void vscode.window.showInformationMessage(`${subject.label} has no tag: Compare with Previous Build follows a tag from one build to the next.`);
      return;
    }
    const previous = await previousBuilds.previousOf(tag);
    if (!previous) {
      void vscode.window.showInformationMessage(`Layerlens has not seen ${tag} point to another image yet: it remembers the previous build when the tag is rebuilt while a Docker engine is connected.`);
      return;
    }
    try {
      await engines.requireEngine().inspectImage(previous);
    } catch (error) {
      if (error instanceof LayerlensError && error.kind === 'not-found') {
        void vscode.window.showInformationMessage(`The previous build of ${tag} (image ${shortImageId(previous)}) is no longer on the engine: it was removed or pruned.`);
        return;
      }
      throw error;
    }
    compares.open({ a: { ref: previous, label: `${tag} (previous build ${shortImageId(previous)})` }, b: { ref: subject.id, label: tag } });
  });
}

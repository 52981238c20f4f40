// "Layerlens: Open Remote Image…": a reference box that offers the recent ones, a platform pick when the reference
// names a multi-platform index, then the Layer Explorer on that very image (opened by its manifest digest, so the
// explorer, Explain and the file system read one image whatever the tag does later). Only manifests and the
// config are read here; the layers download in the explorer, with progress and Cancel. Credentials are the
// docker CLI's (src/registry/credentials.ts) and never shown.
import * as vscode from 'vscode';
import { hostPlatform, type Platform } from '../core/archive/archiveAssembler';
import { LayerlensError, messageOf } from '../core/errors';
import { formatPlatform } from '../registry/platform';
import { listPlatforms, readImageSummary, type RemotePlatform, type SummaryOptions } from '../registry/imageSummary';
import { formatReference, parseRegistryReference } from '../registry/reference';
import type { EngineService } from '../services/engineService';
import { describeRemoteImage, recentReferences, remoteReferenceOf, type RemoteImage } from './remoteImageList';
import type { RemoteImages } from './remoteImages';

export interface OpenRemoteDeps {
  engines: EngineService;
  remote: RemoteImages;
  log: vscode.LogOutputChannel;
}

export function registerOpenRemoteImage(context: vscode.ExtensionContext, deps: OpenRemoteDeps): void {
  context.subscriptions.push(
    // An argument (a reference) skips the box, e.g. from a link.
    vscode.commands.registerCommand('layerlens.openRemoteImage', async (typed?: unknown) => {
      try {
        const text = typeof typed === 'string' ? typed : await askReference(deps.remote);
        if (!text?.trim()) return;
        await openRemote(text, deps);
      } catch (error) {
        if (error instanceof LayerlensError && error.kind === 'cancelled') return;
        deps.log.error(`layerlens.openRemoteImage: ${messageOf(error)}`);
        void vscode.window.showErrorMessage(messageOf(error));
      }
    }),
    vscode.commands.registerCommand('layerlens.forgetRemoteImage', (node?: { remote?: RemoteImage }) => node?.remote && deps.remote.forget(node.remote.ref)),
  );
}

async function openRemote(typed: string, deps: OpenRemoteDeps): Promise<void> {
  const ref = parseRegistryReference(remoteReferenceOf(typed));
  const label = formatReference(ref);
  const platforms = await reading(`Reading ${label} from its registry…`, (options) => listPlatforms(ref, options));
  let digestRef = ref;
  let chosen: RemotePlatform | undefined;
  if (platforms) {
    chosen = await choosePlatform(label, platforms, preferredPlatform(deps.engines));
    if (!chosen) return;
    digestRef = { ...ref, tag: undefined, digest: chosen.digest };
  }
  const summary = await reading(`Reading ${label} from its registry…`, (options) => readImageSummary(digestRef, undefined, options));
  const image: RemoteImage = {
    ref: `registry://${ref.registry}/${ref.repository}@${summary.manifestDigest}`,
    label,
    // As the index names it (what the user picked); a single image says it in its config.
    platform: formatPlatform(chosen?.platform ?? summary.platform),
    compressedSize: summary.compressedSize,
    layerCount: summary.layerCount,
    openedAt: Date.now(),
    ...(platforms && platforms.length > 1 ? { multiPlatform: true } : {}),
  };
  await deps.remote.remember(image, summary);
  deps.log.info(`Open Remote Image: ${label} is ${image.ref} (${describeRemoteImage(image)}).`);
  await vscode.commands.executeCommand('layerlens.openExplorer', image.ref, remoteImageTitle(image));
}

/** The explorer's title: the reference, with the platform when the reference offers several. */
export function remoteImageTitle(image: RemoteImage): string {
  return image.multiPlatform ? `${image.label} (${image.platform})` : image.label;
}

/** A box for a reference, offering the recent ones; what is typed is offered first. */
function askReference(remote: RemoteImages): Promise<string | undefined> {
  const recent = recentReferences(remote.list);
  const box = vscode.window.createQuickPick<vscode.QuickPickItem>();
  box.title = 'Open Remote Image';
  box.placeholder = 'An image in a registry: REPO[:TAG], HOST[:PORT]/REPO[:TAG|@sha256:…] or registry://…';
  const recentItems = recent.map((label) => ({ label, description: 'recent' }));
  box.items = recentItems;
  box.onDidChangeValue((value) => {
    const typed = value.trim();
    box.items = typed && !recent.includes(typed) ? [{ label: typed, description: 'open this reference' }, ...recentItems] : recentItems;
  });
  return new Promise((resolve) => {
    box.onDidAccept(() => {
      resolve(box.selectedItems[0]?.label ?? box.value);
      box.hide();
    });
    box.onDidHide(() => {
      resolve(undefined);
      box.dispose();
    });
    box.show();
  });
}

/** The platform to read: one of the index's, the engine's (or this machine's) offered first. */
async function choosePlatform(label: string, platforms: RemotePlatform[], preferred: { platform: Platform; whose: string }): Promise<RemotePlatform | undefined> {
  if (platforms.length === 0) throw new LayerlensError(`${label} lists no image manifest (only attestations or nothing).`, 'corrupt');
  if (platforms.length === 1) return platforms[0];
  const wanted = formatPlatform(preferred.platform);
  const items = platforms.map((p) => {
    const name = formatPlatform(p.platform);
    return { label: name, description: name === wanted || name.startsWith(`${wanted}/`) ? preferred.whose : undefined, detail: p.digest, platform: p };
  });
  items.sort((a, b) => Number(!!b.description) - Number(!!a.description));
  const picked = await vscode.window.showQuickPick(items, { title: `${label} has ${platforms.length} platforms`, placeHolder: 'Which platform?' });
  return picked?.platform;
}

function preferredPlatform(engines: EngineService): { platform: Platform; whose: string } {
  const state = engines.state;
  return state.kind === 'connected'
    ? { platform: { os: state.version.os, architecture: normalizeArch(state.version.arch) }, whose: 'the engine’s platform' }
    : { platform: hostPlatform(), whose: 'this machine’s platform' };
}

/** The engine reports Go's names (amd64, arm64) already; Podman may report x86_64. */
function normalizeArch(arch: string): string {
  return ({ x86_64: 'amd64', aarch64: 'arm64' } as Record<string, string>)[arch] ?? arch;
}

/** A registry read under a cancellable notification. */
function reading<T>(title: string, run: (options: SummaryOptions) => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_progress, token) => {
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    return run({ signal: abort.signal });
  });
}

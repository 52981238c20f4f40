// The Dockerfile features (issue 7), registered once: diagnostics and quick fixes from the static rules, and,
// once a Dockerfile is linked to a local image and that image is indexed, hovers, CodeLenses and image-backed
// warnings with the real layers' numbers. extension.ts calls this and nothing else of this folder.
import * as vscode from 'vscode';
import type { IndexCache } from '../core/index/indexCache';
import type { EngineService } from '../services/engineService';
import type { PreviousBuilds } from '../views/previousBuilds';
import { PreviousBuildDeltas } from './previousBuildDeltas';
import { DockerfileCodeLensProvider } from './dockerfileCodeLens';
import { DockerfileDiagnostics } from './dockerfileDiagnostics';
import { DockerfileHoverProvider } from './dockerfileHover';
import { DockerfileLinks } from './dockerfileLinks';
import { DockerfileQuickFixes } from './dockerfileQuickFixes';
import { DOCKERFILE_SELECTOR } from './dockerfileSelector';
import { DockerfileViews } from './dockerfileViews';
import { IndexedImages } from './indexedImages';
import { registerLinkDockerfileCommand } from './linkDockerfileCommand';
import { createLinkStatusBar } from './linkStatusBar';
import { ParsedDockerfiles } from './parsedDockerfiles';
import { isDockerfileDocument } from './dockerfileSelector';
import { imageNamedBy, RemoteBaseImages } from './remoteBaseImages';
import { readImageSummary } from '../registry/imageSummary';

export interface DockerfileServices {
  engines: EngineService;
  cache: IndexCache;
  log: vscode.LogOutputChannel;
  /** Each tag's previous image, for "since the previous build" in hovers and CodeLenses. */
  previousBuilds?: PreviousBuilds;
}

export function registerDockerfileFeatures(context: vscode.ExtensionContext, { engines, cache, log, previousBuilds }: DockerfileServices): void {
  const parsed = new ParsedDockerfiles();
  const links = new DockerfileLinks(engines, context.workspaceState, parsed, log);
  const images = new IndexedImages(engines, cache, log);
  const views = new DockerfileViews(links, images, parsed);
  const diagnostics = new DockerfileDiagnostics(views, parsed);
  const sinceBuild = previousBuilds && new PreviousBuildDeltas(engines, cache, log, previousBuilds);
  const codeLenses = new DockerfileCodeLensProvider(views, sinceBuild);
  const remoteBases = new RemoteBaseImages({
    onEngine: async (name) => engines.state.kind === 'connected' && (await engines.state.engine.inspectImage(name).then(() => true, () => false)),
    defaultPlatform: () => (engines.state.kind === 'connected' ? { os: engines.state.version.os, architecture: engines.state.version.arch } : undefined),
    readSummary: (ref, platform) => readImageSummary(ref, platform),
  });
  // The registry reads start when a Dockerfile opens, so its hovers rarely wait.
  const prefetchBases = (document: vscode.TextDocument) => {
    if (!isDockerfileDocument(document)) return;
    const dockerfile = parsed.parsed(document);
    for (const instruction of dockerfile.instructions) {
      const named = imageNamedBy(dockerfile, instruction);
      if (named) void remoteBases.lookup(named);
    }
  };
  for (const document of vscode.workspace.textDocuments) prefetchBases(document);
  if (sinceBuild) context.subscriptions.push(sinceBuild);
  context.subscriptions.push(
    links,
    images,
    views,
    diagnostics,
    codeLenses,
    vscode.languages.registerHoverProvider(DOCKERFILE_SELECTOR, new DockerfileHoverProvider(views, parsed, log, remoteBases, sinceBuild)),
    vscode.workspace.onDidOpenTextDocument(prefetchBases),
    vscode.languages.registerCodeLensProvider(DOCKERFILE_SELECTOR, codeLenses),
    vscode.languages.registerCodeActionsProvider(DOCKERFILE_SELECTOR, new DockerfileQuickFixes(views), DockerfileQuickFixes.metadata),
    createLinkStatusBar(views),
    registerLinkDockerfileCommand(links, views, log),
    // A closed document is parsed, matched and linked again if it is opened again.
    vscode.workspace.onDidCloseTextDocument((document) => {
      diagnostics.forget(document.uri);
      views.forget(document.uri);
      links.forget(document.uri);
      parsed.forget(document.uri);
    }),
  );
}

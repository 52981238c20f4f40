// "Explain This Layer" and "Analyze Image" in VS Code: the explanation computed by src/core/explain (or the image's
// analysis), rendered as Markdown into a read-only virtual document (scheme `layerlens-explain`) shown in the
// Markdown preview: nothing to save, nothing to close but the preview. One command serves every place: a step in
// the Images view, a layer in the Layer Explorer or a Dockerfile hover, a container's read-write layer.
// Documents are refreshed when the engine's images change.
import * as vscode from 'vscode';
import { analyzeImage } from '../core/analysis/analysis';
import { analysisToMarkdown } from '../core/analysis/analysisMarkdown';
import { LayerlensError, messageOf } from '../core/errors';
import { explainContainerLayer } from '../core/explain/explainContainer';
import { explainLayer, explainStep } from '../core/explain/explainLayer';
import { explanationToMarkdown, escapeMarkdown } from '../core/explain/markdown';
import { imagesSharingLayer } from '../core/explain/sharedWith';
import type { Explanation } from '../core/explain/explanation';
import type { IndexCache } from '../core/index/indexCache';
import type { ImageModel } from '../core/model/imageModel';
import { isPathReference, loadAnalysis, loadImage } from '../docker/imageLoader';
import { stepsFromEngineHistory } from '../core/model/engineHistory';
import { formatBytes } from '../core/format';
import { loadImagePackages } from '../core/packages/imagePackages';
import type { EngineService } from '../services/engineService';
import { pickImage } from './imagePicker';
import { isEngineReference } from './imageReferences';
import { withImageProgress } from '../services/imageProgress';
import type { ImagesNode, ImagesProvider } from './imagesProvider';

export const EXPLAIN_SCHEME = 'layerlens-explain';

/** What to explain: a layer or a step of an image, or a container's read-write layer; or a whole image's analysis. */
export type ExplainTarget =
  | { kind: 'layer'; imageRef: string; label: string; layer: number }
  | { kind: 'step'; imageRef: string; label: string; step: number }
  | { kind: 'container'; containerId: string; containerName: string; imageRef: string }
  | { kind: 'analysis'; imageRef: string; label: string };

export interface ExplainDeps {
  engines: EngineService;
  cache: IndexCache;
  log: vscode.LogOutputChannel;
  images: ImagesProvider;
}

export class ExplainDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly open = new Set<string>();
  /** Rendered explanations by URI, with the image ID they were made from: an image ID never changes meaning. */
  private readonly rendered = new Map<string, { imageId: string; markdown: string }>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly deps: ExplainDeps) {
    this.subscriptions = [
      // Images come and go (rebuilt, retagged, removed): explanations follow.
      deps.images.onDidChangeTreeData(() => this.refresh()),
      vscode.workspace.onDidCloseTextDocument((doc) => {
        this.open.delete(doc.uri.toString());
        this.rendered.delete(doc.uri.toString());
      }),
    ];
  }

  static uriFor(target: ExplainTarget): vscode.Uri {
    const title =
      target.kind === 'analysis'
        ? `Analysis of ${target.label}`
        : `Explain ${target.kind === 'container' ? `${target.containerName} read-write layer` : `${target.label} ${target.kind === 'layer' ? `#${target.layer}` : `step ${target.step}`}`}`;
    // The title becomes the preview's tab name; the target rides in the query.
    return vscode.Uri.from({ scheme: EXPLAIN_SCHEME, path: `/${title.replace(/[/\\]/g, '∕')}.md`, query: JSON.stringify(target) });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    this.open.add(uri.toString());
    let target: ExplainTarget;
    try {
      target = JSON.parse(uri.query) as ExplainTarget;
    } catch {
      return 'This explanation link is damaged; run **Explain This Layer** again.\n';
    }
    try {
      // No links on paths: VS Code's Markdown preview runs no command links and opens no custom-scheme links
      // (tried in code-server: both are inert), and a link that does nothing misleads.
      const key = uri.toString();
      // An engine image whose name still points at the same ID is explained as before: the refresh after an
      // image event costs one inspect, not a load and an analysis. Containers change, so they are redone.
      const currentId = target.kind === 'container' || !isEngineReference(target.imageRef) ? undefined : (await this.deps.engines.requireEngine().inspectImage(target.imageRef)).Id;
      const before = this.rendered.get(key);
      if (currentId && before?.imageId === currentId) return before.markdown;
      const { markdown, imageId } = await this.render(target);
      if (currentId) this.rendered.set(key, { imageId, markdown });
      return markdown;
    } catch (error) {
      const command = target.kind === 'analysis' ? 'Analyze Image' : 'Explain This Layer';
      if (error instanceof LayerlensError && error.kind === 'cancelled') return `Reading the image was cancelled; close this preview and run **${command}** again.\n`;
      this.deps.log.error(`${command}: ${messageOf(error)}`);
      return `# ${command}\n\n${escapeMarkdown(messageOf(error))}\n`;
    }
  }

  refresh(): void {
    for (const uri of this.open) this.changed.fire(vscode.Uri.parse(uri));
  }

  dispose(): void {
    this.changed.dispose();
    for (const s of this.subscriptions) s.dispose();
  }

  private async render(target: ExplainTarget): Promise<{ markdown: string; imageId: string }> {
    if (target.kind === 'analysis') {
      const { engines, cache, log } = this.deps;
      const { overview, analysis } = await withImageProgress(`Analyzing ${target.label}`, engines, cache, log, (options) => loadAnalysis(target.imageRef, options));
      return { markdown: analysisToMarkdown(target.label, overview, analysis), imageId: overview.data.id };
    }
    const { explanation, model } = await this.explain(target);
    return { markdown: explanationToMarkdown(explanation), imageId: model.data.id };
  }

  private async explain(target: Exclude<ExplainTarget, { kind: 'analysis' }>): Promise<{ explanation: Explanation; model: ImageModel }> {
    const model = await this.load(target.imageRef, target.kind === 'container' ? target.containerName : target.label);
    if (target.kind === 'container') {
      const changes = await this.deps.engines.requireEngine().containerChanges(target.containerId);
      return { explanation: explainContainerLayer(changes, model), model };
    }
    const analysis = analyzeImage(model);
    const layer = target.kind === 'layer' ? target.layer : model.steps[target.step]?.layerIndex;
    const sharedWith = layer === undefined ? [] : this.sharedWith(model, layer);
    // Titled as the user named the image (not by its first tag); an archive's label is a file name, not a reference.
    const packages = layer === undefined ? undefined : await loadImagePackages(model.data);
    const context = { sharedWith, imageReference: isPathReference(target.imageRef) ? undefined : target.label, packages };
    const explanation = target.kind === 'layer' ? explainLayer(model, analysis, target.layer, context) : explainStep(model, analysis, target.step, context);
    return { explanation, model };
  }

  private load(imageRef: string, label: string): Promise<ImageModel> {
    const { engines, cache, log } = this.deps;
    return Promise.resolve(withImageProgress(`Reading ${label}`, engines, cache, log, (options) => loadImage(imageRef, options))).then((loaded) => loaded.model);
  }

  /** Other local images holding this layer, from the Images view's catalog (no extra engine calls). */
  private sharedWith(model: ImageModel, layer: number): string[] {
    return imagesSharingLayer([...this.deps.images.catalogImages()], model.data.layers[layer].diffId, model.data.id);
  }
}

type StepNode = Extract<ImagesNode, { kind: 'step' }>;
type ContainerLayerNode = { kind: 'rwLayer'; container: { id: string; name: string; image: string; imageId: string } };

/** The command: from a sidebar node, an explorer/hover argument, or (Command Palette) a pick of image and layer. */
export function registerExplainCommand(context: vscode.ExtensionContext, deps: ExplainDeps): ExplainDocuments {
  const documents = new ExplainDocuments(deps);
  context.subscriptions.push(
    documents,
    vscode.workspace.registerTextDocumentContentProvider(EXPLAIN_SCHEME, documents),
    vscode.commands.registerCommand('layerlens.explainLayer', async (arg?: unknown) => {
      try {
        const target = toTarget(arg) ?? (await pickTarget(deps));
        if (!target) return;
        await vscode.commands.executeCommand('markdown.showPreview', ExplainDocuments.uriFor(target));
      } catch (error) {
        deps.log.error(`layerlens.explainLayer: ${messageOf(error)}`);
        void vscode.window.showErrorMessage(messageOf(error));
      }
    }),
  );
  return documents;
}

function toTarget(arg: unknown): ExplainTarget | undefined {
  if (!arg || typeof arg !== 'object') return undefined;
  const a = arg as Record<string, unknown>;
  if (a.kind === 'step') {
    const node = arg as StepNode;
    // Named as the user reached it (the tag the step was expanded under), not by the image's first tag.
    const label = node.reference ?? node.image.repoTags.find((t) => t !== '<none>:<none>') ?? node.image.id.replace(/^sha256:/, '').slice(0, 12);
    return node.step.layerIndex !== undefined
      ? { kind: 'layer', imageRef: node.image.id, label, layer: node.step.layerIndex }
      : { kind: 'step', imageRef: node.image.id, label, step: node.step.index };
  }
  if (a.kind === 'remoteStep') {
    // A step of a remote image in the Images view (imagesProvider.ts): a layer, or a metadata-only step.
    const node = arg as Extract<ImagesNode, { kind: 'remoteStep' }>;
    return node.layer !== undefined
      ? { kind: 'layer', imageRef: node.imageRef, label: node.label, layer: node.layer }
      : { kind: 'step', imageRef: node.imageRef, label: node.label, step: node.step.index };
  }
  if (a.kind === 'rwLayer') {
    const { container } = arg as ContainerLayerNode;
    return { kind: 'container', containerId: container.id, containerName: container.name, imageRef: container.imageId };
  }
  if (typeof a.imageRef === 'string' && Number.isInteger(a.layer)) {
    return { kind: 'layer', imageRef: a.imageRef, label: typeof a.label === 'string' ? a.label : a.imageRef, layer: a.layer as number };
  }
  return undefined;
}

async function pickTarget(deps: ExplainDeps): Promise<ExplainTarget | undefined> {
  const image = await pickImage(deps.engines, 'Explain a layer of which image?');
  if (!image) return undefined;
  const engine = deps.engines.requireEngine();
  const [history, inspect] = await Promise.all([engine.imageHistory(image.ref), engine.inspectImage(image.ref)]);
  const steps = stepsFromEngineHistory(history, inspect.RootFS?.Layers?.length ?? 0);
  const step = await vscode.window.showQuickPick(
    steps.map((s) => ({ label: s.instruction.replace(/\s+/g, ' ').slice(0, 120), description: s.metadataOnly ? 'metadata' : formatBytes(s.size), s })),
    { placeHolder: 'Which step?' },
  );
  if (!step) return undefined;
  return step.s.layerIndex !== undefined
    ? { kind: 'layer', imageRef: image.ref, label: image.label, layer: step.s.layerIndex }
    : { kind: 'step', imageRef: image.ref, label: image.label, step: step.s.index };
}

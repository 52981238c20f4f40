// The linked images, indexed in the background once each and reduced to the facts the editor shows
// (imageFacts.ts). An image seen before comes from the index cache without any notification; otherwise its
// export runs under a cancellable progress notification. The layer model is dropped once the facts are made.
import * as vscode from 'vscode';
import { analyzeImage, type ImageAnalysis } from '../core/analysis/analysis';
import { LayerlensError, messageOf } from '../core/errors';
import type { ImageModel } from '../core/model/imageModel';
import type { IndexCache } from '../core/index/indexCache';
import { loadImagePackages } from '../core/packages/imagePackages';
import { loadImage, loadImageFromCache } from '../docker/imageLoader';
import type { EngineService } from '../services/engineService';
import { withImageProgress } from '../services/imageProgress';
import { explainEveryLayer, imageFacts, type ImageFacts } from './imageFacts';

export type IndexState =
  | { kind: 'indexing' }
  | { kind: 'ready'; facts: ImageFacts }
  /** One sentence; `cancelled` when the user stopped it. */
  | { kind: 'failed'; message: string; cancelled: boolean };

export class IndexedImages implements vscode.Disposable {
  private readonly states = new Map<string, IndexState>();
  private readonly changed = new vscode.EventEmitter<string>();
  private readonly subscription: vscode.Disposable;
  /** Fires with the image ID whose state changed. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly engines: EngineService,
    private readonly cache: IndexCache,
    private readonly log: vscode.LogOutputChannel,
  ) {
    // A failure other than a cancel may have been the engine's: forget it when an engine answers again, so the
    // next look at the Dockerfile indexes again.
    this.subscription = engines.onDidChangeState((state) => {
      if (state.kind !== 'connected') return;
      for (const [id, indexed] of this.states) {
        if (indexed.kind === 'failed' && !indexed.cancelled) {
          this.states.delete(id);
          this.changed.fire(id);
        }
      }
    });
  }

  state(id: string): IndexState | undefined {
    return this.states.get(id);
  }

  /** Starts indexing `id` unless it is indexed, under way, or failed (a failure is retried only by `retry`). */
  request(id: string, label: string): void {
    if (!this.states.has(id)) void this.index(id, label);
  }

  retry(id: string, label: string): void {
    if (this.states.get(id)?.kind === 'failed') void this.index(id, label);
  }

  /** Forgets the images no Dockerfile links to any more (their facts can be big). */
  retain(ids: ReadonlySet<string>): void {
    for (const [id, state] of this.states) if (state.kind !== 'indexing' && !ids.has(id)) this.states.delete(id);
  }

  private async index(id: string, label: string): Promise<void> {
    this.set(id, { kind: 'indexing' });
    const started = Date.now();
    try {
      const model = await this.loadModel(id, label);
      const analysis = await this.analysisOf(model);
      // The package findings too, so the diagnostics equal `lint --image`'s.
      const packages = await loadImagePackages(model.data);
      const findings = await explainEveryLayer(model, analysis, (layer, error) => this.log.warn(`Could not explain layer ${layer} of ${model.data.id}: ${messageOf(error)}`), packages);
      this.set(id, { kind: 'ready', facts: imageFacts({ id, label, steps: model.steps, buildSecrets: model.buildSecrets }, analysis, (layer) => findings[layer] ?? []) });
      this.log.info(`Indexed ${label} for its Dockerfile in ${Date.now() - started} ms.`);
    } catch (error) {
      const cancelled = error instanceof LayerlensError && error.kind === 'cancelled';
      const message = cancelled ? `Indexing ${label} was cancelled.` : messageOf(error);
      if (!cancelled) this.log.warn(`Could not index ${label} for its Dockerfile: ${message}`);
      this.set(id, { kind: 'failed', message, cancelled });
    }
  }

  private async loadModel(id: string, label: string): Promise<ImageModel> {
    const inspect = await this.engines.requireEngine().inspectImage(id);
    const cached = await loadImageFromCache(inspect, this.cache).catch(() => undefined);
    if (cached) return cached.model;
    const loaded = await withImageProgress(`Indexing ${label} for its Dockerfile`, this.engines, this.cache, this.log, (options) => loadImage(id, options));
    return loaded.model;
  }

  private async analysisOf(model: ImageModel): Promise<ImageAnalysis> {
    const id = model.data.id;
    const cached = await this.cache.readAnalysis(id).catch(() => undefined);
    if (cached && cached.layers.length === model.layerCount) return cached;
    const analysis = analyzeImage(model);
    await this.cache.writeAnalysis(id, analysis).catch((error) => this.log.warn(`Could not write the analysis cache: ${messageOf(error)}`));
    return analysis;
  }

  private set(id: string, state: IndexState): void {
    this.states.set(id, state);
    this.changed.fire(id);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

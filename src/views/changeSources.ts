// Where containers' changed files came from in their images (copy-up attribution), for the Containers view. It only
// ever waits briefly for the index cache, never for an export: an image not indexed yet is indexed in the background
// under a cancellable notification, and onDidSettle tells the view to repaint. Only the answers for the paths asked
// are kept (an image's whole merged view is dropped after use), so repainting asks nothing twice. A cancelled or
// failed indexing is not retried by itself (an export can take a while): only after a reconnection, or when
// retryFailed() says so (Refresh Containers).
import * as vscode from 'vscode';
import { imageLayerSources, type ImageLayerSource } from '../core/model/containerLayer';
import { LayerlensError, messageOf } from '../core/errors';
import type { IndexCache } from '../core/index/indexCache';
import { loadImage, loadImageFromCache } from '../docker/imageLoader';
import type { EngineService } from '../services/engineService';
import { withImageProgress } from '../services/imageProgress';

type Change = { Path: string; Kind: number };

export type SourcesState =
  | { kind: 'ready'; sources: Map<string, ImageLayerSource> }
  | { kind: 'indexing' }
  | { kind: 'unavailable'; reason: string };

/** Long enough for a small cached image to paint in one go; a big one paints first and repaints when read. */
const CACHE_WAIT_MS = 250;
const ADDED = 1;

export class ChangeSources implements vscode.Disposable {
  /** Per image ID: each path asked so far, with its source, or null where the image does not have it. */
  private readonly answers = new Map<string, Map<string, ImageLayerSource | null>>();
  /** Per image ID being read: the changes asked meanwhile, answered when it is. */
  private readonly loading = new Map<string, { asked: Map<string, Change>; done: Promise<void> }>();
  private readonly failures = new Map<string, string>();
  private readonly settled = new vscode.EventEmitter<string>();
  /** Fires with an image ID when answers (or a failure) arrive after a lookup has said "indexing". */
  readonly onDidSettle = this.settled.event;
  private disposed = false;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly engines: EngineService,
    private readonly cache: IndexCache,
    private readonly log: vscode.LogOutputChannel,
  ) {
    // A failure may have been the engine going away: a new connection deserves a new try.
    this.subscription = engines.onDidChangeState((state) => state.kind === 'connected' && this.retryFailed());
  }

  /** The sources of `changes` in image `imageId` as far as known now; starts reading the image if need be. */
  async lookup(imageId: string, label: string, changes: Change[]): Promise<SourcesState> {
    const answers = this.answers.get(imageId) ?? new Map<string, ImageLayerSource | null>();
    const unanswered = changes.filter((c) => c.Kind !== ADDED && !answers.has(c.Path));
    if (unanswered.length) {
      const failure = this.failures.get(imageId);
      if (failure !== undefined) return { kind: 'unavailable', reason: failure };
      const running = this.loading.get(imageId);
      const load = running ?? { asked: new Map<string, Change>(), done: Promise.resolve() };
      for (const c of unanswered) load.asked.set(c.Path, c);
      if (!running) {
        // Registered before it starts: a load that fails at once removes its own entry.
        this.loading.set(imageId, load);
        load.done = this.load(imageId, label, load.asked);
      }
      const first = await Promise.race([load.done.then(() => true), delay(CACHE_WAIT_MS).then(() => false)]);
      if (!first) {
        // Not read in time: this view paints without sources; announce the answers when they come.
        void load.done.then(() => !this.disposed && this.settled.fire(imageId));
        return { kind: 'indexing' };
      }
      const failed = this.failures.get(imageId);
      if (failed !== undefined) return { kind: 'unavailable', reason: failed };
    }
    const known = this.answers.get(imageId);
    const sources = new Map<string, ImageLayerSource>();
    for (const c of changes) {
      const source = known?.get(c.Path);
      if (source) sources.set(c.Path, source);
    }
    return { kind: 'ready', sources };
  }

  /** Lets images whose indexing was cancelled or failed be tried again on their next lookup. */
  retryFailed(): void {
    this.failures.clear();
  }

  private async load(imageId: string, label: string, asked: Map<string, Change>): Promise<void> {
    try {
      const engine = this.engines.requireEngine();
      const { model } =
        (await loadImageFromCache(await engine.inspectImage(imageId), this.cache)) ??
        (await withImageProgress(`Indexing ${label} to show where changed files came from`, this.engines, this.cache, this.log, (options) =>
          loadImage(imageId, options),
        ));
      const view = model.layerCount ? model.mergedViewAt() : [];
      const found = imageLayerSources([...asked.values()], view, model.steps);
      const answers = this.answers.get(imageId) ?? new Map<string, ImageLayerSource | null>();
      for (const path of asked.keys()) answers.set(path, found.get(path) ?? null);
      this.answers.set(imageId, answers);
    } catch (error) {
      const cancelled = error instanceof LayerlensError && error.kind === 'cancelled';
      const reason = cancelled ? 'Indexing the image was cancelled.' : messageOf(error);
      if (!cancelled) this.log.warn(`Indexing ${label} for the Containers view: ${reason}`);
      this.failures.set(imageId, reason);
    } finally {
      this.loading.delete(imageId);
    }
  }

  dispose(): void {
    this.disposed = true;
    this.subscription.dispose();
    this.settled.dispose();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// For a linked image whose tag Layerlens saw rebuilt (src/views/previousBuilds.ts): its steps aligned with the
// previous build's, computed once per pair in the background (both images through the index cache; the old
// one exported once if it never was), so that hovers and CodeLenses only look a phrase up.
import * as vscode from 'vscode';
import { compareImages, type StepAlignment } from '../core/compare';
import { messageOf } from '../core/errors';
import type { IndexCache } from '../core/index/indexCache';
import { loadImage, loadImageFromCache } from '../docker/imageLoader';
import type { EngineService } from '../services/engineService';
import { withImageProgress } from '../services/imageProgress';
import type { PreviousBuilds } from '../views/previousBuilds';
import type { ImageLink } from './dockerfileLinks';
import { sinceBuildText } from './sinceBuildText';

export class PreviousBuildDeltas implements vscode.Disposable {
  private readonly aligned = new Map<string, StepAlignment[] | 'pending' | 'failed'>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when a pair's alignment is ready (hovers and CodeLenses may say more). */
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly engines: EngineService,
    private readonly cache: IndexCache,
    private readonly log: vscode.LogOutputChannel,
    private readonly previousBuilds: PreviousBuilds,
  ) {
    this.subscription = previousBuilds.onDidChange(() => this.changed.fire());
  }

  /** "+12.1 MB since the previous build" for a step of the linked image, once known; undefined otherwise. */
  textFor(link: ImageLink, stepIndex: number): string | undefined {
    const steps = this.stepsOf(link);
    return steps ? sinceBuildText(steps, stepIndex) : undefined;
  }

  private stepsOf(link: ImageLink): StepAlignment[] | undefined {
    if (/^sha256:/.test(link.reference)) return undefined;
    const previous = this.previousBuilds.knownPreviousOf(link.reference);
    if (!previous || previous === link.id) return undefined;
    const key = `${previous} ${link.id}`;
    const known = this.aligned.get(key);
    if (Array.isArray(known)) return known;
    if (!known) {
      this.aligned.set(key, 'pending');
      void this.align(key, previous, link.id, link.reference);
    }
    return undefined;
  }

  private async align(key: string, previous: string, current: string, tag: string): Promise<void> {
    try {
      const [a, b] = await Promise.all([this.load(previous, `the previous build of ${tag}`), this.load(current, tag)]);
      this.aligned.set(key, compareImages(a, b).steps);
      this.changed.fire();
    } catch (error) {
      // E.g. the previous image was pruned: the hover simply has no "since" line.
      this.log.info(`No "since the previous build" figures for ${tag}: ${messageOf(error)}`);
      this.aligned.set(key, 'failed');
    }
  }

  private async load(id: string, label: string) {
    const inspect = await this.engines.requireEngine().inspectImage(id);
    const cached = await loadImageFromCache(inspect, this.cache).catch(() => undefined);
    if (cached) return cached.model;
    return (await withImageProgress(`Reading ${label}`, this.engines, this.cache, this.log, (options) => loadImage(id, options))).model;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

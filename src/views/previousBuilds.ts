// Remembers, for each tag, the image it pointed to before (previousBuildMemory.ts), from the engine's image events,
// per engine host, in the extension's global state so that it survives a reload. Compare with Previous Build and
// the Dockerfile's "since the previous build" figures read it.
import * as vscode from 'vscode';
import { messageOf } from '../core/errors';
import type { EngineService } from '../services/engineService';
import { emptyMemory, parseMemory, previousBuildOf, rememberListing, tagsOfListing, type TagMemory } from './previousBuildMemory';

const STATE_KEY = 'layerlens.previousBuilds';

export class PreviousBuilds implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when a tag was seen pointing to a new image. */
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];
  private timer: NodeJS.Timeout | undefined;
  /** The listing in flight: callers that need the newest memory wait for it. */
  private listing: Promise<void> = Promise.resolve();

  constructor(
    private readonly engines: EngineService,
    private readonly state: vscode.Memento,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions = [
      this.changed,
      engines.onDidChangeState((s) => s.kind === 'connected' && void this.update()),
      engines.onDidReceiveEvent((event) => {
        if (event.type !== 'image') return;
        if (this.timer) clearTimeout(this.timer);
        this.timer = setTimeout(() => void this.update(), 300);
      }),
    ];
    if (engines.state.kind === 'connected') void this.update();
  }

  /** The image `tag` pointed to before its current one, after reading the engine's list anew. */
  async previousOf(tag: string): Promise<string | undefined> {
    await this.update();
    return previousBuildOf(this.memory(), tag);
  }

  /** Without asking the engine: what is known now (for hovers and CodeLens, which must stay cheap). */
  knownPreviousOf(tag: string): string | undefined {
    return previousBuildOf(this.memory(), tag);
  }

  /** The images the tags pointed to before, most recent first. */
  previousIdsOf(tags: readonly string[]): string[] {
    const memory = this.memory();
    return tags.flatMap((tag) => memory.previous[tag] ?? []);
  }

  /** Lists the engine's images and remembers every tag that moved; calls in a row share one listing. */
  update(): Promise<void> {
    this.listing = this.listing.then(async () => {
      if (this.engines.state.kind !== 'connected') return;
      const host = this.engines.state.endpoint.host;
      try {
        const listed = tagsOfListing(await this.engines.requireEngine().listImages());
        const before = this.memory(host);
        const after = rememberListing(before, listed);
        if (JSON.stringify(after) === JSON.stringify(before)) return;
        await this.state.update(STATE_KEY, { ...this.stored(), [host]: after });
        if (JSON.stringify(after.previous) !== JSON.stringify(before.previous)) this.changed.fire();
      } catch (error) {
        this.log.warn(`Remembering previous builds: ${messageOf(error)}`);
      }
    });
    return this.listing;
  }

  private stored(): Record<string, unknown> {
    const value = this.state.get<unknown>(STATE_KEY);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  }

  private memory(host = this.engines.state.kind === 'connected' ? this.engines.state.endpoint.host : undefined): TagMemory {
    return host === undefined ? emptyMemory() : parseMemory(this.stored()[host]);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.subscriptions.forEach((s) => s.dispose());
  }
}

// Which local image each open Dockerfile is linked to. A link chosen with "Link Dockerfile to Image…" is
// remembered per workspace (by the Dockerfile's URI) and follows its tag: a rebuild under the same tag is
// picked up from the engine's events. Without one, the Dockerfile is linked automatically to the best-matching
// image (imageRanking.ts), ranked again when images come and go. Ranking reads histories only, never an export.
import * as vscode from 'vscode';
import type { MatchableStep } from '../core/dockerfile';
import { stepsFromEngineHistory } from '../core/model/engineHistory';
import { LayerlensError, messageOf } from '../core/errors';
import type { DockerEngine } from '../docker/engine';
import type { EngineService } from '../services/engineService';
import { shortImageName } from './imageFacts';
import { automaticLink, matchPercent, rankImages, type CandidateImage, type RankedImage } from './imageRanking';
import type { ParsedDockerfiles } from './parsedDockerfiles';

export interface ImageLink {
  /** The engine's image ID: what is indexed and shown. */
  id: string;
  /** The tag followed across rebuilds, or the ID of an untagged image. */
  reference: string;
  /** The stage it was built up to, when not the last. */
  target?: string;
  /** How well its history agrees with the Dockerfile (imageRanking.ts), when ranked. */
  score?: number;
  /** Chosen by the user (and remembered), or found automatically. */
  manual: boolean;
}

export type LinkState =
  | { kind: 'searching' }
  | { kind: 'linked'; link: ImageLink }
  /** `reason`: one sentence for the hover and the status bar's tooltip. */
  | { kind: 'unlinked'; reason: string };

interface StoredLink {
  reference: string;
  target?: string;
}

const STORE_KEY = 'layerlens.dockerfileLinks';
/** Image events that change which images exist or what a tag points to (not `save`, which indexing causes). */
const RELEVANT_EVENTS = new Set(['tag', 'untag', 'delete', 'import', 'load', 'pull', 'build']);
const HISTORY_CALLS_AT_ONCE = 4;

/** The name a link is shown by: its tag, or a short ID. */
export function linkLabel(link: Pick<ImageLink, 'reference'>): string {
  return /^sha256:/.test(link.reference) ? shortImageName(link.reference) : link.reference;
}

export class DockerfileLinks implements vscode.Disposable {
  private readonly states = new Map<string, LinkState>();
  /** Each resolve of a Dockerfile takes a number; only the newest may install its result. */
  private readonly generations = new Map<string, number>();
  /** Image histories as steps, by image ID (an ID's history never changes). */
  private readonly histories = new Map<string, MatchableStep[]>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private eventTimer: NodeJS.Timeout | undefined;
  /** Fires with the Dockerfile whose link (or link state) changed. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly engines: EngineService,
    private readonly memento: vscode.Memento,
    private readonly parsed: ParsedDockerfiles,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions.push(
      engines.onDidChangeState(() => this.refreshAll()),
      engines.onDidReceiveEvent((event) => {
        if (event.type !== 'image' || !RELEVANT_EVENTS.has(event.action)) return;
        // A build or a prune is a burst of events: one refresh after it.
        if (this.eventTimer) clearTimeout(this.eventTimer);
        this.eventTimer = setTimeout(() => this.refreshAll(), 500);
      }),
    );
  }

  /** The link state, starting the search for a Dockerfile seen for the first time. */
  stateOf(document: vscode.TextDocument): LinkState {
    const key = document.uri.toString();
    const state = this.states.get(key);
    if (state) return state;
    // Set without an event: the caller (a provider) is told here, and no other view needs a refresh yet.
    this.states.set(key, { kind: 'searching' });
    void this.resolve(document);
    return this.states.get(key)!;
  }

  /** Every local image, the best matches for `document` first (for the quick pick). */
  async rank(document: vscode.TextDocument): Promise<RankedImage[]> {
    const engine = this.engines.requireEngine();
    const listed = await engine.listImages();
    const candidates: CandidateImage[] = [];
    let next = 0;
    const worker = async () => {
      while (next < listed.length) {
        const image = listed[next++];
        const steps = await this.stepsOf(engine, image.Id).catch(() => undefined); // removed meanwhile: not a candidate
        if (!steps) continue;
        const tags = (image.RepoTags ?? []).filter((t) => t !== '<none>:<none>');
        candidates.push({ id: image.Id, tags, created: image.Created, size: image.Size, steps });
      }
    };
    await Promise.all(Array.from({ length: HISTORY_CALLS_AT_ONCE }, worker));
    return rankImages(this.parsed.parsed(document), candidates);
  }

  /** Links `document` to `reference` (a tag of `image`, or its ID) and remembers it for this workspace. */
  async linkManually(document: vscode.TextDocument, image: RankedImage, reference: string): Promise<void> {
    const key = document.uri.toString();
    const stored: StoredLink = image.target === undefined ? { reference } : { reference, target: image.target };
    await this.memento.update(STORE_KEY, { ...this.stored(), [key]: stored });
    this.bump(key);
    this.set(document.uri, { kind: 'linked', link: { id: image.id, reference, score: image.score, manual: true, ...(image.target === undefined ? {} : { target: image.target }) } });
  }

  /** Forgets the remembered link: the Dockerfile goes back to the automatic one. */
  async linkAutomatically(document: vscode.TextDocument): Promise<void> {
    const { [document.uri.toString()]: _dropped, ...rest } = this.stored();
    await this.memento.update(STORE_KEY, rest);
    await this.resolve(document);
  }

  /** A closed Dockerfile is resolved again when it is opened again. */
  forget(uri: vscode.Uri): void {
    this.states.delete(uri.toString());
    this.generations.delete(uri.toString());
  }

  /** The images open Dockerfiles are linked to. */
  linkedImageIds(): Set<string> {
    const ids = new Set<string>();
    for (const state of this.states.values()) if (state.kind === 'linked') ids.add(state.link.id);
    return ids;
  }

  private refreshAll(): void {
    for (const document of vscode.workspace.textDocuments) {
      if (this.states.has(document.uri.toString())) void this.resolve(document);
    }
  }

  private async resolve(document: vscode.TextDocument): Promise<void> {
    const key = document.uri.toString();
    const generation = this.bump(key);
    const current = this.states.get(key);
    const engine = this.engines.state;
    // A link keeps working without its engine (its facts are computed): it stays until an engine says otherwise.
    if (engine.kind !== 'connected' && current?.kind === 'linked') return;
    // Connecting: the engine service reports connected or unreachable within seconds, which resolves again.
    if (engine.kind === 'connecting') return this.set(document.uri, { kind: 'searching' });
    // While a linked Dockerfile is checked again, it keeps showing its link (no flicker through "searching").
    if (current?.kind !== 'linked') this.set(document.uri, { kind: 'searching' });
    let state: LinkState;
    try {
      if (engine.kind === 'unreachable') state = { kind: 'unlinked', reason: `No Docker engine answers at ${engine.host}, so no image can be linked.` };
      else {
        const stored = this.stored()[key];
        state = stored ? await this.resolveStored(stored) : await this.findAutomatically(document);
      }
    } catch (error) {
      const message = messageOf(error);
      this.log.warn(`Could not link ${document.uri.fsPath || key} to an image: ${message}`);
      state = { kind: 'unlinked', reason: message };
    }
    if (this.generations.get(key) === generation) this.set(document.uri, state);
  }

  /** A remembered link: its tag's current image (a rebuild moved the tag to a new ID). */
  private async resolveStored(stored: StoredLink): Promise<LinkState> {
    try {
      const inspect = await this.engines.requireEngine().inspectImage(stored.reference);
      const link: ImageLink = { id: inspect.Id, reference: stored.reference, manual: true, ...(stored.target === undefined ? {} : { target: stored.target }) };
      return { kind: 'linked', link };
    } catch (error) {
      if (error instanceof LayerlensError && error.kind === 'not-found') {
        return { kind: 'unlinked', reason: `The linked image ${stored.reference} no longer exists; rebuild it or link another image.` };
      }
      throw error;
    }
  }

  private async findAutomatically(document: vscode.TextDocument): Promise<LinkState> {
    const ranked = await this.rank(document);
    const best = automaticLink(ranked);
    if (!best) {
      const closest = ranked[0];
      const reason = closest
        ? `No local image matches this Dockerfile well enough (the closest, ${closest.tags[0] ?? shortImageName(closest.id)}, is a ${matchPercent(closest.score)}).`
        : 'There are no local images to link this Dockerfile to.';
      return { kind: 'unlinked', reason };
    }
    const link: ImageLink = { id: best.id, reference: best.tags[0] ?? best.id, score: best.score, manual: false };
    if (best.target !== undefined) link.target = best.target;
    return { kind: 'linked', link };
  }

  private async stepsOf(engine: DockerEngine, id: string): Promise<MatchableStep[]> {
    let steps = this.histories.get(id);
    if (!steps) {
      // The layer count only places layers; matching needs the instructions alone.
      steps = stepsFromEngineHistory(await engine.imageHistory(id), 0);
      this.histories.set(id, steps);
    }
    return steps;
  }

  private stored(): Record<string, StoredLink> {
    return this.memento.get<Record<string, StoredLink>>(STORE_KEY, {});
  }

  private bump(key: string): number {
    const generation = (this.generations.get(key) ?? 0) + 1;
    this.generations.set(key, generation);
    return generation;
  }

  /** Installs a state, firing only when something a user can see changed. */
  private set(uri: vscode.Uri, state: LinkState): void {
    const key = uri.toString();
    const before = this.states.get(key);
    this.states.set(key, state);
    if (JSON.stringify(before) !== JSON.stringify(state)) this.changed.fire(uri);
  }

  dispose(): void {
    if (this.eventTimer) clearTimeout(this.eventTimer);
    this.subscriptions.forEach((s) => s.dispose());
    this.changed.dispose();
  }
}

// One answer to "what does the editor know about this Dockerfile now?", shared by the hover, the CodeLenses,
// the diagnostics and the status bar: not linked (and why), linked but not indexed yet (or failed), or linked
// and indexed, with the match of this very version of the text. Matches are cached per document version.
import * as vscode from 'vscode';
import { matchDockerfile, type DockerfileMatch, type Finding, type ParsedDockerfile } from '../core/dockerfile';
import { linkLabel, type DockerfileLinks, type ImageLink } from './dockerfileLinks';
import type { ImageFacts } from './imageFacts';
import { agreement } from './imageRanking';
import type { IndexedImages, IndexState } from './indexedImages';
import { knownTarget, linkedFindings } from './linkedFindings';
import type { ParsedDockerfiles } from './parsedDockerfiles';

export type DocumentView =
  | { kind: 'searching' }
  | { kind: 'unlinked'; reason: string }
  /** Linked; the image is being indexed, or indexing failed. */
  | { kind: 'waiting'; link: ImageLink; index: Exclude<IndexState, { kind: 'ready' }> }
  | { kind: 'ready'; link: ImageLink; facts: ImageFacts; parsed: ParsedDockerfile; match: DockerfileMatch; score: number };

interface CachedMatch {
  version: number;
  imageId: string;
  target?: string;
  match: DockerfileMatch;
  score: number;
  findings?: Finding[];
}

export class DockerfileViews implements vscode.Disposable {
  private readonly matches = new Map<string, CachedMatch>();
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly subscriptions: vscode.Disposable[];
  /** Fires when any Dockerfile's view may have changed (a link, an index finished). */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly links: DockerfileLinks,
    private readonly images: IndexedImages,
    private readonly parsed: ParsedDockerfiles,
  ) {
    this.subscriptions = [
      links.onDidChange(() => {
        this.images.retain(links.linkedImageIds());
        this.changed.fire();
      }),
      images.onDidChange(() => this.changed.fire()),
    ];
  }

  view(document: vscode.TextDocument): DocumentView {
    const state = this.links.stateOf(document);
    if (state.kind !== 'linked') return state;
    const link = state.link;
    const index = this.images.state(link.id);
    if (!index) {
      this.images.request(link.id, this.labelOf(link));
      return { kind: 'waiting', link, index: { kind: 'indexing' } };
    }
    if (index.kind !== 'ready') return { kind: 'waiting', link, index };
    if (!this.parsed.parsed(document).stages.length) return { kind: 'unlinked', reason: 'This Dockerfile has no FROM instruction yet.' };
    const cached = this.matchOf(document, link, index.facts);
    return { kind: 'ready', link, facts: index.facts, parsed: this.parsed.parsed(document), match: cached.match, score: cached.score };
  }

  /**
   * What the diagnostics, quick fixes and hovers show: the static rules' findings for the stage the linked
   * image was built up to and, once that image is indexed, the image-backed ones (as `layerlens lint --image`).
   */
  findings(document: vscode.TextDocument): Finding[] {
    const view = this.view(document);
    if (view.kind !== 'ready') {
      const state = this.links.stateOf(document);
      return this.parsed.staticFindings(document, state.kind === 'linked' ? state.link.target : undefined);
    }
    const cached = this.matchOf(document, view.link, view.facts);
    cached.findings ??= linkedFindings(view.parsed, view.link.target, { facts: view.facts, match: cached.match });
    return cached.findings;
  }

  /** Indexes the linked image again after a failure or a cancel. */
  retry(document: vscode.TextDocument): void {
    const state = this.links.stateOf(document);
    if (state.kind === 'linked') this.images.retry(state.link.id, this.labelOf(state.link));
  }

  labelOf(link: ImageLink): string {
    return linkLabel(link);
  }

  forget(uri: vscode.Uri): void {
    this.matches.delete(uri.toString());
  }

  private matchOf(document: vscode.TextDocument, link: ImageLink, facts: ImageFacts): CachedMatch {
    const key = document.uri.toString();
    const cached = this.matches.get(key);
    if (cached && cached.version === document.version && cached.imageId === facts.id && cached.target === link.target) return cached;
    const parsed = this.parsed.parsed(document);
    const match = matchDockerfile(parsed, facts.steps, { target: knownTarget(parsed, link.target) });
    const fresh: CachedMatch = { version: document.version, imageId: facts.id, match, score: agreement(match) };
    if (link.target !== undefined) fresh.target = link.target;
    this.matches.set(key, fresh);
    return fresh;
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    this.changed.dispose();
  }
}

// Diagnostics of open Dockerfiles: what stops a build (parse problems), the static rules (hints and
// information, no image needed) and, once the linked image is indexed, the image-backed warnings — the very
// findings of `layerlens lint --image` (linkedFindings.ts). Updated on open, shortly after typing stops, and
// when a link or an index changes.
import * as vscode from 'vscode';
import { isDockerfileDocument } from './dockerfileSelector';
import type { DockerfileViews } from './dockerfileViews';
import type { ParsedDockerfiles } from './parsedDockerfiles';
import { DIAGNOSTIC_SOURCE, toDiagnostic } from './vscodeConversions';

const TYPING_PAUSE_MS = 300;

export class DockerfileDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('layerlens-dockerfile');
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly views: DockerfileViews,
    private readonly parsed: ParsedDockerfiles,
  ) {
    this.subscriptions = [
      vscode.workspace.onDidOpenTextDocument((document) => this.update(document)),
      vscode.workspace.onDidChangeTextDocument((e) => this.updateSoon(e.document)),
      views.onDidChange(() => this.updateAll()),
    ];
    this.updateAll();
  }

  /** A closed document's diagnostics go with it. */
  forget(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.collection.delete(uri);
  }

  private updateAll(): void {
    for (const document of vscode.workspace.textDocuments) this.update(document);
  }

  private updateSoon(document: vscode.TextDocument): void {
    if (!isDockerfileDocument(document)) return;
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        if (!document.isClosed) this.update(document);
      }, TYPING_PAUSE_MS),
    );
  }

  private update(document: vscode.TextDocument): void {
    if (!isDockerfileDocument(document)) return;
    const problems = this.parsed.parsed(document).problems.map((p) => {
      const line = Math.min(p.line, document.lineCount - 1);
      const diagnostic = new vscode.Diagnostic(document.lineAt(line).range, p.message, vscode.DiagnosticSeverity.Error);
      diagnostic.source = DIAGNOSTIC_SOURCE;
      return diagnostic;
    });
    this.collection.set(document.uri, [...problems, ...this.views.findings(document).map(toDiagnostic)]);
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.subscriptions.forEach((s) => s.dispose());
    this.collection.dispose();
  }
}

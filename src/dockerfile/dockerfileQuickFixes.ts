// Quick fixes for our diagnostics whose finding carries a safe, mechanical fix (merge RUNs, ADD→COPY, add
// --no-install-recommends…). The finding is found again from the diagnostic's rule id and range: the
// diagnostics VS Code passes back are copies, not the objects we made.
import * as vscode from 'vscode';
import type { DockerfileViews } from './dockerfileViews';
import { DIAGNOSTIC_SOURCE, ruleIdOf, toRange, toWorkspaceEdit } from './vscodeConversions';

export class DockerfileQuickFixes implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(private readonly views: DockerfileViews) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const ours = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
    if (!ours.length) return [];
    const findings = this.views.findings(document);
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of ours) {
      const ruleId = ruleIdOf(diagnostic);
      const finding = findings.find((f) => f.fix && f.ruleId === ruleId && toRange(f.range).isEqual(diagnostic.range));
      if (!finding?.fix) continue;
      const action = new vscode.CodeAction(finding.fix.title, vscode.CodeActionKind.QuickFix);
      action.diagnostics = [diagnostic];
      action.edit = toWorkspaceEdit(document.uri, finding.fix.edits);
      action.isPreferred = true;
      actions.push(action);
    }
    return actions;
  }
}

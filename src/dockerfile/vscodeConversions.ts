// Plain Dockerfile findings (0-based lines and characters, like VS Code's) as VS Code diagnostics, ranges and edits.
import * as vscode from 'vscode';
import { ruleInfo, type Finding, type Severity, type TextEdit, type TextRange } from '../core/dockerfile';

/** Diagnostics' `source`: what VS Code shows after the message and what the quick fixes look for. */
export const DIAGNOSTIC_SOURCE = 'Layerlens';

const SEVERITIES: Record<Severity, vscode.DiagnosticSeverity> = {
  hint: vscode.DiagnosticSeverity.Hint,
  info: vscode.DiagnosticSeverity.Information,
  warning: vscode.DiagnosticSeverity.Warning,
  error: vscode.DiagnosticSeverity.Error,
};

export function toRange(range: TextRange): vscode.Range {
  return new vscode.Range(range.startLine, range.startCharacter, range.endLine, range.endCharacter);
}

export function toDiagnostic(finding: Finding): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(toRange(finding.range), finding.message, SEVERITIES[finding.severity]);
  diagnostic.source = DIAGNOSTIC_SOURCE;
  const info = ruleInfo(finding.ruleId);
  const url = info && 'url' in info ? info.url : undefined;
  diagnostic.code = url ? { value: finding.ruleId, target: vscode.Uri.parse(url) } : finding.ruleId;
  return diagnostic;
}

/** The rule id of one of our diagnostics (its `code`, plain or with a link). */
export function ruleIdOf(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  if (code === undefined) return undefined;
  return String(typeof code === 'object' ? code.value : code);
}

export function toWorkspaceEdit(uri: vscode.Uri, edits: TextEdit[]): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  for (const e of edits) edit.replace(uri, toRange(e.range), e.newText);
  return edit;
}

// Each open Dockerfile parsed and linted once per version: hovers, CodeLenses, diagnostics and quick fixes all
// ask for the same document many times between two edits.
import type * as vscode from 'vscode';
import { lintDockerfile, parseDockerfile, type Finding, type ParsedDockerfile } from '../core/dockerfile';
import { knownTarget } from './linkedFindings';

interface Entry {
  version: number;
  parsed: ParsedDockerfile;
  /** Static findings by target stage ("" = the last stage). */
  findings: Map<string, Finding[]>;
}

export class ParsedDockerfiles {
  private readonly entries = new Map<string, Entry>();

  parsed(document: vscode.TextDocument): ParsedDockerfile {
    return this.entry(document).parsed;
  }

  /** The static rules' findings; `target` as the linked image was built (a stage that no longer exists: the last). */
  staticFindings(document: vscode.TextDocument, target?: string): Finding[] {
    const entry = this.entry(document);
    const key = target ?? '';
    let findings = entry.findings.get(key);
    if (!findings) {
      findings = lintDockerfile(entry.parsed, { target: knownTarget(entry.parsed, target) });
      entry.findings.set(key, findings);
    }
    return findings;
  }

  forget(uri: vscode.Uri): void {
    this.entries.delete(uri.toString());
  }

  private entry(document: vscode.TextDocument): Entry {
    const key = document.uri.toString();
    let entry = this.entries.get(key);
    if (!entry || entry.version !== document.version) {
      entry = { version: document.version, parsed: parseDockerfile(document.getText()), findings: new Map() };
      this.entries.set(key, entry);
    }
    return entry;
  }
}

// The hover of a Dockerfile instruction: our own Hover, which VS Code shows beside other extensions' hovers.
// Trusted Markdown limited to our three commands; everything quoted from the image or the file is escaped.
import * as vscode from 'vscode';
import type { DockerfileViews } from './dockerfileViews';
import { hoverContent, instructionAt } from './hoverContent';
import { HOVER_COMMANDS, hoverMarkdown } from './hoverMarkdown';
import type { ParsedDockerfiles } from './parsedDockerfiles';
import { toRange } from './vscodeConversions';

export class DockerfileHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly views: DockerfileViews,
    private readonly parsed: ParsedDockerfiles,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const started = performance.now();
    const parsed = this.parsed.parsed(document);
    const instruction = instructionAt(parsed, position.line);
    if (!instruction) return undefined;
    const view = this.views.view(document);
    const content = hoverContent(view, parsed, instruction, this.views.findings(document), document.uri.toString(), (v) => this.views.labelOf(v.link));
    const markdown = new vscode.MarkdownString(hoverMarkdown(content), true);
    markdown.isTrusted = { enabledCommands: HOVER_COMMANDS };
    const line = instruction.range.startLine;
    this.log.debug(`Dockerfile hover on line ${position.line + 1} (${view.kind}): ${(performance.now() - started).toFixed(1)} ms.`);
    return new vscode.Hover(markdown, toRange({ startLine: line, startCharacter: instruction.range.startCharacter, endLine: line, endCharacter: parsed.lines[line].length }));
  }
}

// The hover of a Dockerfile instruction: our own Hover, which VS Code shows beside other extensions' hovers.
// Trusted Markdown limited to our three commands; everything quoted from the image or the file is escaped.
// A FROM or COPY --from=<image> whose image the engine lacks also says what its registry does (size, layers,
// platform), waiting for it at most REMOTE_WAIT_MS: the read runs in the background, started when the file opens.
import * as vscode from 'vscode';
import type { DockerfileViews } from './dockerfileViews';
import type { PreviousBuildDeltas } from './previousBuildDeltas';
import { hoverContent, instructionAt } from './hoverContent';
import { HOVER_COMMANDS, hoverMarkdown } from './hoverMarkdown';
import type { ParsedDockerfiles } from './parsedDockerfiles';
import { remoteBaseMarkdown } from './remoteBaseHover';
import { imageNamedBy, type RemoteBaseImages } from './remoteBaseImages';
import { toRange } from './vscodeConversions';

/** Long enough for a registry's manifest and config on a good link; a slower one says "reading…" instead. */
const REMOTE_WAIT_MS = 1500;

export class DockerfileHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly views: DockerfileViews,
    private readonly parsed: ParsedDockerfiles,
    private readonly log: vscode.LogOutputChannel,
    private readonly remoteBases?: RemoteBaseImages,
    /** "+12.1 MB since the previous build", when the linked tag was seen rebuilt. */
    private readonly sinceBuild?: PreviousBuildDeltas,
  ) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const started = performance.now();
    const parsed = this.parsed.parsed(document);
    const instruction = instructionAt(parsed, position.line);
    if (!instruction) return undefined;
    const view = this.views.view(document);
    const content = hoverContent(view, parsed, instruction, this.views.findings(document), document.uri.toString(), (v) => this.views.labelOf(v.link));
    let text = hoverMarkdown(content);
    const since = view.kind === 'ready' && content.kind === 'linked' && content.insight.kind === 'layer' ? this.sinceBuild?.textFor(view.link, content.insight.stepIndex) : undefined;
    if (since) text += `\n\n${since}`; // our own phrase: sizes only, nothing from the image
    const named = this.remoteBases && imageNamedBy(parsed, instruction);
    const note = named ? await this.remoteBases!.within(named, REMOTE_WAIT_MS) : undefined;
    if (note) text += `\n\n---\n\n${remoteBaseMarkdown(note)}`;
    const markdown = new vscode.MarkdownString(text, true);
    markdown.isTrusted = { enabledCommands: HOVER_COMMANDS };
    const line = instruction.range.startLine;
    this.log.debug(`Dockerfile hover on line ${position.line + 1} (${view.kind}${note ? `, ${note.kind} image` : ''}): ${(performance.now() - started).toFixed(1)} ms.`);
    return new vscode.Hover(markdown, toRange({ startLine: line, startCharacter: instruction.range.startCharacter, endLine: line, endCharacter: parsed.lines[line].length }));
  }
}

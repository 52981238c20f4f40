// What the hover of one line says, from the document's view (dockerfileViews.ts) as plain data: the linked
// image's facts for the instruction under the cursor, or why there are none and the static hints. No vscode:
// this and hoverMarkdown.ts are the whole cost of a hover once the image is indexed.
import { matchAtLine, ruleById, type DockerfileInstruction, type Finding, type ParsedDockerfile } from '../core/dockerfile';
import type { DocumentView } from './dockerfileViews';
import type { HoverContent, StaticHint } from './hoverMarkdown';
import { instructionInsight } from './instructionInsight';

/** The instruction that covers `line` (0-based), if any: comments and blank lines have no hover. */
export function instructionAt(parsed: ParsedDockerfile, line: number): DockerfileInstruction | undefined {
  return parsed.instructions.find((i) => i.range.startLine <= line && line <= i.range.endLine);
}

export function hoverContent(
  view: DocumentView,
  parsed: ParsedDockerfile,
  instruction: DockerfileInstruction,
  findings: readonly Finding[],
  documentUri: string,
  imageLabel: (view: Extract<DocumentView, { link: unknown }>) => string,
): HoverContent {
  const hints = hintsFor(instruction, findings);
  switch (view.kind) {
    case 'searching':
      return { kind: 'unlinked', reason: 'Looking for the local image built from this Dockerfile…', documentUri, hints };
    case 'unlinked':
      return { kind: 'unlinked', reason: view.reason, documentUri, hints };
    case 'waiting': {
      const label = imageLabel(view);
      const reason =
        view.index.kind === 'indexing'
          ? `Indexing ${label}; its numbers show here when that is done.`
          : view.index.cancelled
            ? `Indexing ${label} was cancelled; link the image again to index it.`
            : `${label} could not be indexed: ${view.index.message}`;
      return { kind: 'unlinked', reason, documentUri, hints };
    }
    case 'ready': {
      const image = { id: view.facts.id, label: imageLabel(view) };
      const match = matchAtLine(view.match, instruction.range.startLine);
      if (!match) return { kind: 'other-stage', image, hints };
      return { kind: 'linked', image, insight: instructionInsight(parsed, view.facts, match), hints };
    }
  }
}

/**
 * The static rules' findings inside the instruction, with their rule's title and page. The image-backed ones
 * are the hover's own numbers and findings; a static one the image proved (LL1001 under LL2001) is gone already.
 */
function hintsFor(instruction: DockerfileInstruction, findings: readonly Finding[]): StaticHint[] {
  const { startLine, endLine } = instruction.range;
  return findings.flatMap((f) => {
    const rule = ruleById(f.ruleId);
    if (!rule || f.range.startLine < startLine || f.range.startLine > endLine) return [];
    const hint: StaticHint = { ruleId: f.ruleId, title: rule.title, message: f.message };
    if (rule.url) hint.url = rule.url;
    return [hint];
  });
}

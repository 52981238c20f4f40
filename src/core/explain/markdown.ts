// An explanation as Markdown, for the extension's preview. Everything that comes from the image (paths, names,
// commands, comments) is shown literally: file names can hold Markdown, HTML, backticks, newlines or raw bytes.
import { printablePath } from '../format';
import type { Explanation } from './explanation';
import { outlineExplanation, printableCommand, type Block, type Inline } from './outline';

export interface MarkdownOptions {
  /** A link target that shows `path` at `layer` (e.g. a command URI of the Layer Explorer), or undefined for none. */
  linkForPath?: (path: string, layer: number) => string | undefined;
}

export function explanationToMarkdown(explanation: Explanation, options: MarkdownOptions = {}): string {
  return outlineExplanation(explanation).map((block) => renderBlock(block, options)).join('\n\n') + '\n';
}

function renderBlock(block: Block, options: MarkdownOptions): string {
  switch (block.kind) {
    case 'heading':
      return '#'.repeat(block.level) + ' ' + renderInlines(block.inlines, options);
    case 'paragraph':
      return renderInlines(block.inlines, options);
    case 'list':
      return block.items.map((item) => '- ' + renderInlines(item, options)).join('\n');
    case 'code':
      return codeBlock(block.lines, block.language);
  }
}

function renderInlines(inlines: Inline[], options: MarkdownOptions): string {
  return inlines
    .map((inline) => {
      if (typeof inline === 'string') return inline;
      if ('literal' in inline) return escapeMarkdown(inline.literal);
      const label = escapeMarkdown(inline.path);
      const target = options.linkForPath?.(inline.path, inline.layer);
      return target === undefined ? label : `[${label}](<${safeDestination(target)}>)`;
    })
    .join('');
}

/**
 * Text that renders as itself: control characters and raw bytes become \xNN (as in the terminal), bidi and
 * zero-width controls become \u{…} so a name cannot reorder what is shown, and every ASCII punctuation mark
 * but "/" is backslash-escaped (CommonMark lets any be), which defeats emphasis, links, HTML, entities and
 * autolinks alike.
 */
export function escapeMarkdown(text: string): string {
  return printablePath(text)
    .replace(/[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`)
    .replace(/[!-.:-@[-`{-~]/g, '\\$&');
}

/** A link destination inside <…> may hold neither "<", ">", a line break nor an unescaped backslash. */
function safeDestination(target: string): string {
  return target.replace(/[\x00-\x20<>\\\x7f]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
}

/** A fence longer than any run of backticks inside, so no line can close it early. */
function codeBlock(lines: string[], language: string): string {
  const longest = Math.max(0, ...lines.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((run) => run.length))));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [fence + language, ...lines.map(printableCommand), fence].join('\n');
}

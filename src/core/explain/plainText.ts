// An explanation as plain text for a terminal: the same outline as the Markdown, with names made printable.
import { printablePath } from '../format';
import type { Explanation } from './explanation';
import { outlineExplanation, printableCommand, type Block, type Inline } from './outline';

export function explanationToText(explanation: Explanation): string {
  return outlineExplanation(explanation).map(renderBlock).join('\n\n') + '\n';
}

function renderBlock(block: Block): string {
  switch (block.kind) {
    case 'heading': {
      const text = renderInlines(block.inlines);
      return block.level === 1 ? `${text}\n${'='.repeat(Math.min(text.length, 80))}` : block.level === 2 ? `${text}\n${'-'.repeat(Math.min(text.length, 80))}` : text;
    }
    case 'paragraph':
      return renderInlines(block.inlines);
    case 'list':
      return block.items.map((item) => '  - ' + renderInlines(item)).join('\n');
    case 'code':
      return block.lines.map((line) => '    ' + printableCommand(line)).join('\n');
  }
}

function renderInlines(inlines: Inline[]): string {
  return inlines.map((inline) => (typeof inline === 'string' ? inline : printablePath('literal' in inline ? inline.literal : inline.path))).join('');
}

// The hover of a Dockerfile instruction as Markdown, from plain data (no vscode): what the linked image says
// about the line, or the static hints and a link to link an image. Everything that comes from the image or
// the Dockerfile (names, paths, messages quoting the file) is escaped so that it shows literally; only our
// own sentences may hold Markdown. The caller trusts exactly the commands in HOVER_COMMANDS.
import { formatBytes, formatPercent } from '../core/format';
import type { Finding as ExplainFinding } from '../core/explain/explanation';
import { escapeMarkdown } from '../core/explain/markdown';
import type { InstructionInsight } from './instructionInsight';

/** The only commands a hover's links may run. */
export const HOVER_COMMANDS = ['layerlens.explainLayer', 'layerlens.openExplorer', 'layerlens.linkDockerfile'];

/** How many of "Explain This Layer"'s findings a hover lists. */
export const TOP_FINDINGS = 3;

export interface StaticHint {
  ruleId: string;
  /** Our own words ("Merge consecutive RUNs"). */
  title: string;
  /** The finding's sentence; may quote the Dockerfile, so it is escaped. */
  message: string;
  url?: string;
}

export interface HoverImage {
  /** The engine's image ID: what the commands open. */
  id: string;
  /** The name the user knows it by. */
  label: string;
}

export type HoverContent =
  | { kind: 'linked'; image: HoverImage; insight: InstructionInsight; hints: StaticHint[] }
  /** A stage the linked image is not built from (another target, a test stage…). */
  | { kind: 'other-stage'; image: HoverImage; hints: StaticHint[] }
  /** No image to ask (yet): `reason` says why, in one sentence. */
  | { kind: 'unlinked'; reason: string; documentUri: string; hints: StaticHint[] };

export function hoverMarkdown(content: HoverContent): string {
  const blocks: string[] = [];
  if (content.kind === 'unlinked') {
    blocks.push(`**Layerlens** · ${escapeMarkdown(content.reason)}`);
    blocks.push(...hintBlocks(content.hints));
    blocks.push(commandLink('Link Dockerfile to Image…', 'layerlens.linkDockerfile', [content.documentUri]));
    return blocks.join('\n\n');
  }
  const image = escapeMarkdown(content.image.label);
  if (content.kind === 'other-stage') {
    blocks.push(`**Layerlens** · ${image} is not built from this stage, so no step of it comes from this line.`);
    blocks.push(...hintBlocks(content.hints));
    return blocks.join('\n\n');
  }
  const insight = content.insight;
  switch (insight.kind) {
    case 'layer': {
      const facts = insight.layer;
      // Layers are numbered from 0 (the base) everywhere in Layerlens: the Images view, the explorer, the CLI.
      blocks.push(`**Layerlens** · ${image} · layer #${facts.layer} of ${insight.layerCount}`);
      const size = insight.copiedFrom
        ? `Copies **${formatBytes(facts.size)}** from ${escapeMarkdown(insight.copiedFrom)} · ${formatPercent(facts.shareOfImage)} of the image`
        : `**${formatBytes(facts.size)}** · ${formatPercent(facts.shareOfImage)} of the image`;
      const lines = [size, fileCounts(facts)];
      if (facts.hidesBytes > 0) lines.push(`Hides ${formatBytes(facts.hidesBytes)} of earlier layers, which still ship them`);
      if (facts.wastedLaterBytes > 0) lines.push(`${formatBytes(facts.wastedLaterBytes)} of it is deleted or replaced by later steps: shipped for nothing`);
      blocks.push(lines.join('  \n'));
      // The waste that later steps cause is said above already.
      const findings = facts.findings.filter((f) => f.id !== 'undone-later').slice(0, TOP_FINDINGS).map(findingLine);
      if (findings.length) blocks.push(findings.join('\n'));
      blocks.push(
        [
          commandLink('Explain This Layer', 'layerlens.explainLayer', [{ imageRef: content.image.id, label: content.image.label, layer: facts.layer }]),
          commandLink('Show in Layer Explorer', 'layerlens.openExplorer', [content.image.id, content.image.label, facts.layer]),
        ].join(' · '),
      );
      break;
    }
    case 'metadata':
      blocks.push(`**Layerlens** · ${image} · metadata only`);
      blocks.push(`This ${insight.keyword} only changes the image's configuration: no layer, no bytes.`);
      // As the image records it, masked: a secret value of the line never reaches the hover.
      if (insight.recorded) blocks.push(`Recorded as: ${escapeMarkdown(insight.recorded)}`);
      if (insight.secrets.length) blocks.push(insight.secrets.map(findingLine).join('\n'));
      break;
    case 'from': {
      const base = insight.base;
      blocks.push(`**Layerlens** · ${image}`);
      if (base.kind === 'scratch') blocks.push('**FROM scratch**: an empty start; every byte of the image comes from the steps below.');
      else {
        const what = base.kind === 'stage' ? 'Built on stage' : 'Base image';
        blocks.push(
          `${what} **${escapeMarkdown(base.name)}** · ${formatBytes(base.size)} in ${plural(base.layers, 'layer')} · ${formatPercent(base.shareOfImage)} of the image`,
        );
      }
      break;
    }
    case 'changed':
      blocks.push(`**Layerlens** · ${image}`);
      blocks.push(`**Changed since the image was built**: this ${insight.keyword} no longer reads like the image's step, so it has no numbers. Rebuild to see them.`);
      blocks.push(...hintBlocks(content.hints));
      break;
    case 'unrecorded':
      blocks.push(`**Layerlens** · ${image}`);
      blocks.push(`The builder records no step for this ${insight.keyword}.`);
      break;
  }
  return blocks.join('\n\n');
}

function fileCounts(facts: { added: number; modified: number; metadataOnly: number; deleted: number }): string {
  const parts: string[] = [];
  if (facts.added) parts.push(`+${count(facts.added)} added`);
  if (facts.modified) parts.push(facts.metadataOnly ? `${count(facts.modified)} modified (${count(facts.metadataOnly)} metadata only)` : `${count(facts.modified)} modified`);
  if (facts.deleted) parts.push(`−${count(facts.deleted)} deleted`);
  return parts.length ? `Files: ${parts.join(' · ')}` : 'No file changed';
}

/**
 * One finding of "Explain This Layer": its rule id, its sentence (our own text) and its biggest evidence,
 * escaped. A security finding is about exposure: it names a file, not a size.
 */
function findingLine(finding: ExplainFinding): string {
  const icon = finding.severity === 'security' ? '$(shield)' : finding.severity === 'warning' ? '$(warning)' : '$(info)';
  const biggest = finding.evidence[0];
  const title = finding.title.replace(/\.$/, '');
  if (finding.severity === 'security') return `- ${icon} ${finding.ruleId} ${title}${biggest ? ` (e.g. ${escapeMarkdown(biggest.path)})` : ''}.`;
  return `- ${icon} ${finding.ruleId} ${title} (${formatBytes(finding.total.bytes)}${biggest ? `, e.g. ${escapeMarkdown(biggest.path)}` : ''}).`;
}

function hintBlocks(hints: StaticHint[]): string[] {
  return hints.map((h) => {
    const id = h.url ? `[${escapeMarkdown(h.ruleId)}](${h.url})` : escapeMarkdown(h.ruleId);
    return `$(lightbulb) **${id}** ${h.title}: ${escapeMarkdown(h.message)}`;
  });
}

/**
 * A link that runs a command with JSON arguments (VS Code's `command:` URIs). encodeURIComponent leaves
 * ( ) ' ! * alone, and a ")" from a file path would end the Markdown link early: those are encoded too.
 */
export function commandLink(title: string, command: string, args: unknown[]): string {
  const query = encodeURIComponent(JSON.stringify(args)).replace(/[()'!*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  return `[${title}](command:${command}?${query})`;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function plural(n: number, word: string): string {
  return `${count(n)} ${word}${n === 1 ? '' : 's'}`;
}

// The hover block for an image a Dockerfile line brings in from a registry (remoteBaseImages.ts): its size,
// layers and platform, or that it is being read, or why it could not be. Names and messages are escaped; the only
// link opens the image in the Layer Explorer (one of HOVER_COMMANDS).
import { formatBytes } from '../core/format';
import { escapeMarkdown } from '../core/explain/markdown';
import { commandLink } from './hoverMarkdown';
import type { RemoteBaseNote } from './remoteBaseImages';

export function remoteBaseMarkdown(note: RemoteBaseNote): string {
  const what = note.image.role === 'base' ? 'Base image' : 'Copied from';
  const name = escapeMarkdown(note.image.name);
  switch (note.kind) {
    case 'reading':
      return `**Layerlens** · ${what} **${name}** is not on the engine; reading it from its registry… hover again in a moment.`;
    case 'failed':
      return `**Layerlens** · ${what} **${name}** is not on the engine, and its registry could not tell more: ${escapeMarkdown(note.message)}`;
    case 'remote':
      return [
        `**Layerlens** · ${what} **${name}** · from its registry, not pulled`,
        `**${formatBytes(note.compressedSize)}** compressed in ${note.layerCount} layer${note.layerCount === 1 ? '' : 's'} · ${escapeMarkdown(note.platform)}`,
        commandLink('Show in Layer Explorer', 'layerlens.openExplorer', [note.ref, note.reference]),
      ].join('\n\n');
  }
}

// A path's story through the stack, in words: "added by #3 RUN …, rewritten by #4 RUN chmod … (metadata only,
// 700 kB duplicated), whited-out by #5 RUN rm …". Pure: built from ImageModel.pathHistory.
import { formatBytes } from '../core/format';
import type { ImageModel, PathEvent } from '../core/model/imageModel';

/** "#4 RUN chmod 600 /data" for a layer; the instruction comes from the step that made it. */
function layerLabel(model: ImageModel, layer: number): string {
  const step = model.steps.find((s) => s.layerIndex === layer);
  return step ? `#${layer} ${oneLine(step.instruction)}` : `#${layer}`;
}

export function describePathHistory(model: ImageModel, events: PathEvent[]): string[] {
  return events.map((event) => describeEvent(model, event));
}

function describeEvent(model: ImageModel, event: PathEvent): string {
  const by = layerLabel(model, event.layer);
  const size = event.entry.type === 'file' ? formatBytes(event.entry.size) : undefined;
  switch (event.change) {
    case 'added':
      return `added by ${by}${size ? ` (${size})` : ''}`;
    case 'modified':
      if (event.kind === 'metadata') return `rewritten by ${by} (metadata only${size ? `, ${size} duplicated` : ''})`;
      if (event.kind === 'type') return `replaced by a ${event.entry.type} in ${by}`;
      return `rewritten by ${by}${size ? ` (${size})` : ''}`;
    case 'deleted':
      if (event.cause === 'opaque') return `hidden by an opaque directory in ${by}`;
      if (event.cause === 'replaced') return `removed with its parent by ${by}`;
      return `whited-out by ${by}`;
  }
}

function oneLine(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
}

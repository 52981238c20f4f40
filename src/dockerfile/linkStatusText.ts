// The status-bar item of a Dockerfile editor, from its view as plain data: the linked image and how well it
// matches ("basics:legacy · 100% match"), a spinner only while something is under way, or why nothing is linked.
import { formatBytes } from '../core/format';
import type { DocumentView } from './dockerfileViews';
import { shortImageName } from './imageFacts';
import { matchPercent } from './imageRanking';

export interface StatusText {
  text: string;
  tooltip: string;
}

const CLICK = 'Click to link the Dockerfile to another image.';

export function linkStatusText(view: DocumentView, label: (view: Extract<DocumentView, { link: unknown }>) => string): StatusText {
  switch (view.kind) {
    case 'searching':
      return { text: '$(sync~spin) Finding image…', tooltip: 'Looking for the local image built from this Dockerfile.' };
    case 'unlinked':
      return { text: '$(link) Link image…', tooltip: `${view.reason}\n${CLICK}` };
    case 'waiting': {
      const name = label(view);
      const score = view.link.score === undefined ? '' : ` · ${matchPercent(view.link.score)}`;
      if (view.index.kind === 'indexing') return { text: `$(sync~spin) ${shortImageName(name)}${score}`, tooltip: `Indexing ${name}…\n${CLICK}` };
      return { text: `$(warning) ${shortImageName(name)} · not indexed`, tooltip: `${view.index.message}\n${CLICK}` };
    }
    case 'ready': {
      const name = label(view);
      const changed = view.match.instructions.filter((m) => m.status === 'changed').length;
      const lines = [
        `Linked to ${name} (${view.facts.id.slice(0, 19)}…, ${formatBytes(view.facts.totalSize)}), ${view.link.manual ? 'chosen by you' : 'the best match among the local images'}.`,
        `Matches ${view.match.matched} of ${view.match.total} instructions` + (changed ? `; ${changed} changed since the image was built.` : '.'),
        CLICK,
      ];
      return { text: `$(layers) ${shortImageName(name)} · ${matchPercent(view.score)}`, tooltip: lines.join('\n') };
    }
  }
}

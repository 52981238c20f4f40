// The facts under the explorer's title. "wasted" is Layerlens' exact figure, the same as the layer list's and
// the Wasted space tab's; dive's two figures follow, labelled as dive's, with what they measure in a tooltip.
import type { ImageHeader } from '../src/explorer/protocol';
import { formatBytes } from '../src/core/format';

export interface HeaderFact {
  text: string;
  title?: string;
  /** For styling and tests: "wasted", "dive". */
  kind?: string;
  /** The exact figure behind a rounded one (for tests and tools). */
  bytes?: number;
}

const DIVE_TITLE =
  "dive's measures, for comparison with dive: it counts every version of a path touched in two or more layers, the kept one included, so a file copied once by a chmod counts twice. Efficiency is the share of those bytes a single version would need.";

export function headerFacts(h: ImageHeader): HeaderFact[] {
  // Before the engine has answered, the header knows the name alone.
  const facts: HeaderFact[] = h.id ? [{ text: h.id.replace(/^sha256:/, '').slice(0, 12), title: h.id }, { text: formatBytes(h.totalSize), title: 'Total size of the layers' }] : [];
  if (h.exactWastedBytes !== undefined) {
    facts.push({
      text: `${formatBytes(h.exactWastedBytes)} wasted`,
      title: `${h.exactWastedBytes.toLocaleString('en')} bytes shipped for nothing: file versions a later layer overwrote, deleted or only re-stamped (the sum of the layer list's figures and of the Wasted space tab)`,
      kind: 'wasted',
      bytes: h.exactWastedBytes,
    });
  }
  if (h.efficiency !== undefined && h.wastedBytes !== undefined) {
    facts.push({ text: `dive efficiency ${Math.floor(h.efficiency * 1000) / 10} % · dive wasted ${formatBytes(h.wastedBytes)}`, title: DIVE_TITLE, kind: 'dive', bytes: h.wastedBytes });
  }
  facts.push({ text: h.engine });
  return facts;
}

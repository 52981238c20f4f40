// One masking for every text that comes from build metadata (instructions, `created_by`, comments): applied
// where the history enters the model (history.ts, engineHistory.ts), so no view, report or hover can forget
// it. It hides, in any text: the token forms of secretShapes.ts (keeping their public prefix: `ghp_****`),
// the value of every `NAME=value` whose name says secret, and every value the image's metadata scan found
// (buildSecrets.ts), wherever else it appears (a RUN line that echoes an ENV's password, say).
import { isSecretName, isSecretValue, MASK, shapeMatches } from './secretShapes';

interface Span {
  start: number;
  end: number;
  /** The visible part at `start` ("ghp_"), or "" . */
  kept: string;
}

/** Values this short are masked only as `NAME=value`: replacing "abc" everywhere would garble the text. */
const SHORTEST_GLOBAL_VALUE = 4;

const ASSIGNMENT = /(?<![A-Za-z0-9_.-])(?<name>[A-Za-z_][A-Za-z0-9_.-]*)["']?=(?<value>"[^"]*"|'[^']*'|[^\s"']+)/dg;

export class SecretMasker {
  private readonly values: string[];

  /** `values`: secrets known from the image's metadata (buildSecrets.ts' scan). */
  constructor(values: readonly string[] = []) {
    // Longest first, so a value that contains another is masked whole.
    this.values = [...new Set(values.filter((v) => v.length >= SHORTEST_GLOBAL_VALUE))].sort((a, b) => b.length - a.length);
  }

  mask(text: string): string;
  mask(text: string | undefined): string | undefined;
  mask(text: string | undefined): string | undefined {
    if (!text) return text;
    const spans: Span[] = shapeMatches(text).map((m) => ({ start: m.start, end: m.end, kept: m.masked.slice(0, -MASK.length) }));
    for (const m of text.matchAll(ASSIGNMENT)) {
      const value = m.groups!.value;
      const bare = /^["']/.test(value) ? value.slice(1, -1) : value;
      if (!isSecretName(m.groups!.name) || !isSecretValue(bare) || bare.endsWith(MASK)) continue;
      const [start, end] = m.indices!.groups!.value;
      // Quotes stay: `PASSWORD="****"`.
      spans.push(bare === value ? { start, end, kept: '' } : { start: start + 1, end: end - 1, kept: '' });
    }
    for (const value of this.values) {
      for (let at = text.indexOf(value); at >= 0; at = text.indexOf(value, at + value.length)) spans.push({ start: at, end: at + value.length, kept: '' });
    }
    if (!spans.length) return text;
    return applySpans(text, spans);
  }
}

/** Replaces each span (overlapping ones merged) by its visible prefix and the mask. */
function applySpans(text: string, spans: Span[]): string {
  spans.sort((a, b) => a.start - b.start || b.kept.length - a.kept.length || b.end - a.end);
  let out = '';
  let at = 0;
  for (let i = 0; i < spans.length; ) {
    const first = spans[i];
    let end = first.end;
    for (i++; i < spans.length && spans[i].start < end; i++) end = Math.max(end, spans[i].end);
    out += text.slice(at, first.start) + first.kept + MASK;
    at = end;
  }
  return out + text.slice(at);
}

/** A masker that knows no value: token forms and `NAME=value` assignments only (a Dockerfile's text, say). */
export const SHAPE_MASKER = new SecretMasker();

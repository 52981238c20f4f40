// The image a stage is built FROM, with the ARGs declared before the first FROM substituted.
import type { DockerfileStage, ParsedDockerfile } from './parse';
import { expandWord, isKnown, segmentsText, splitWords } from './variables';

export interface BaseImageReference {
  /** As written after FROM. */
  written: string;
  /** With global ARG defaults substituted; undefined when a variable has no default. */
  resolved?: string;
  /** "scratch", an earlier stage, or an image to pull. */
  kind: 'scratch' | 'stage' | 'image';
  /** For images: the tag after the last ":" of the name part, if any. */
  tag?: string;
  /** For images: "sha256:…" after "@", if any. */
  digest?: string;
}

/** The defaults of the ARGs before the first FROM: the only variables a FROM line can use. */
export function globalArgDefaults(dockerfile: ParsedDockerfile): Map<string, string | undefined> {
  const scope = new Map<string, string | undefined>();
  for (const arg of dockerfile.globalArgs) {
    for (const word of splitWords(arg.argumentsText, dockerfile.escapeChar)) {
      const eq = word.indexOf('=');
      const name = eq < 0 ? word : word.slice(0, eq);
      const value = eq < 0 ? undefined : expandWord(word.slice(eq + 1), scope, dockerfile.escapeChar, true);
      scope.set(name, value && isKnown(value) ? segmentsText(value) : undefined);
    }
  }
  return scope;
}

/** The platform ARGs BuildKit defines in the global scope: FROM may use them undeclared, with values set per build. */
const PLATFORM_ARGS = ['TARGETPLATFORM', 'TARGETOS', 'TARGETARCH', 'TARGETVARIANT', 'BUILDPLATFORM', 'BUILDOS', 'BUILDARCH', 'BUILDVARIANT'];

export function baseImageOf(dockerfile: ParsedDockerfile, stage: DockerfileStage): BaseImageReference {
  const written = stage.baseImage;
  if (stage.baseStage !== undefined) return { written, resolved: written, kind: 'stage' };
  const scope = globalArgDefaults(dockerfile);
  for (const name of PLATFORM_ARGS) if (!scope.has(name)) scope.set(name, undefined);
  const segments = expandWord(written, scope, dockerfile.escapeChar, true);
  if (!isKnown(segments)) return { written, kind: 'image' };
  const resolved = segmentsText(segments);
  // Nothing left of the name (`FROM ${UNDECLARED}`): no image to judge; the builder refuses the blank name.
  if (!resolved.trim()) return { written, kind: 'image' };
  if (resolved.toLowerCase() === 'scratch') return { written, resolved, kind: 'scratch' };
  // A resolved name may still be an earlier stage ("FROM ${BUILDER}").
  if (dockerfile.stages.slice(0, stage.index).some((s) => s.name?.toLowerCase() === resolved.toLowerCase())) return { written, resolved, kind: 'stage' };
  const at = resolved.indexOf('@');
  const name = at < 0 ? resolved : resolved.slice(0, at);
  const colon = name.lastIndexOf(':');
  const reference: BaseImageReference = { written, resolved, kind: 'image' };
  if (colon > name.lastIndexOf('/')) reference.tag = name.slice(colon + 1);
  if (at >= 0) reference.digest = resolved.slice(at + 1);
  return reference;
}

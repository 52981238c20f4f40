// Build steps from the engine's history API (`GET /images/{id}/history`), which is all a view may use before
// any export. Unlike the config's history it has no `empty_layer` flag: a step of size 0 may be a metadata
// step or a layer that happens to be empty. Steps are matched to `rootfs.diff_ids` only when the counts leave
// no doubt; otherwise layers stay unknown until the image is indexed.
import { readableInstruction } from './history';
import { scanBuildMetadata } from '../secrets/buildSecrets';
import { SecretMasker } from '../secrets/masking';
import type { Builder } from './types';

export interface EngineHistoryEntry {
  Id: string;
  Created: number;
  CreatedBy: string;
  Tags: string[] | null;
  Size: number;
  Comment: string;
}

export interface ViewStep {
  index: number;
  instruction: string;
  builder: Builder;
  created: number;
  size: number;
  /** Index into rootfs.diff_ids, when known. */
  layerIndex?: number;
  /** True for steps that certainly add no layer (ENV, LABEL, CMD…). */
  metadataOnly: boolean;
  comment?: string;
}

const METADATA_ONLY = /^(ENV|LABEL|CMD|ENTRYPOINT|EXPOSE|USER|ARG|STOPSIGNAL|HEALTHCHECK|SHELL|VOLUME|ONBUILD|MAINTAINER)\b/;

/** `history` newest first, as the API returns it; the result is oldest first, its secrets masked (core/secrets). */
export function stepsFromEngineHistory(history: EngineHistoryEntry[], layerCount: number): ViewStep[] {
  const oldestFirst = [...history].reverse();
  const masker = new SecretMasker(scanBuildMetadata(oldestFirst.map((h) => h.CreatedBy)).values);
  const steps: ViewStep[] = oldestFirst.map((h, index) => {
    const { instruction, builder } = readableInstruction(h.CreatedBy);
    return {
      index,
      instruction: masker.mask(instruction || (h.Comment ? `(${h.Comment})` : '(no instruction recorded)')),
      builder,
      created: h.Created,
      size: h.Size,
      metadataOnly: METADATA_ONLY.test(instruction) && h.Size === 0,
      comment: masker.mask(h.Comment || undefined),
    };
  });
  const certain = steps.filter((s) => s.size > 0);
  const possible = steps.filter((s) => s.size === 0 && !s.metadataOnly);
  let layered: ViewStep[] | undefined;
  if (certain.length + possible.length === layerCount) layered = steps.filter((s) => s.size > 0 || !s.metadataOnly);
  else if (certain.length === layerCount) layered = certain;
  if (layered) {
    layered.forEach((s, i) => (s.layerIndex = i));
    for (const s of steps) if (s.layerIndex === undefined) s.metadataOnly = true;
  }
  return steps;
}

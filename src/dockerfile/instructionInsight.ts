// What a linked image says about one Dockerfile instruction, as plain data for the hover and the CodeLens:
// the layer it made, a metadata-only step, the base a FROM brings, or "changed since the build" (no numbers:
// they would belong to another text).
import { baseImageOf } from '../core/dockerfile/baseImage';
import type { InstructionMatch } from '../core/dockerfile/match';
import type { ParsedDockerfile } from '../core/dockerfile/parse';
import type { Finding as ExplainFinding } from '../core/explain/explanation';
import { buildSecretFindings } from '../core/secrets/buildSecretFindings';
import { baseFacts, type BaseFacts, type ImageFacts, type LayerFacts } from './imageFacts';

export type InstructionInsight =
  | {
      kind: 'layer';
      keyword: string;
      stepIndex: number;
      layer: LayerFacts;
      layerCount: number;
      /** COPY --from=<stage or image>: where the copied bytes come from. */
      copiedFrom?: string;
    }
  | {
      kind: 'metadata';
      keyword: string;
      stepIndex: number;
      /** The step as the image records it, its secrets masked (core/secrets). */
      recorded: string;
      /** The secrets this step puts in the image (an ENV, ARG or LABEL value): named, never shown. */
      secrets: ExplainFinding[];
    }
  | { kind: 'from'; base: BaseDescription }
  | { kind: 'changed'; keyword: string }
  | { kind: 'unrecorded'; keyword: string };

export interface BaseDescription extends BaseFacts {
  kind: 'scratch' | 'stage' | 'image';
  /** As written after FROM (the image, the stage's name or "scratch"). */
  name: string;
}

export function instructionInsight(dockerfile: ParsedDockerfile, facts: ImageFacts, match: InstructionMatch): InstructionInsight {
  const keyword = match.instruction.keyword;
  switch (match.status) {
    case 'changed':
      return { kind: 'changed', keyword };
    case 'unrecorded':
      return { kind: 'unrecorded', keyword };
    case 'from': {
      const stage = dockerfile.stages[match.instruction.stage];
      const reference = baseImageOf(dockerfile, stage);
      return { kind: 'from', base: { kind: reference.kind, name: reference.resolved ?? reference.written, ...baseFacts(facts, match.baseSteps) } };
    }
    case 'matched': {
      const layer = match.layerIndex === undefined ? undefined : facts.layers[match.layerIndex];
      if (!layer) {
        const recorded = facts.steps.find((s) => s.index === match.stepIndex)?.instruction ?? '';
        const secrets = buildSecretFindings(facts.buildSecrets.filter((s) => s.step === match.stepIndex));
        return { kind: 'metadata', keyword, stepIndex: match.stepIndex, recorded, secrets };
      }
      const from = keyword === 'COPY' ? match.instruction.flags.find((f) => f.name === 'from')?.value ?? undefined : undefined;
      return { kind: 'layer', keyword, stepIndex: match.stepIndex, layer, layerCount: facts.layerCount, ...(from ? { copiedFrom: from } : {}) };
    }
  }
}

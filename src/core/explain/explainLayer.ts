// The explanation of one layer or one build step, from the image model and its analysis: computed once here
// and rendered by every front end (CLI text and JSON, the extension's Markdown preview).
import type { ImageAnalysis } from '../analysis/analysis';
import type { ImageModel } from '../model/imageModel';
import { imageDisplayName } from '../catalog/imageName';
import type { Step } from '../model/types';
import type { DockerfileLocation, Finding, ImageRef, LayerExplanation, Severity, StepExplanation } from './explanation';
import { buildLeftoverFindings } from './findings/buildLeftovers';
import { DEFAULT_LARGE_FILE_BYTES, largeFileFindings } from './findings/largeFiles';
import { packageCacheFindings } from './findings/packageCaches';
import { permissionFindings } from './findings/permissions';
import { rewriteFindings } from './findings/rewrites';
import { secretFindings, secretPaths } from './findings/secrets';
import { buildSecretFindings } from '../secrets/buildSecretFindings';
import type { ImagePackages } from '../packages/imagePackages';
import { packageFindings } from './findings/packageFindings';
import { layerPackages } from './layerPackages';
import { forEachLayerDelta, layerDelta, type LayerDelta } from './layerDelta';
import { stackRelation } from './stackRelation';
import { configFieldOf, stepKind, stepOrigin, summarizeStep } from './stepSummary';
import { topDirectories } from './topDirectories';

export interface ExplainContext {
  /** Names of other local images whose layers include this layer's diffID. */
  sharedWith?: string[];
  /** The Dockerfile line of the step, when the caller linked the image to a Dockerfile. */
  dockerfile?: DockerfileLocation;
  /** Files this big or bigger are reported (default 50 MB). */
  largeFileBytes?: number;
  /** How the user referred to the image (a name or an ID; never a file path): the explanation is titled with it. */
  imageReference?: string;
  /**
   * The image's packages (core/packages: `loadImagePackages(model.data)`): the explanation then says what the layer
   * did to the package databases and gains the package findings. Without them, `packages` is null.
   */
  packages?: ImagePackages;
}

export function explainLayer(model: ImageModel, analysis: ImageAnalysis, layer: number, context: ExplainContext = {}): LayerExplanation {
  return explainDelta(model, analysis, layerDelta(model, layer), context); // a RangeError sentence for a layer that does not exist
}

/** Every layer explained, base first, in one pass over the stack (explaining each alone would restack the layers below each). */
export function explainLayers(model: ImageModel, analysis: ImageAnalysis, contextOf: (layer: number) => ExplainContext = () => ({})): LayerExplanation[] {
  const explanations: LayerExplanation[] = [];
  forEachLayerDelta(model, (delta) => explanations.push(explainDelta(model, analysis, delta, contextOf(delta.layer))));
  return explanations;
}

function explainDelta(model: ImageModel, analysis: ImageAnalysis, delta: LayerDelta, context: ExplainContext): LayerExplanation {
  const layer = delta.layer;
  const stats = analysis.layers[layer];
  const step = model.steps.find((s) => s.layerIndex === layer);
  return {
    kind: 'layer',
    image: imageRef(model, context.imageReference),
    layer,
    layerCount: model.layerCount,
    diffId: model.data.layers[layer].diffId,
    step: step ? summarizeStep(step, context.dockerfile) : null,
    origin: stepOrigin(step),
    cost: {
      size: stats.size,
      imageSize: analysis.totalSize,
      shareOfImage: analysis.totalSize === 0 ? 0 : stats.size / analysis.totalSize,
      added: stats.added,
      modified: stats.modified,
      metadataOnly: stats.metadataOnly,
      deleted: stats.deleted,
      topDirectories: topDirectories(delta.files),
    },
    stack: stackRelation(delta, analysis),
    sharedWith: [...(context.sharedWith ?? [])],
    packages: context.packages ? layerPackages(context.packages, layer) : null,
    findings: findingsOf(model, delta, analysis, context, step),
  };
}

/** A step with a layer is explained as that layer; a metadata-only step by the config field it sets. */
export function explainStep(model: ImageModel, analysis: ImageAnalysis, stepIndex: number, context: ExplainContext = {}): LayerExplanation | StepExplanation {
  const step = model.steps[stepIndex];
  if (!Number.isInteger(stepIndex) || !step) {
    throw new RangeError(`There is no step ${stepIndex}; this image has steps 0 to ${model.steps.length - 1}.`);
  }
  if (step.layerIndex !== undefined) return explainLayer(model, analysis, step.layerIndex, context);
  return explainMetadataStep(model, step, context);
}

function explainMetadataStep(model: ImageModel, step: Step, context: ExplainContext): StepExplanation {
  const summary = summarizeStep(step, context.dockerfile);
  const configField = configFieldOf(summary.keyword);
  const effect = configField ? 'config' : summary.keyword === 'ARG' ? 'build-only' : 'no-change';
  const findings = buildSecretFindings(model.buildSecrets.filter((s) => s.step === step.index));
  return { kind: 'step', image: imageRef(model, context.imageReference), step: summary, effect, configField, bytes: 0, findings };
}

const SEVERITY_ORDER: Record<Severity, number> = { security: 0, warning: 1, info: 2 };

function findingsOf(model: ImageModel, delta: LayerDelta, analysis: ImageAnalysis, context: ExplainContext, step: Step | undefined): Finding[] {
  // What a fix may suggest depends on the step that added the files (a .dockerignore, `COPY --chown`…).
  const kindOf = (layer: number) => stepKind(model.steps.find((s) => s.layerIndex === layer));
  const kind = kindOf(delta.layer);
  const undoneBy = new Map(analysis.wastedFiles.filter((w) => w.layer === delta.layer).map((w) => [w.path, w.by]));
  const findings = [
    // A build argument or a token in the RUN line that made the layer: the history shows it with the layer.
    ...(step ? buildSecretFindings(model.buildSecrets.filter((s) => s.step === step.index)) : []),
    ...secretFindings(delta, { kind, undoneBy }),
    ...permissionFindings(delta),
    ...packageCacheFindings(delta),
    ...buildLeftoverFindings(delta, kind),
    ...rewriteFindings(delta, analysis, { kindOf, secrets: secretPaths(delta) }),
    ...(context.packages ? packageFindings(model, context.packages, delta.layer, kind) : []),
    ...largeFileFindings(delta, context.largeFileBytes ?? DEFAULT_LARGE_FILE_BYTES),
  ];
  // Stable sort: the order above breaks ties between equally severe, equally big findings.
  return findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || b.total.bytes - a.total.bytes);
}

function imageRef(model: ImageModel, reference: string | undefined): ImageRef {
  return { id: model.data.id, tags: [...model.data.repoTags], name: imageDisplayName(model.data.id, model.data.repoTags, reference) };
}

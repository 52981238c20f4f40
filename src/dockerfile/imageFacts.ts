// What the editor shows about a linked image, computed once per image (not per hover): each layer's size, share,
// file counts, waste both ways and "Explain This Layer"'s findings. Plain data, no vscode: hovers and CodeLenses
// then only look numbers up, which keeps them far under 50 ms.
import type { ImageAnalysis } from '../core/analysis/analysis';
import { explainLayer } from '../core/explain/explainLayer';
import type { ImagePackages } from '../core/packages/imagePackages';
import type { Finding as ExplainFinding } from '../core/explain/explanation';
import type { ImageModel } from '../core/model/imageModel';
import type { BuildSecret } from '../core/secrets/buildSecrets';
import type { Step } from '../core/model/types';

export interface LayerFacts {
  layer: number;
  /** Σ content bytes of the layer's files. */
  size: number;
  /** size ÷ the image's size (0 for an empty image). */
  shareOfImage: number;
  added: number;
  modified: number;
  /** Modified files whose content did not change (chmod, chown, touch): still a full copy. */
  metadataOnly: number;
  deleted: number;
  /** Bytes of lower layers this layer deletes or replaces: hidden now, but still shipped by those layers. */
  hidesBytes: number;
  /**
   * Bytes of this layer that later layers delete or replace: shipped for nothing. Layerlens' exact figure
   * (LayerStats.wastedBytes, summing to ImageAnalysis.exactWastedBytes), never dive's per-path measure.
   */
  wastedLaterBytes: number;
  /** "Explain This Layer"'s findings, most severe and biggest first. */
  findings: ExplainFinding[];
}

export interface ImageFacts {
  /** The engine's image ID. */
  id: string;
  /** The name the user knows it by ("layerlens-test/basics:legacy"), or a short ID. */
  label: string;
  steps: Step[];
  /** Secrets in the image's config and history, by name and step (core/secrets): the hover of their lines says so. */
  buildSecrets: BuildSecret[];
  layerCount: number;
  /** Σ layer sizes. */
  totalSize: number;
  layers: LayerFacts[];
  /** Kept for the image-backed diagnostics (imageFindings reads its wasted files). */
  analysis: ImageAnalysis;
}

/** Per-layer facts from the analysis and each layer's explanation findings. */
export function imageFacts(
  image: { id: string; label: string; steps: Step[]; buildSecrets?: BuildSecret[] },
  analysis: ImageAnalysis,
  findingsOf: (layer: number) => ExplainFinding[],
): ImageFacts {
  const hides = new Array<number>(analysis.layers.length).fill(0);
  for (const w of analysis.wastedFiles) if (w.by < hides.length) hides[w.by] += w.size;
  const layers = analysis.layers.map((stats, layer) => ({
    layer,
    size: stats.size,
    shareOfImage: analysis.totalSize === 0 ? 0 : stats.size / analysis.totalSize,
    added: stats.added,
    modified: stats.modified,
    metadataOnly: stats.metadataOnly,
    deleted: stats.deleted,
    hidesBytes: hides[layer],
    wastedLaterBytes: stats.wastedBytes,
    findings: findingsOf(layer),
  }));
  return { id: image.id, label: image.label, steps: image.steps, buildSecrets: image.buildSecrets ?? [], layerCount: layers.length, totalSize: analysis.totalSize, layers, analysis };
}

export interface BaseFacts {
  /** Layers the steps before the stage's own made. */
  layers: number;
  size: number;
  shareOfImage: number;
}

/** The layers of the first `baseSteps` steps: what a FROM line brings into the image. */
export function baseFacts(facts: ImageFacts, baseSteps: number): BaseFacts {
  const layers = new Set<number>();
  for (const step of facts.steps.slice(0, baseSteps)) if (step.layerIndex !== undefined) layers.add(step.layerIndex);
  let size = 0;
  for (const layer of layers) size += facts.layers[layer]?.size ?? 0;
  return { layers: layers.size, size, shareOfImage: facts.totalSize === 0 ? 0 : size / facts.totalSize };
}

/** A short name for the status bar: the last part of the repository, with its tag ("basics:legacy"). */
export function shortImageName(label: string): string {
  if (/^sha256:/.test(label)) return label.slice(7, 19);
  return label.slice(label.lastIndexOf('/') + 1); // a tag never holds "/"; a registry's port comes before one
}

/**
 * Each layer's "Explain This Layer" findings, giving the event loop a turn between layers (typing stays
 * smooth). A layer that cannot be explained gets none; `onError` hears why.
 */
export async function explainEveryLayer(
  model: ImageModel,
  analysis: ImageAnalysis,
  onError: (layer: number, error: unknown) => void,
  packages?: ImagePackages,
): Promise<ExplainFinding[][]> {
  const findings: ExplainFinding[][] = [];
  for (let layer = 0; layer < model.layerCount; layer++) {
    try {
      findings.push(explainLayer(model, analysis, layer, { packages }).findings);
    } catch (error) {
      onError(layer, error);
      findings.push([]);
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  return findings;
}

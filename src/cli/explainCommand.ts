// `layerlens explain <ref> --layer N | --step N [--json]`: one layer (or build step) explained, as text or as
// the JSON contract documented in the README (the explanation object of src/core/explain/explanation.ts).
import { analyzeImage } from '../core/analysis/analysis';
import type { CatalogImage } from '../core/catalog/catalog';
import { LayerlensError } from '../core/errors';
import { explainLayer, explainStep, type ExplainContext } from '../core/explain/explainLayer';
import { explanationToText } from '../core/explain/plainText';
import { imagesSharingLayer } from '../core/explain/sharedWith';
import { parseBytes } from '../core/format';
import type { ImageModel } from '../core/model/imageModel';
import { loadImagePackages } from '../core/packages/imagePackages';
import type { DockerEngine } from '../docker/engine';
import { loadImage, type LoadOptions } from '../docker/imageLoader';

export interface ExplainFlags {
  layer?: string;
  step?: string;
  json?: boolean;
  'large-file'?: string;
}

/** The command's whole output; `onLoaded` runs once the image is read (the CLI clears its progress line there). */
export async function explainCommand(ref: string, flags: ExplainFlags, options: LoadOptions, onLoaded?: () => void): Promise<string> {
  if ((flags.layer === undefined) === (flags.step === undefined)) {
    throw new LayerlensError('layerlens explain needs either --layer N or --step N.');
  }
  const largeFileBytes = flags['large-file'] === undefined ? undefined : parseBytes(flags['large-file']);
  if (largeFileBytes === undefined && flags['large-file'] !== undefined) throw new LayerlensError('--large-file must be a size such as 50MB.');

  const loaded = await loadImage(ref, options).finally(onLoaded);
  const model = loaded.model;
  const analysis = analyzeImage(model);
  const layer = flags.layer === undefined ? undefined : indexIn(flags.layer, '--layer', model.topLayer, 'layer');
  const step = flags.step === undefined ? undefined : indexIn(flags.step, '--step', model.steps.length - 1, 'step');
  const diffId = model.data.layers[layer ?? model.steps[step!].layerIndex ?? -1]?.diffId;
  const context: ExplainContext = { largeFileBytes, imageReference: loaded.source === 'file' ? undefined : ref };
  if (loaded.source !== 'file' && options.engine && diffId) context.sharedWith = await localImagesUsing(options.engine(), model, diffId);
  if (diffId) context.packages = await loadImagePackages(model.data); // a step without a layer changes no package
  const explanation = layer !== undefined ? explainLayer(model, analysis, layer, context) : explainStep(model, analysis, step!, context);
  return flags.json ? JSON.stringify(explanation, null, 2) : explanationToText(explanation);
}

/** Other images on the engine whose rootfs holds `diffId` (list, then inspect each: the list has no layers). */
async function localImagesUsing(engine: DockerEngine, model: ImageModel, diffId: string): Promise<string[]> {
  const listed = await engine.listImages();
  const images: CatalogImage[] = [];
  for (let i = 0; i < listed.length; i += 8) {
    const batch = await Promise.all(
      listed.slice(i, i + 8).map(async (image) => {
        // An image deleted meanwhile is simply not shared with.
        const inspect = await engine.inspectImage(image.Id).catch(() => undefined);
        return { id: image.Id, repoTags: image.RepoTags ?? [], repoDigests: image.RepoDigests ?? [], created: image.Created, size: image.Size, layers: inspect?.RootFS?.Layers ?? [] };
      }),
    );
    images.push(...batch);
  }
  return imagesSharingLayer(images, diffId, model.data.id);
}

function indexIn(text: string, flag: string, top: number, noun: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > top) throw new LayerlensError(`${flag} must be a ${noun} number from 0 to ${top}.`);
  return n;
}

// Compare two images: what differs between their final filesystems, which layer and step of each made every
// version, how the histories line up, where the bytes went and which config fields changed. A query over two
// models: it never asks where the bytes came from. Cost: stacking their common layers once and each one's own
// layers on top, then one walk over both trees that skips what they still share.
import type { ImageModel } from '../model/imageModel';
import type { ImagePackages } from '../packages/imagePackages';
import type { ComparedImage, ImageComparison } from './comparison';
import { configDifferences } from './configDifferences';
import { biggestDirectoryChanges, directoryBytes } from './directoryGrowth';
import { evaluateGrowthGate, type GrowthLimit } from './growthGate';
import { compileIgnoreGlobs } from './ignoreGlobs';
import { packageDifferences } from './packageDifferences';
import { finalViews } from './finalViews';
import { pathDifferences } from './pathDifferences';
import { alignSteps } from './stepAlignment';

export interface CompareOptions {
  /** Globs of paths to leave out (see ignoreGlobs.ts), e.g. "/var/log/**". */
  ignore?: readonly string[];
  /** How many growing and how many shrinking directories to list (default 10 each). */
  directoryLimit?: number;
  /** The --ci gate; without it `ci` is null. */
  maxGrowth?: GrowthLimit;
  /** Both images' packages (loadImagePackages, async); without them `packages` is null. */
  packages?: { a: Pick<ImagePackages, 'present'>; b: Pick<ImagePackages, 'present'> };
}

export function compareImages(a: ImageModel, b: ImageModel, options: CompareOptions = {}): ImageComparison {
  const ignored = compileIgnoreGlobs(options.ignore ?? []);
  const sizesA = layerSizes(a);
  const sizesB = layerSizes(b);
  const diffIdsA = a.data.layers.map((l) => l.diffId);
  const diffIdsB = b.data.layers.map((l) => l.diffId);
  const sharedLayers = sharedPrefix(diffIdsA, diffIdsB);
  const [viewA, viewB] = finalViews(a, b, sharedLayers);
  const comparison: Omit<ImageComparison, 'ci'> = {
    a: describe(a, sizesA),
    b: describe(b, sizesB),
    sharedLayers,
    sizeDelta: sum(sizesB) - sum(sizesA),
    steps: alignSteps({ steps: a.steps, diffIds: diffIdsA, layerSizes: sizesA }, { steps: b.steps, diffIds: diffIdsB, layerSizes: sizesB }),
    directories: biggestDirectoryChanges(directoryBytes(viewA.stack, ignored), directoryBytes(viewB.stack, ignored), options.directoryLimit ?? 10),
    config: configDifferences(a.data.config, b.data.config),
    packages: options.packages ? packageDifferences(options.packages.a, options.packages.b) : null,
    changes: pathDifferences(viewA, viewB, ignored),
  };
  return { ...comparison, ci: options.maxGrowth ? evaluateGrowthGate(comparison, options.maxGrowth) : null };
}

/** Bytes of regular files in each layer, as `layers` and `analyze` count a layer's size. */
function layerSizes(model: ImageModel): number[] {
  return model.data.layers.map((layer) => {
    let bytes = 0;
    for (const e of layer.entries) bytes += e.size;
    return bytes;
  });
}

function describe(model: ImageModel, sizes: number[]): ComparedImage {
  return { id: model.data.id, tags: model.data.repoTags, size: sum(sizes), layerCount: model.layerCount };
}

function sharedPrefix(x: string[], y: string[]): number {
  let k = 0;
  while (k < x.length && k < y.length && x[k] === y[k]) k++;
  return k;
}

function sum(values: number[]): number {
  return values.reduce((total, v) => total + v, 0);
}

// Both images stacked to the top for a comparison. Their common lower layers (the same diffIDs, so the same
// contents) are stacked once and the two stacks fork from there: what neither image's own layers touch stays one
// shared node, which pathDifferences skips whole. A rebuild that adds one file thus costs one stack and one path.
import { FsStack } from '../model/fsStack';
import type { ImageModel } from '../model/imageModel';
import type { ViewSide } from './pathDifferences';

export function finalViews(a: ImageModel, b: ImageModel, sharedLayers: number): [ViewSide, ViewSide] {
  const common = new FsStack();
  for (let i = 0; i < sharedLayers; i++) common.apply(a.data.layers[i]);
  return [viewOf(a, common.fork(), sharedLayers), viewOf(b, common.fork(), sharedLayers)];
}

function viewOf(model: ImageModel, stack: FsStack, from: number): ViewSide {
  for (let i = from; i < model.data.layers.length; i++) stack.apply(model.data.layers[i]);
  const stepOfLayer: (number | undefined)[] = [];
  for (const step of model.steps) if (step.layerIndex !== undefined) stepOfLayer[step.layerIndex] = step.index;
  return { stack, stepOfLayer, layers: model.data.layers };
}

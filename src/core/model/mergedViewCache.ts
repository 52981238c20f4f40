// The merged view (a directory tree) at a layer, stacked once and kept for the few layers in use: a file
// system provider asks for one directory at a time, and restacking 50,000 entries per call would be slow.
import { LayerlensError } from '../errors';
import type { FsStack } from './fsStack';
import type { ImageModel } from './imageModel';

export class MergedViewCache {
  private readonly stacks = new Map<number, FsStack>();

  constructor(
    private readonly model: ImageModel,
    private readonly capacity = 4,
  ) {}

  /** The stacked tree of layers 0..layer; a layer the image does not have is a 'not-found' LayerlensError. */
  at(layer: number): FsStack {
    const kept = this.stacks.get(layer);
    if (kept) {
      // Most recently used last.
      this.stacks.delete(layer);
      this.stacks.set(layer, kept);
      return kept;
    }
    if (!Number.isInteger(layer) || layer < 0 || layer > this.model.topLayer) {
      throw new LayerlensError(`There is no layer ${layer}; this image has layers 0 to ${this.model.topLayer}.`, 'not-found');
    }
    const stack = this.model.stackTo(layer);
    this.stacks.set(layer, stack);
    while (this.stacks.size > this.capacity) this.stacks.delete(this.stacks.keys().next().value!);
    return stack;
  }

  get cachedLayers(): number[] {
    return [...this.stacks.keys()];
  }
}

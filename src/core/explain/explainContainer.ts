// A container's read-write layer as `docker diff` reports it, related to the image below it: to change an
// image file the storage driver first copies it up whole, from the layer holding the visible version.
import { countChanges, imageLayerSources } from '../model/containerLayer';
import type { ImageModel } from '../model/imageModel';
import { imageDisplayName } from '../catalog/imageName';
import { comparePaths } from '../model/paths';
import { EVIDENCE_LIMIT, type ContainerLayerExplanation, type Evidence } from './explanation';
import { groupByLayer } from './stackRelation';

/** `changes`: the `GET /containers/{id}/changes` result (Kind 0 changed, 1 added, 2 deleted); `model`: the container's image, if read. */
export function explainContainerLayer(changes: { Path: string; Kind: number }[], model?: ImageModel): ContainerLayerExplanation {
  const copied: Evidence[] = [];
  const deleted: Evidence[] = [];
  const deletedFiles: { layer: number; bytes: number }[] = [];
  if (model) {
    const merged = model.mergedViewAt();
    const sources = imageLayerSources(changes, merged, model.steps);
    for (const change of changes) {
      const source = sources.get(change.Path);
      if (!source) continue;
      // A directory reported as changed only holds changes; its own bytes were not copied.
      if (change.Kind === 0 && source.type !== 'dir') copied.push({ path: change.Path, bytes: source.size, layer: source.layer });
      if (change.Kind === 2) {
        const below = source.type === 'dir' ? merged.filter((e) => e.path.startsWith(change.Path + '/')) : [];
        const hidden = [{ layer: source.layer, bytes: source.size }, ...below.map((e) => ({ layer: e.layer, bytes: e.size }))];
        deleted.push({ path: change.Path, bytes: sumBytes(hidden), layer: source.layer });
        deletedFiles.push(...hidden.filter((e) => e.bytes > 0));
      }
    }
  }
  return {
    kind: 'container',
    image: model ? { id: model.data.id, tags: [...model.data.repoTags], name: imageDisplayName(model.data.id, model.data.repoTags) } : null,
    counts: countChanges(changes),
    copiedUp: summarize(copied, copied.map((e) => ({ layer: e.layer!, bytes: e.bytes }))),
    deletedFromImage: summarize(deleted, deletedFiles),
  };
}

/** Totals over every path; `perLayer` says which layers hold the bytes (a deleted directory's files may come from several). */
function summarize(evidence: Evidence[], perLayer: { layer: number; bytes: number }[]): ContainerLayerExplanation['copiedUp'] {
  return {
    paths: evidence.length,
    bytes: sumBytes(evidence),
    fromLayers: groupByLayer(perLayer),
    evidence: [...evidence].sort((a, b) => b.bytes - a.bytes || comparePaths(a.path, b.path)).slice(0, EVIDENCE_LIMIT),
  };
}

function sumBytes(items: { bytes: number }[]): number {
  return items.reduce((sum, e) => sum + e.bytes, 0);
}

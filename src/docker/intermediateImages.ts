// The local images of an image's earlier build steps. The legacy builder keeps one per step (`docker history`
// shows their IDs; BuildKit's and pulled images show <missing>), and a container of one of them serves an
// older version of a file in milliseconds where the export of the whole image takes seconds. A candidate
// counts only if its layers (RootFS.Layers, content addresses) are exactly the first layers of the image.
import { messageOf } from '../core/errors';
import type { ImageModel } from '../core/model/imageModel';
import type { DockerEngine } from './engine';

export class IntermediateImages {
  private readonly found = new Map<string, Promise<Map<number, string>>>();

  constructor(private readonly log?: (message: string) => void) {}

  /** Top layer index → ID of a local image holding exactly layers 0..that index of `model`. */
  of(engine: DockerEngine, model: ImageModel): Promise<Map<number, string>> {
    const key = `${engine.endpoint.host}\0${model.data.id}`;
    let result = this.found.get(key);
    if (!result) {
      result = this.discover(engine, model);
      this.found.set(key, result);
    }
    return result;
  }

  private async discover(engine: DockerEngine, model: ImageModel): Promise<Map<number, string>> {
    const byTop = new Map<number, string>();
    const diffIds = model.data.layers.map((l) => l.diffId);
    try {
      const history = (await engine.imageHistory(model.data.id)) as { Id?: string }[];
      const ids = [...new Set(history.map((h) => h.Id ?? '').filter((id) => id.startsWith('sha256:') && id !== model.data.id))];
      const inspected = await Promise.all(ids.map((id) => engine.inspectImage(id).catch(() => undefined)));
      for (const image of inspected) {
        const layers = image?.RootFS?.Layers ?? [];
        if (image && layers.length > 0 && layers.length <= diffIds.length && layers.every((d, i) => d === diffIds[i])) byTop.set(layers.length - 1, image.Id);
      }
    } catch (error) {
      this.log?.(`Could not look for the intermediate images of ${model.data.id}: ${messageOf(error)}`);
    }
    return byTop;
  }
}

// What the Images view must list for an engine, from the engine itself: to compare a view's row count with.
import { buildCatalog } from '../../../src/core/catalog/catalog';
import { endpointFor } from '../../../src/docker/connection';
import { DockerEngine } from '../../../src/docker/engine';

/** How many top-level rows the Images view must show for an engine: its repositories, plus <untagged> if any. */
export async function imagesViewRootRows(host: string): Promise<number> {
  const listed = await new DockerEngine(endpointFor(host, 'test', undefined)).listImages();
  const catalog = buildCatalog(listed.map((i) => ({ id: i.Id, repoTags: i.RepoTags ?? [], repoDigests: i.RepoDigests ?? [], created: i.Created, size: i.Size })));
  return catalog.repositories.length + (catalog.dangling.length ? 1 : 0);
}

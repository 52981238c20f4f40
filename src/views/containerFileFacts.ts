// What the Containers view knows of the files of a container's read-write layer, from the engine's archive
// endpoint: each shown file's stat (size, type), and for a changed file that has the same size as the image's
// version, its content hash, to tell a copy-up (same bytes) from a replacement. Hashes are kept per
// (container, path, size, mtime), so repainting the view reads no file twice.
import { judgeChangedFile, type ChangedFileVerdict, type ImageLayerSource } from '../core/model/containerLayer';
import { messageOf } from '../core/errors';
import { hashContainerFile, statContainerPath, type ContainerPathStat } from '../docker/containerArchive';
import type { DockerEngine } from '../docker/engine';

/** Files up to this size are read to compare them with the image's version; bigger ones are said not compared. */
const MAX_COMPARED_BYTES = 256 * 1024 * 1024;
/** A container with more changed files than this has the first ones judged; the others say "not compared". */
const MAX_JUDGED_FILES = 300;
const PARALLEL = 6;
const MAX_KEPT_HASHES = 10_000;

export class ContainerFileFacts {
  private readonly hashes = new Map<string, string>();

  constructor(private readonly log: (message: string) => void) {}

  /** The stats of `paths` in container `id` (a path the engine cannot stat is left out). */
  async stats(engine: DockerEngine, id: string, paths: string[]): Promise<Map<string, ContainerPathStat>> {
    const stats = new Map<string, ContainerPathStat>();
    await forEachLimited(paths, async (path) => {
      try {
        const stat = await statContainerPath(engine, id, path);
        if (stat) stats.set(path, stat);
      } catch (error) {
        this.log(`Could not stat ${path} in container ${id.slice(0, 12)}: ${messageOf(error)}`);
      }
    });
    return stats;
  }

  /** For each changed path whose image version is a regular file: is the container's a copy-up or a new version? */
  async verdicts(engine: DockerEngine, id: string, changed: Map<string, ImageLayerSource>): Promise<{ verdicts: Map<string, ChangedFileVerdict>; stats: Map<string, ContainerPathStat> }> {
    const files = [...changed].filter(([, source]) => source.type === 'file').slice(0, MAX_JUDGED_FILES);
    const stats = await this.stats(engine, id, files.map(([path]) => path));
    const verdicts = new Map<string, ChangedFileVerdict>();
    await forEachLimited(files, async ([path, source]) => {
      const stat = stats.get(path);
      if (!stat) return;
      if (stat.type === 'file' && stat.size === source.size && stat.size <= MAX_COMPARED_BYTES) {
        const key = `${id}\0${path}\0${stat.size}\0${stat.mtime}`;
        let hash = this.hashes.get(key);
        if (hash === undefined) {
          try {
            hash = (await hashContainerFile(engine, id, path)).hash;
            // Keys of removed containers would pile up: a long session starts afresh now and then.
            if (this.hashes.size >= MAX_KEPT_HASHES) this.hashes.clear();
            if (hash !== undefined) this.hashes.set(key, hash);
          } catch (error) {
            this.log(`Could not read ${path} in container ${id.slice(0, 12)} to compare it with its image: ${messageOf(error)}`);
          }
        }
        stat.hash = hash;
      }
      const verdict = judgeChangedFile(source, stat);
      if (verdict) verdicts.set(path, verdict);
    });
    return { verdicts, stats };
  }
}

async function forEachLimited<T>(items: T[], run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await run(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
}

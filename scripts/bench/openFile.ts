// "Open a ≤1 MB file, first / repeat": what the `layerlens:` file system costs on the benchmark image, measured
// in-process as the extension host does it (the image's model already loaded, as the Layer Explorer has it).
//   first:  a fresh ImageFileService (no merged view stacked, no container, empty cache) reads a 1 MiB file
//           the top of the image shows: what the first Open of an image costs;
//   repeat: the same file again (the content cache);
//   next:   another such file (view stacked, container kept): what each further Open costs;
//   older:  a version the top no longer shows (deleted later): from a container of the build step's image when
//           the engine kept it (legacy builder), and from the export as for BuildKit or pulled images, with a
//           neighbour of it (collected on the way by that export).
// Each round takes another file, so the daemon's page cache does not serve a file it served before.
// Standalone: node --import tsx scripts/bench/openFile.ts [--host H] [--rounds N] [--skip-older]
import { parseArgs } from 'node:util';
import { ImageFiles } from '../../src/core/model/imageFiles';
import type { ImageModel } from '../../src/core/model/imageModel';
import { IndexCache, defaultCacheDirectory } from '../../src/core/index/indexCache';
import { endpointFor } from '../../src/docker/connection';
import { DockerEngine } from '../../src/docker/engine';
import { ImageFileService, type ImageSource } from '../../src/docker/imageFileService';
import { loadImage } from '../../src/docker/imageLoader';

export interface OpenTiming {
  path: string;
  size: number;
  layer: number;
  firstMs: number;
  repeatMs: number;
  servedFrom: 'container' | 'archive' | 'cache';
  /** Another file of the same image right after (view stacked, container kept). */
  nextMs?: number;
}

export interface OpenFileResults {
  rounds: OpenTiming[];
  medianFirstMs: number;
  medianRepeatMs: number;
  medianNextMs: number;
  older?: { stepImage?: OpenTiming; first: OpenTiming; neighbourMs: number; neighbourPath: string };
}

export async function benchOpenFile(options: { host: string; image: string; rounds: number; cacheDir: string; older: boolean; log: (line: string) => void }): Promise<OpenFileResults> {
  const engine = new DockerEngine(endpointFor(options.host, 'bench', undefined));
  const loaded = await loadImage(options.image, { engine: () => engine, cache: new IndexCache(options.cacheDir) });
  const model: ImageModel = loaded.model;
  const source: ImageSource = { model, origin: { kind: 'engine', engine } };
  options.log(`open-file: model of ${options.image} from the ${loaded.source} (${model.layerCount} layers)`);

  // 1 MiB files the top shows (the largest files of "≤ 1 MB" in the image), two different ones each round. Found
  // from the layers' own entries: stacking a merged view here would warm what the timed opens must do.
  const probe = new ImageFiles(model);
  const candidates = model.data.layers
    .flatMap((layer, index) => layer.entries.filter((e) => e.type === 'file' && e.hash && e.size <= 1024 * 1024).map((e) => ({ path: e.path, size: e.size, layer: index, hash: e.hash! })))
    .filter((c) => probe.lastLayerShowing(c) === model.topLayer)
    .sort((a, b) => b.size - a.size || a.path.localeCompare(b.path));
  const rounds: OpenTiming[] = [];
  for (let round = 0; round < options.rounds; round++) {
    const [entry, next] = [candidates[(2 * round) % candidates.length], candidates[(2 * round + 1) % candidates.length]];
    const r = await timeOpen(source, model.topLayer, entry.path, undefined, next.path);
    rounds.push(r);
    options.log(
      `open-file round ${round + 1}/${options.rounds}: ${r.path} (${r.size} bytes) first ${r.firstMs.toFixed(0)} ms from the ${r.servedFrom}, repeat ${r.repeatMs.toFixed(2)} ms, next file ${r.nextMs!.toFixed(0)} ms`,
    );
  }
  const results: OpenFileResults = {
    rounds,
    medianFirstMs: median(rounds.map((r) => r.firstMs)),
    medianRepeatMs: median(rounds.map((r) => r.repeatMs)),
    medianNextMs: median(rounds.map((r) => r.nextMs!)),
  };

  if (options.older) {
    // Files of the tree the last step deleted: only an export still has them.
    const deletedBy = model.topLayer;
    const gone = model.layerChanges(deletedBy).filter((c) => c.change === 'deleted' && c.type === 'file' && c.size > 0 && c.size <= 1024 * 1024);
    if (gone.length >= 3) {
      const [first, neighbour, third] = gone;
      const stepImage = await timeOpen(source, deletedBy - 1, third.path);
      options.log(`open-file older version through the step's image: ${third.path} first ${stepImage.firstMs.toFixed(0)} ms from the ${stepImage.servedFrom}`);
      const service = new ImageFileService({ useIntermediateImages: false });
      try {
        const timing = await timeOpen(source, deletedBy - 1, first.path, service);
        const started = performance.now();
        await service.readFile(source, deletedBy - 1, neighbour.path);
        const neighbourMs = performance.now() - started;
        results.older = { stepImage: stepImage.servedFrom === 'container' ? stepImage : undefined, first: timing, neighbourMs, neighbourPath: neighbour.path };
        options.log(`open-file older version from the export: ${first.path} first ${timing.firstMs.toFixed(0)} ms from the ${timing.servedFrom}, repeat ${timing.repeatMs.toFixed(2)} ms; its neighbour ${neighbourMs.toFixed(2)} ms`);
      } finally {
        await service.dispose();
      }
    }
  }
  return results;
}

async function timeOpen(source: ImageSource, layer: number, path: string, given?: ImageFileService, nextPath?: string): Promise<OpenTiming> {
  const service = given ?? new ImageFileService();
  try {
    const before = { ...service.served };
    let started = performance.now();
    const bytes = await service.readFile(source, layer, path);
    const firstMs = performance.now() - started;
    const servedFrom = service.served.container > before.container ? 'container' : service.served.archive > before.archive ? 'archive' : 'cache';
    started = performance.now();
    await service.readFile(source, layer, path);
    const repeatMs = performance.now() - started;
    let nextMs: number | undefined;
    if (nextPath) {
      started = performance.now();
      await service.readFile(source, layer, nextPath);
      nextMs = performance.now() - started;
    }
    return { path, size: bytes.byteLength, layer, firstMs, repeatMs, servedFrom, nextMs };
  } finally {
    if (!given) await service.dispose();
  }
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function renderOpenFile(results: OpenFileResults): string[] {
  const lines = [
    `open a ≤1 MB file (${results.rounds[0]?.size ?? '?'} bytes, the top's version), first / repeat: ${results.medianFirstMs.toFixed(0)} ms / ${results.medianRepeatMs.toFixed(2)} ms ` +
      `(median of ${results.rounds.length}: ${results.rounds.map((r) => r.firstMs.toFixed(0)).join(', ')} ms; a first open stacks the merged view and creates the temporary container)`,
    `open another ≤1 MB file of the same image, first: ${results.medianNextMs.toFixed(0)} ms (median; view stacked, container kept)`,
  ];
  const older = results.older;
  if (older?.stepImage) {
    lines.push(`open an older version (deleted later) through the image of its build step, first: ${older.stepImage.firstMs.toFixed(0)} ms (legacy builder: the engine keeps one image per step)`);
  }
  if (older) {
    lines.push(
      `open an older version (deleted later, ${older.first.size} bytes) from the export, first / repeat: ${(older.first.firstMs / 1000).toFixed(2)} s / ${older.first.repeatMs.toFixed(2)} ms ` +
        `(from the ${older.first.servedFrom}, stopped after its layer); another file deleted with it: ${older.neighbourMs.toFixed(2)} ms (collected by the same export)`,
    );
  }
  return lines;
}

if (require.main === module) {
  const { values } = parseArgs({ options: { host: { type: 'string' }, rounds: { type: 'string', default: '5' }, image: { type: 'string', default: 'layerlens-bench/big:latest' }, 'skip-older': { type: 'boolean', default: false } } });
  const log = (line: string) => process.stderr.write(`[open-file] ${line}\n`);
  benchOpenFile({
    host: values.host ?? process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock',
    image: values.image!,
    rounds: Number(values.rounds),
    cacheDir: process.env.LAYERLENS_CACHE_DIR ?? defaultCacheDirectory(),
    older: !values['skip-older'],
    log,
  }).then(
    (results) => process.stdout.write(renderOpenFile(results).join('\n') + '\n'),
    (error: unknown) => {
      process.stderr.write(`open-file: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}

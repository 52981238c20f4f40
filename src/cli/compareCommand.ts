// `layerlens compare <A> <B> [--json] [--ignore GLOB]... [--ci --max-growth SIZE|PCT]`: what differs between two
// images, each read through loadImage (engine, archive, OCI layout, registry://). The JSON is the comparison
// object of src/core/compare (README "compare"), its long `changes` list streamed last.
import { compareImages, type GrowthLimit } from '../core/compare';
import { LayerlensError } from '../core/errors';
import { parseBytes } from '../core/format';
import type { ImageModel } from '../core/model/imageModel';
import { imageDisplayName } from '../core/catalog/imageName';
import type { IndexCache } from '../core/index/indexCache';
import { isPathReference, loadImage, type LoadedImage, type LoadOptions } from '../docker/imageLoader';
import { renderComparison } from './compareOutput';
import { writeJsonWithList } from './streamedJson';

export interface CompareFlags {
  json?: boolean;
  ignore?: string[];
  ci?: boolean;
  'max-growth'?: string;
}

export interface CompareIo {
  /** Runs once both images are read (the CLI clears its progress line there). */
  onLoaded?: () => void;
  /** May return a promise that settles once a slow reader has caught up. */
  write: (text: string) => void | Promise<void>;
  warn: (message: string) => void;
}

/** The exit code: 1 when the --ci gate fails, else 0. */
export async function compareCommand(refA: string, refB: string, flags: CompareFlags, options: LoadOptions, io: CompareIo): Promise<number> {
  // Limits are read before any image is.
  const maxGrowth = flags.ci ? growthLimit(flags['max-growth']) : undefined;
  if (!flags.ci && flags['max-growth'] !== undefined) io.warn('--max-growth is checked only with --ci; nothing was checked.');
  let a: LoadedImage;
  let b: LoadedImage;
  try {
    a = await loadImage(refA, options);
    b = await loadImage(refB, options.cache ? { ...options, cache: sharingLayersOf(a.model, options.cache) } : options);
  } finally {
    io.onLoaded?.();
  }
  const { changes, ...head } = compareImages(a.model, b.model, { ignore: flags.ignore, maxGrowth });
  if (flags.json) await writeJsonWithList(head, 'changes', changes, (c) => c, io.write);
  else {
    const name = (ref: string, image: typeof head.a) => imageDisplayName(image.id, image.tags, isPathReference(ref) ? undefined : ref);
    await io.write(renderComparison({ ...head, changes }, { a: name(refA, head.a), b: name(refB, head.b) }) + '\n');
  }
  return head.ci && !head.ci.pass ? 1 : 0;
}

/**
 * The cache, answering for A's layers with A's own indexes: B usually shares most of them (a rebuild, a version
 * bump), and reading and unpacking them a second time was the larger part of a compare from the cache.
 */
function sharingLayersOf(a: ImageModel, cache: IndexCache): IndexCache {
  const known = new Map(a.data.layers.map((layer) => [layer.diffId, layer]));
  const sharing = Object.create(cache) as IndexCache;
  sharing.readLayer = (diffId: string) => (known.has(diffId) ? Promise.resolve(known.get(diffId)) : cache.readLayer(diffId));
  return sharing;
}

/** "10MB" (go-humanize sizes, as analyze reads them) or "5%" (of A's size). */
export function growthLimit(text: string | undefined): GrowthLimit {
  if (text === undefined) throw new LayerlensError('layerlens compare --ci needs --max-growth SIZE or PCT, such as --max-growth 10MB or --max-growth 5%.', 'bad-input');
  const value = text.trim();
  const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(value);
  if (percent) return { ratio: Number(percent[1]) / 100 };
  const bytes = parseBytes(value);
  if (bytes === undefined) throw new LayerlensError(`--max-growth must be a size such as 10MB or a percentage such as 5%; "${text}" is neither.`, 'bad-input');
  return { bytes };
}

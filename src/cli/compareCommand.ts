// `layerlens compare <A> <B> [--json|--format F] [--ignore GLOB]... [--ci [--max-growth SIZE|PCT] [--policy FILE]]`:
// what differs between two images, each read through loadImage (engine, archive, OCI layout, registry://). The
// JSON is the comparison object of src/core/compare (README "compare"), with both images' package difference, its
// long `changes` list streamed last.
// The --ci limit is --max-growth, else the max-growth rule of the policy (.layerlens.yaml); SARIF reports the gate.
import { compareImages, packagesToCompare, type GrowthLimit } from '../core/compare';
import { LayerlensError } from '../core/errors';
import { parseBytes } from '../core/format';
import type { ImageModel } from '../core/model/imageModel';
import { imageDisplayName } from '../core/catalog/imageName';
import type { IndexCache } from '../core/index/indexCache';
import { isPathReference, loadImage, type LoadedImage, type LoadOptions } from '../docker/imageLoader';
import { renderComparison } from './compareOutput';
import { outputFormat } from './outputFormat';
import { findPolicy } from './policyFile';
import { compareSarif, type GrowthRule } from './sarifCompare';
import { writeJsonWithList } from './streamedJson';

export interface CompareFlags {
  json?: boolean;
  ignore?: string[];
  ci?: boolean;
  'max-growth'?: string;
  format?: string;
  policy?: string;
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
  const format = outputFormat(flags);
  if (format === 'sarif' && !flags.ci) throw new LayerlensError('layerlens compare --format sarif reports the --ci gate: add --ci.', 'bad-input');
  const gate = flags.ci ? await growthRuleOf(flags, io) : undefined;
  const maxGrowth = gate?.limit;
  if (!flags.ci && flags['max-growth'] !== undefined) io.warn('--max-growth is checked only with --ci; nothing was checked.');
  let a: LoadedImage;
  let b: LoadedImage;
  try {
    a = await loadImage(refA, options);
    b = await loadImage(refB, options.cache ? { ...options, cache: sharingLayersOf(a.model, options.cache) } : options);
  } finally {
    io.onLoaded?.();
  }
  const packages = await packagesToCompare(a.model.data, b.model.data);
  const { changes, ...head } = compareImages(a.model, b.model, { ignore: flags.ignore, maxGrowth, packages });
  if (format === 'sarif') await io.write(JSON.stringify(compareSarif(head.ci!, gate!.rule, refA, refB), null, 2) + '\n');
  else if (format === 'json') await writeJsonWithList(head, 'changes', changes, (c) => c, io.write);
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

/** The gate's limit: --max-growth, else the policy's max-growth rule (said on stderr), else a clear refusal. */
async function growthRuleOf(flags: CompareFlags, io: CompareIo): Promise<{ limit: GrowthLimit; rule: GrowthRule }> {
  if (flags['max-growth'] !== undefined) return { limit: growthLimit(flags['max-growth']), rule: { id: 'max-growth' } };
  const found = await findPolicy(flags.policy, process.cwd());
  const rule = found?.policy.rules.find((r) => r.kind === 'max-growth');
  if (!found || !rule || rule.kind !== 'max-growth') {
    const where = found ? ` or a max-growth rule in ${found.path}` : ' or a max-growth rule in .layerlens.yaml';
    throw new LayerlensError(`layerlens compare --ci needs --max-growth SIZE or PCT (such as --max-growth 10MB or 5%)${where}.`, 'bad-input');
  }
  io.warn(`the growth limit is rule ${rule.id} of ${found.path}.`);
  return { limit: rule.growth, rule: { id: rule.id, message: rule.message } };
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

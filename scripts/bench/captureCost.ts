// What capturing package databases costs a cold read (issue 14: ≤ 3 % of it), measured as a share instead of as
// the difference of two noisy cold reads: the capture's own work (LayerCapture.collectorFor on every entry, and
// the copy of each database file's bytes, fed in 64 KiB chunks as a stream gives them) timed in this process over
// the image's real entries and captured bytes, against the CPU (user + sys) of a cold `layerlens analyze
// --no-cache` of the same image, both medians of the same rounds.
//   node --import tsx scripts/bench/captureCost.ts [--image REF] [--host H] [--rounds N]   (npm run -s build first)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { IndexCache } from '../../src/core/index/indexCache';
import type { LayerIndex } from '../../src/core/model/types';
import { LayerCapture } from '../../src/core/packages/capture';
import { measure } from './measure';

const CLI = resolve(__dirname, '..', '..', 'dist', 'cli.js');
const CHUNK = 64 * 1024;

const { values: opts } = parseArgs({
  options: {
    image: { type: 'string', default: 'layerlens-test/debian:legacy' },
    host: { type: 'string', default: 'unix:///var/run/docker.sock' },
    rounds: { type: 'string', default: '5' },
  },
});
const rounds = Math.max(1, Number(opts.rounds));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** CPU seconds of the capture's work over these layers, as the indexer does it. */
function captureSeconds(layers: LayerIndex[]): number {
  const start = process.cpuUsage();
  for (const layer of layers) {
    const bytesOf = new Map((layer.captured ?? []).map((f) => [f.path, f.bytes]));
    const capture = new LayerCapture();
    for (const entry of layer.entries) {
      const collector = capture.collectorFor(entry);
      if (!collector) continue;
      const bytes = Buffer.from(bytesOf.get(entry.path) ?? new Uint8Array(0));
      for (let at = 0; at < bytes.length; at += CHUNK) collector.add(bytes.subarray(at, at + CHUNK));
      collector.end();
    }
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

async function main(): Promise<void> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'layerlens-capture-cost-'));
  try {
    const env = { ...process.env, LAYERLENS_CACHE_DIR: cacheDir };
    const args = ['analyze', '--json', '--host', opts.host!, opts.image!];
    // One read fills the cache: the entries and captured bytes the capture is timed over.
    await measure(process.execPath, [CLI, ...args], { env });
    const id = execFileSync('docker', ['-H', opts.host!, 'image', 'inspect', '--format', '{{.Id}}', opts.image!], { encoding: 'utf8' }).trim();
    const cache = new IndexCache(cacheDir);
    const image = await cache.readImage(id);
    if (!image) throw new Error(`the cache holds no entry for ${opts.image} (${id})`);
    const layers: LayerIndex[] = [];
    for (const diffId of image.config.rootfs?.diff_ids ?? []) {
      const layer = await cache.readLayer(diffId);
      if (!layer) throw new Error(`the cache holds no index for layer ${diffId}`);
      layers.push(layer);
    }
    const entries = layers.reduce((n, l) => n + l.entries.length, 0);
    const captured = layers.flatMap((l) => l.captured ?? []);
    const capturedBytes = captured.reduce((n, f) => n + (f.bytes?.length ?? 0), 0);

    const cold: number[] = [];
    const capture: number[] = [];
    captureSeconds(layers); // once to compile, as a long read would have by then
    for (let round = 1; round <= rounds; round++) {
      const run = await measure(process.execPath, [CLI, 'analyze', '--no-cache', '--json', '--host', opts.host!, opts.image!], { env });
      if (run.exitCode !== 0 || run.userSeconds === null || run.sysSeconds === null) throw new Error(`cold analyze failed: ${run.stderrTail}`);
      cold.push(run.userSeconds + run.sysSeconds);
      capture.push(captureSeconds(layers));
      process.stderr.write(`[capture-cost] round ${round}/${rounds}: cold CPU ${cold.at(-1)!.toFixed(2)} s, capture ${(capture.at(-1)! * 1000).toFixed(1)} ms\n`);
    }
    const share = median(capture) / median(cold);
    process.stdout.write(
      `capture cost on ${opts.image} (${layers.length} layers, ${entries.toLocaleString('en')} entries, ${captured.length} database files, ` +
        `${(capturedBytes / 1048576).toFixed(1)} MiB captured): ${(median(capture) * 1000).toFixed(1)} ms CPU of a ${median(cold).toFixed(2)} s cold read's CPU ` +
        `= ${(share * 100).toFixed(2)} % (target ≤ 3 %: ${share <= 0.03 ? 'met' : 'MISSED'}; medians of ${rounds})\n`,
    );
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`capture cost: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});

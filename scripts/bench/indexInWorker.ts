// Would a worker thread let the second core help a cold read? Indexes the layer blobs of a saved image archive
// on the main thread (as Layerlens does) and in one worker thread fed with copies of the member's chunks (the
// main thread keeps the file read and the outer tar, as it would keep the socket). Same indexer, same per-file
// work; rounds alternate; CPU (user + sys, all threads) and wall are medians, RSS the peak of the process.
// Usage: node --max-semi-space-size=4 --import tsx scripts/bench/indexInWorker.ts <archive.tar> [--rounds N]
import { createReadStream } from 'node:fs';
import { loadavg } from 'node:os';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import * as tar from 'tar-stream';
import { detectCompression } from '../../src/core/archive/compression';
import { sniff } from '../../src/core/archive/sniff';
import { indexLayerStream } from '../../src/core/index/layerIndexer';
import type { LayerIndex } from '../../src/core/model/types';

/** Bytes posted to the worker and not yet consumed by it, at most. */
const IN_FLIGHT = 4 * 1024 * 1024;

type ToWorker = { kind: 'start' } | { kind: 'chunk'; chunk: Uint8Array } | { kind: 'end' };
type FromWorker = { kind: 'consumed'; bytes: number } | { kind: 'done'; index: LayerIndex } | { kind: 'failed'; message: string };

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { rounds: { type: 'string', default: '3' } } });
  const archive = positionals[0];
  if (!archive) {
    process.stderr.write('usage: indexInWorker.ts <image archive .tar> [--rounds N]\n');
    process.exit(2);
  }
  // tsx compiles the worker's TypeScript too (a .ts path alone is refused by the worker's loader).
  const worker = new Worker(`require('tsx/cjs'); require(${JSON.stringify(__filename)});`, { eval: true });
  const inWorker = new WorkerIndexer(worker);
  const candidates: Record<string, (head: Buffer, body: AsyncIterable<Buffer>) => Promise<LayerIndex>> = {
    'main thread': (head, body) => indexLayerStream(head, body, 'bench', { computeDiffId: false }),
    'worker thread': (head, body) => inWorker.index(head, body),
  };
  const results = new Map<string, { cpu: number[]; wall: number[]; entries: number }>();
  const rounds = Number(values.rounds);
  for (let round = 0; round < rounds; round++) {
    for (const [name, indexer] of Object.entries(candidates)) {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const layers = await indexArchiveLayers(archive, indexer);
      const wall = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const r = results.get(name) ?? { cpu: [], wall: [], entries: 0 };
      r.cpu.push((cpu.user + cpu.system) / 1e6);
      r.wall.push(wall);
      r.entries = layers.reduce((n, l) => n + l.entries.length, 0);
      results.set(name, r);
    }
  }
  for (const [name, r] of results) {
    process.stdout.write(`${name}: CPU ${median(r.cpu).toFixed(2)} s, wall ${median(r.wall).toFixed(2)} s (median of ${rounds}; CPU ${r.cpu.map((c) => c.toFixed(2)).join(' ')}; wall ${r.wall.map((w) => w.toFixed(2)).join(' ')}), ${r.entries} entries\n`);
  }
  process.stdout.write(`peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  await worker.terminate();
}

/** Feeds one layer at a time to the worker, copying each chunk (a chunk may hold the next member's header too). */
class WorkerIndexer {
  private inFlight = 0;
  private wake: (() => void) | undefined;
  private settle: { resolve(index: LayerIndex): void; reject(error: Error): void } | undefined;

  constructor(private readonly worker: Worker) {
    worker.on('message', (message: FromWorker) => {
      if (message.kind === 'consumed') {
        this.inFlight -= message.bytes;
        this.wake?.();
      } else if (message.kind === 'done') this.settle?.resolve(message.index);
      else this.settle?.reject(new Error(message.message));
    });
  }

  async index(head: Buffer, body: AsyncIterable<Buffer>): Promise<LayerIndex> {
    void head;
    const result = new Promise<LayerIndex>((resolve, reject) => (this.settle = { resolve, reject }));
    this.worker.postMessage({ kind: 'start' } satisfies ToWorker);
    for await (const chunk of body) {
      while (this.inFlight > IN_FLIGHT) await new Promise<void>((resolve) => (this.wake = resolve));
      const copy = new Uint8Array(chunk);
      this.inFlight += copy.length;
      this.worker.postMessage({ kind: 'chunk', chunk: copy } satisfies ToWorker, [copy.buffer]);
    }
    this.worker.postMessage({ kind: 'end' } satisfies ToWorker);
    return result;
  }
}

function runWorker(): void {
  const port = parentPort!;
  let queue: Buffer[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  async function* chunks(): AsyncGenerator<Buffer> {
    for (;;) {
      if (queue.length) {
        const batch = queue;
        queue = [];
        for (const chunk of batch) {
          yield chunk;
          port.postMessage({ kind: 'consumed', bytes: chunk.length } satisfies FromWorker);
        }
        continue;
      }
      if (ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  }
  port.on('message', (message: ToWorker) => {
    if (message.kind === 'start') {
      queue = [];
      ended = false;
      void (async () => {
        try {
          const { head, body } = await sniff(chunks(), 512);
          const index = await indexLayerStream(head, body, 'bench', { computeDiffId: false });
          port.postMessage({ kind: 'done', index } satisfies FromWorker);
        } catch (error) {
          port.postMessage({ kind: 'failed', message: (error as Error).message } satisfies FromWorker);
        }
      })();
    } else if (message.kind === 'chunk') queue.push(Buffer.from(message.chunk.buffer, message.chunk.byteOffset, message.chunk.byteLength));
    else ended = true;
    wake?.();
    wake = undefined;
  });
}

/** Indexes every member of the archive that is a tar layer (plain, gzip or zstd), one after the other. */
async function indexArchiveLayers(path: string, indexer: (head: Buffer, body: AsyncIterable<Buffer>) => Promise<LayerIndex>): Promise<LayerIndex[]> {
  const layers: LayerIndex[] = [];
  const extract = tar.extract();
  const consume = async () => {
    for await (const entry of extract) {
      const { head, body } = await sniff(entry as unknown as AsyncIterable<Buffer>, 512);
      const isLayer = detectCompression(head) !== 'none' || (head.length >= 512 && head.toString('latin1', 257, 262) === 'ustar');
      if (isLayer && entry.header.size! > 0) layers.push(await indexer(head, body));
      else for await (const _ of body) void _;
    }
  };
  await Promise.all([pipeline(createReadStream(path, { highWaterMark: 64 * 1024 }), extract), consume()]);
  return layers;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

if (isMainThread) void main();
else runWorker();

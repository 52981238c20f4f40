// Measures what tar-stream's per-entry streams cost the layer indexer, against the callback parser it now uses
// (src/core/archive/tarParser.ts). Both index the same layer blobs of a saved image archive with the same
// per-file work (content hash, secret scan, package capture); gzip, the file read and the outer tar are common.
// Rounds alternate; CPU (user + sys of this process, the thread pool's gunzip included) and wall are medians.
// Usage: node --max-semi-space-size=4 --import tsx scripts/bench/tarParsers.ts <archive.tar> [--rounds N]
//   (make the archive with `docker save layerlens-bench/big:latest > big.tar`)
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { loadavg } from 'node:os';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import * as tar from 'tar-stream';
import { createDecompressor, detectCompression } from '../../src/core/archive/compression';
import { sniff } from '../../src/core/archive/sniff';
import { TarEndGate } from '../../src/core/archive/tarEndGate';
import { parseTarHeader } from '../../src/core/archive/tarEntry';
import { keepRawPaxNames } from '../../src/core/archive/tarNames';
import { indexLayerStream } from '../../src/core/index/layerIndexer';
import { SECRET_SCAN_LIMIT, SecretScanner } from '../../src/core/index/secretMarkers';
import { LayerCapture } from '../../src/core/packages/capture';
import type { LayerIndex } from '../../src/core/model/types';

keepRawPaxNames();

type Indexer = (head: Buffer, body: AsyncIterable<Buffer>) => Promise<LayerIndex>;

const { values, positionals } = parseArgs({ allowPositionals: true, options: { rounds: { type: 'string', default: '3' } } });
const archive = positionals[0];
if (!archive) {
  process.stderr.write('usage: tarParsers.ts <image archive .tar> [--rounds N]\n');
  process.exit(2);
}

const candidates: Record<string, Indexer> = {
  'tar-stream (per-entry streams, before)': indexWithTarStream,
  'TarParser (callbacks, now)': (head, body) => indexLayerStream(head, body, 'bench', { computeDiffId: false }),
};

async function main(): Promise<void> {
  const results = new Map<string, { cpu: number[]; wall: number[]; entries: number; hashes: string }>();
  const rounds = Number(values.rounds);
  for (let round = 0; round < rounds; round++) {
    for (const [name, indexer] of Object.entries(candidates)) {
      global.gc?.();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const layers = await indexArchiveLayers(archive, indexer);
      const wall = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const r = results.get(name) ?? { cpu: [], wall: [], entries: 0, hashes: '' };
      r.cpu.push((cpu.user + cpu.system) / 1e6);
      r.wall.push(wall);
      r.entries = layers.reduce((n, l) => n + l.entries.length, 0);
      r.hashes = fingerprint(layers);
      results.set(name, r);
    }
  }
  const fingerprints = new Set([...results.values()].map((r) => r.hashes));
  for (const [name, r] of results) {
    process.stdout.write(`${name}: CPU ${median(r.cpu).toFixed(2)} s, wall ${median(r.wall).toFixed(2)} s (median of ${rounds}), ${r.entries} entries\n`);
  }
  process.stdout.write(fingerprints.size === 1 ? 'Both give the same entries and hashes.\n' : 'The candidates DISAGREE on entries or hashes.\n');
  process.stdout.write(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
}

/** Indexes every member of the archive that is a tar layer (plain, gzip or zstd), one after the other. */
async function indexArchiveLayers(path: string, indexer: Indexer): Promise<LayerIndex[]> {
  const layers: LayerIndex[] = [];
  const extract = tar.extract();
  const consume = async () => {
    for await (const entry of extract) {
      const body = entry as unknown as AsyncIterable<Buffer>;
      const { head, body: all } = await sniff(body, 512);
      const isLayer = detectCompression(head) !== 'none' || (head.length >= 512 && head.toString('latin1', 257, 262) === 'ustar');
      if (isLayer && entry.header.size! > 0) layers.push(await indexer(head, all));
      else for await (const _ of all) void _;
    }
  };
  await Promise.all([pipeline(createReadStream(path, { highWaterMark: 64 * 1024 }), extract), consume()]);
  return layers;
}

/** The indexer as it was: tar-stream's extract, a stream per entry, behind the end-of-archive gate. */
async function indexWithTarStream(head: Buffer, body: AsyncIterable<Buffer>): Promise<LayerIndex> {
  const index: LayerIndex = { diffId: '', entries: [], whiteouts: [], opaqueDirs: [], tarBytes: 0, warnings: [] };
  const extract = tar.extract({ filenameEncoding: 'latin1' } as Parameters<typeof tar.extract>[0]);
  const capture = new LayerCapture();
  extract.on('entry', (header, stream, next) => {
    const member = parseTarHeader(header, index.warnings);
    stream.on('error', () => undefined);
    if (member.kind === 'entry') {
      index.entries.push(member.entry);
      if (member.entry.type === 'file') {
        const entry = member.entry;
        const hash = createHash('sha256');
        const scanner = entry.size <= SECRET_SCAN_LIMIT ? new SecretScanner() : undefined;
        const collector = capture.collectorFor(entry);
        stream.on('data', (data) => {
          const chunk = data as Buffer;
          hash.update(chunk);
          scanner?.update(chunk);
          collector?.add(chunk);
        });
        stream.on('end', () => {
          entry.hash = hash.digest().subarray(0, 16).toString('base64url');
          collector?.end();
          const markers = scanner?.markers();
          if (markers) entry.secretMarkers = markers;
          next();
        });
        return;
      }
    } else if (member.kind === 'whiteout') index.whiteouts.push(member.path);
    else if (member.kind === 'opaque') index.opaqueDirs.push(member.dir);
    if (header.type === 'directory') return next();
    stream.on('end', () => next());
    stream.resume();
  });
  const compression = detectCompression(head);
  if (compression === 'none') await pipeline(body, new TarEndGate(), extract);
  else await pipeline(body, createDecompressor(compression), new TarEndGate(), extract);
  return index;
}

function fingerprint(layers: LayerIndex[]): string {
  const hash = createHash('sha256');
  for (const layer of layers) for (const e of layer.entries) hash.update(`${e.path}\0${e.type}\0${e.size}\0${e.hash ?? ''}\0${e.linkTarget ?? ''}\n`);
  return hash.digest('hex');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

void main();

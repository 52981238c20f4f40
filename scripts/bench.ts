// `npm run bench [-- options]`: how Layerlens compares with the floor it cannot beat (`docker save`).
//   1. builds (or reuses) layerlens-bench/big:latest on the engine (~600 MB, ~50,000 files, 6 layers);
//   2. times, alternating and repeating, `docker save > /dev/null`, a cold `layerlens analyze --no-cache --json`
//      and a warm `layerlens analyze --json` (layer index cache filled once beforehand), with peak RSS;
//   3. times the rebuild loop (scripts/bench/rebuild.ts): a fresh top layer on the image each round, the cache
//      holding the base; `docker save` of the rebuilt image against `layerlens analyze` of it;
//   4. times opening a ≤1 MB file of that image through the `layerlens:` file system, first and repeat, and an
//      older version (scripts/bench/openFile.ts; standalone there too);
//   5. generates (no daemon) a legacy archive of 1,000,000 tiny files and times `layerlens analyze` on it;
//   6. compares the image with a rebuild of it (scripts/bench/compare.ts): `layerlens compare` of two indexed
//      50,000-file images;
//   7. the registry case (scripts/bench/registry.ts; standalone there too): the image pushed to the loopback
//      test registry, cold `analyze registry://…` against `docker pull` into --pull-host, a rebuilt image with
//      the base cached, the warm read's requests, peak RSS;
//   8. prints a table and writes .bench/results.json.
// Options: --host H (else DOCKER_HOST, else unix:///var/run/docker.sock), --rounds N (3), --docker PATH
// (/usr/bin/docker), --rebuild, --skip-engine, --skip-million, --million-files N (1000000),
// --million-dir DIR (/tmp/layerlens-bench), --million-heap MB (8192: a diagnostic rerun after an
// out-of-memory crash; 0 = none), --no-build (use dist/cli.js as it is), --drain (also time a bare Node read of
// the export: the floor for an API client), --profile (also CPU-profile cold, warm and million-file runs),
// --skip-open (no file-opening times), --skip-rebuild-loop (no rebuild case), --skip-compare (no compare case;
// `--skip-engine --skip-million` runs the compare case alone), --skip-registry (no registry case), --pull-host H
// (the engine the registry case pulls into: unix:///tmp/docker26.sock).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_IMAGE, docker, ensureBenchImage, type BenchImage } from './bench/benchImage';
import { haveGnuTime, measure, type Measured } from './bench/measure';
import { ensureMillionArchive, millionArchivePath, type MillionArchive } from './bench/millionArchive';
import { benchOpenFile, renderOpenFile, type OpenFileResults } from './bench/openFile';
import { profileCli, profileColdRun, type ProfileSummary } from './bench/profile';
import { benchRebuild } from './bench/rebuild';
import { benchRegistry, renderRegistry, type RegistryBenchResults } from './bench/registry';
import { benchCompare, COMPARE_TARGET_SECONDS } from './bench/compare';

const ROOT = resolve(__dirname, '..');
const OUT_DIR = join(ROOT, '.bench');
// Run as users run `layerlens`: the bundle through its own launcher line (which sets V8 flags).
const CLI = join(ROOT, 'dist', 'cli.js');
const TARGETS = {
  coldToSave: 1.05,
  warmToSave: 0.02,
  coldPeakRssBytes: 150 * 1024 * 1024,
  millionRssBytesPerFile: 1024,
  /** On the containerd store, which streams its export as it reads; engines that write theirs first: 1.0. */
  rebuildToSaveStreaming: 0.6,
  rebuildToSaveWrittenFirst: 1.0,
  rebuildCpuToCold: 0.15,
};

const { values: opts } = parseArgs({
  options: {
    host: { type: 'string' },
    rounds: { type: 'string', default: '3' },
    docker: { type: 'string', default: '/usr/bin/docker' },
    rebuild: { type: 'boolean', default: false },
    'skip-engine': { type: 'boolean', default: false },
    'skip-million': { type: 'boolean', default: false },
    'million-files': { type: 'string', default: '1000000' },
    'million-dir': { type: 'string', default: join(tmpdir(), 'layerlens-bench') },
    'million-heap': { type: 'string', default: '8192' },
    'no-build': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    drain: { type: 'boolean', default: false },
    'skip-open': { type: 'boolean', default: false },
    'skip-rebuild-loop': { type: 'boolean', default: false },
    'skip-registry': { type: 'boolean', default: false },
    'pull-host': { type: 'string', default: 'unix:///tmp/docker26.sock' },
    'skip-compare': { type: 'boolean', default: false },
  },
});

const log = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

interface Series {
  runs: Measured[];
  medianWallSeconds: number;
  medianCpuSeconds: number | null;
  medianPeakRssBytes: number | null;
  maxPeakRssBytes: number | null;
}

interface EngineResults {
  host: string;
  engineVersion: string;
  apiVersion: string;
  image: BenchImage & { exportBytes: number; files: number | null; wastedBytes: number | null; efficiency: number | null };
  rounds: number;
  save: Series;
  cold: Series;
  warm: Series;
  /** With --drain: a bare Node read of the same export (scripts/bench/drain.mjs). */
  drain?: Series;
  ratios: { coldToSave: number; warmToSave: number; drainToSave?: number; coldToDrain?: number };
  /** A fresh top layer on the image, the cache holding the base (scripts/bench/rebuild.ts). */
  rebuild?: {
    save: Series;
    rebuild: Series;
    rebuildToSave: number;
    rebuildCpuToCold: number | null;
    /** The engine streams its export as it reads it (the containerd store), so stopping early saves wall time. */
    streamingExport: boolean;
    pass: { rebuildToSave: boolean; rebuildCpuToCold: boolean; peakRss: boolean };
  };
  /** Opening a file through the `layerlens:` file system (scripts/bench/openFile.ts). */
  openFile?: OpenFileResults;
  pass: { coldToSave: boolean; warmToSave: boolean; coldPeakRss: boolean };
}

/** `layerlens compare` of the bench image and a rebuild of it, both indexed (scripts/bench/compare.ts). */
interface CompareResults {
  host: string;
  rebuilt: string;
  changes: number | null;
  compare: Series;
  pass: boolean;
}

interface MillionResults {
  archive: MillionArchive;
  run: Measured;
  rssBytesPerFile: number | null;
  pass: boolean;
  /** Only after an out-of-memory crash: the same run with a larger V8 heap, to see what it would need. */
  diagnosticLargerHeap?: { nodeOptions: string; run: Measured; rssBytesPerFile: number | null };
}

async function main(): Promise<void> {
  const host = opts.host ?? process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  const rounds = Number(opts.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be a positive whole number');
  mkdirSync(OUT_DIR, { recursive: true });
  if (!haveGnuTime()) log('/usr/bin/time is missing (apt-get install time): peak RSS falls back to polling /proc, which may miss a late peak.');

  if (!opts['no-build']) {
    log('building dist/cli.js (npm run build)…');
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  }
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build.`);

  const cacheDir = mkdtempSync(join(tmpdir(), 'layerlens-bench-cache-'));
  // The measured CLI runs get the environment of a user shell: no NODE_OPTIONS inherited from whoever runs the bench.
  const { NODE_OPTIONS: _ignored, ...baseEnv } = process.env;
  const cliEnv = { ...baseEnv, LAYERLENS_CACHE_DIR: cacheDir };
  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryBytes: totalmem(), node: process.version, platform: `${process.platform}-${process.arch}` },
    targets: TARGETS,
  };
  let engine: EngineResults | undefined;
  let million: MillionResults | undefined;
  let compare: CompareResults | undefined;
  const profiles: Record<string, ProfileSummary> = {};
  try {
    if (!opts['skip-engine']) {
      engine = await benchEngine(host, rounds, cliEnv);
      results.engine = engine;
    }
    if (!opts['skip-million']) {
      million = await benchMillion(cliEnv);
      results.million = million;
    }
    if (!opts['skip-compare']) {
      compare = await benchCompareCase(host, rounds, cliEnv);
      results.compare = compare;
    }
    const registryFile = join(ROOT, 'test', '.registry.json');
    if (engine && !opts['skip-registry']) {
      if (!existsSync(registryFile)) throw new Error(`${registryFile} is missing: test/setup/registry.sh starts the loopback registries (or pass --skip-registry).`);
      const registry = (JSON.parse(readFileSync(registryFile, 'utf8')) as { plain: string }).plain;
      const registryCase = await benchRegistry({ dockerCli: opts.docker!, host, pullHost: opts['pull-host']!, registry, cli: CLI, env: cliEnv, log });
      results.registry = registryCase;
    }
    if (opts.profile && engine) {
      log('profiling a cold and a warm analyze of the image (dist/cli.js with --cpu-prof, mapped through its source map)…');
      profiles.cold = await profileColdRun({ root: ROOT, outDir: join(OUT_DIR, 'profile'), host, image: BENCH_IMAGE, env: cliEnv });
      const warmArgs = ['analyze', BENCH_IMAGE, '--host', host, '--json'];
      profiles.warm = await profileCli({ root: ROOT, outDir: join(OUT_DIR, 'profile'), name: 'warm', args: warmArgs, env: cliEnv });
    }
    if (opts.profile && million?.run.exitCode === 0) {
      log('profiling the million-file analyze…');
      const args = ['analyze', million.archive.path, '--json'];
      profiles.million = await profileCli({ root: ROOT, outDir: join(OUT_DIR, 'profile'), name: 'million', args, env: cliEnv });
    }
    if (Object.keys(profiles).length) results.profiles = profiles;
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
  const file = join(OUT_DIR, 'results.json');
  writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
  const registryLines = results.registry ? `\n${renderRegistry(results.registry as RegistryBenchResults).join('\n')}\n` : '';
  process.stdout.write(renderTable(engine, million, profiles, rounds) + renderCompare(compare, rounds) + registryLines + `\nResults: ${file}\n`);
}

async function benchEngine(host: string, rounds: number, env: NodeJS.ProcessEnv): Promise<EngineResults> {
  const dockerCli = opts.docker!;
  if (!existsSync(dockerCli)) throw new Error(`${dockerCli} is missing (Debian's docker.io CLI; or pass --docker PATH).`);
  const [engineVersion, apiVersion] = (await docker(dockerCli, host, ['version', '-f', '{{.Server.Version}} {{.Server.APIVersion}}'])).split(' ');
  const image = await ensureBenchImage({
    dockerCli,
    host,
    context: join(ROOT, 'test', 'fixtures', 'bench'),
    buildLog: join(OUT_DIR, 'build.log'),
    rebuild: opts.rebuild!,
    log,
  });
  log(`${image.built ? `built in ${image.buildSeconds!.toFixed(0)} s` : 'reusing'} ${BENCH_IMAGE} (${mb(image.size)}, ${image.layers} layers) on ${host} (Engine ${engineVersion})`);

  // Un-timed: one export to warm the daemon's page cache and count the bytes, and one analyze to fill the cache.
  log('warming up: docker save (counting bytes), then one analyze to fill the layer index cache…');
  const exportBytes = await countSaveBytes(dockerCli, host, BENCH_IMAGE);
  const reportPath = join(OUT_DIR, 'analyze-big.json');
  const fill = await measure(CLI, ['analyze', BENCH_IMAGE, '--host', host, '--json'], { env, stdoutPath: reportPath });
  if (fill.exitCode !== 0) throw new Error(`layerlens analyze failed (exit ${fill.exitCode ?? fill.signal}):\n${fill.stderrTail}`);
  const report = readReport(reportPath);

  const commands = {
    save: () => measure(dockerCli, ['-H', host, 'save', BENCH_IMAGE], {}),
    cold: () => measure(CLI, ['analyze', BENCH_IMAGE, '--host', host, '--no-cache', '--json'], { env }),
    warm: () => measure(CLI, ['analyze', BENCH_IMAGE, '--host', host, '--json'], { env }),
    drain: () => measure(process.execPath, [join(ROOT, 'scripts', 'bench', 'drain.mjs'), host, BENCH_IMAGE], {}),
  };
  const names = (Object.keys(commands) as (keyof typeof commands)[]).filter((n) => n !== 'drain' || opts.drain);
  const runs: Record<keyof typeof commands, Measured[]> = { save: [], cold: [], warm: [], drain: [] };
  for (let round = 0; round < rounds; round++) {
    // Rotate the order each round so that no command always runs right after the same other one.
    const order = names.map((_, i) => names[(i + round) % names.length]);
    for (const name of order) {
      const result = await commands[name]();
      if (result.exitCode !== 0) throw new Error(`${name} run failed (exit ${result.exitCode ?? result.signal}): ${result.command}\n${result.stderrTail}`);
      runs[name].push(result);
      log(`round ${round + 1}/${rounds} ${name.padEnd(4)} ${result.wallSeconds.toFixed(2)} s${result.peakRssBytes ? `, peak RSS ${mb(result.peakRssBytes)}` : ''}`);
    }
  }
  const save = series(runs.save);
  const cold = series(runs.cold);
  const warm = series(runs.warm);
  const drain = runs.drain.length ? series(runs.drain) : undefined;
  const cacheDir = env.LAYERLENS_CACHE_DIR!;
  let rebuild: EngineResults['rebuild'];
  if (!opts['skip-rebuild-loop']) {
    log('rebuild loop: a fresh RUN on top of the image each round (builds untimed), the cache holding the base…');
    const runs = await benchRebuild({ dockerCli, host, cli: CLI, base: BENCH_IMAGE, rounds, env, log });
    const rebuildSave = series(runs.save);
    const rebuildRead = series(runs.rebuild);
    const streamingExport = (await docker(dockerCli, host, ['info', '-f', '{{.DriverStatus}}'])).includes('io.containerd.snapshotter');
    const rebuildToSave = rebuildRead.medianWallSeconds / rebuildSave.medianWallSeconds;
    const rebuildCpuToCold = rebuildRead.medianCpuSeconds !== null && cold.medianCpuSeconds ? rebuildRead.medianCpuSeconds / cold.medianCpuSeconds : null;
    rebuild = {
      save: rebuildSave,
      rebuild: rebuildRead,
      rebuildToSave,
      rebuildCpuToCold,
      streamingExport,
      pass: {
        rebuildToSave: rebuildToSave <= (streamingExport ? TARGETS.rebuildToSaveStreaming : TARGETS.rebuildToSaveWrittenFirst),
        rebuildCpuToCold: (rebuildCpuToCold ?? Infinity) <= TARGETS.rebuildCpuToCold,
        peakRss: (rebuildRead.maxPeakRssBytes ?? Infinity) <= TARGETS.coldPeakRssBytes,
      },
    };
  }
  const openFile = opts['skip-open'] ? undefined : await benchOpenFile({ host, image: BENCH_IMAGE, rounds: Math.max(rounds, 3), cacheDir, older: true, log });
  const ratios: EngineResults['ratios'] = { coldToSave: cold.medianWallSeconds / save.medianWallSeconds, warmToSave: warm.medianWallSeconds / save.medianWallSeconds };
  if (drain) {
    ratios.drainToSave = drain.medianWallSeconds / save.medianWallSeconds;
    ratios.coldToDrain = cold.medianWallSeconds / drain.medianWallSeconds;
  }
  return {
    host,
    engineVersion,
    apiVersion,
    image: { ...image, exportBytes, ...report },
    rounds,
    save,
    cold,
    warm,
    drain,
    ratios,
    rebuild,
    openFile,
    pass: {
      coldToSave: ratios.coldToSave <= TARGETS.coldToSave,
      warmToSave: ratios.warmToSave <= TARGETS.warmToSave,
      coldPeakRss: (cold.maxPeakRssBytes ?? Infinity) <= TARGETS.coldPeakRssBytes,
    },
  };
}

async function benchCompareCase(host: string, rounds: number, env: NodeJS.ProcessEnv): Promise<CompareResults> {
  const dockerCli = opts.docker!;
  const image = await ensureBenchImage({ dockerCli, host, context: join(ROOT, 'test', 'fixtures', 'bench'), buildLog: join(OUT_DIR, 'build.log'), rebuild: false, log });
  const runs = await benchCompare({ dockerCli, host, cli: CLI, base: image.ref, rounds, env, log });
  const compare = series(runs.runs);
  return { host, rebuilt: runs.rebuilt, changes: runs.changes, compare, pass: compare.medianWallSeconds <= COMPARE_TARGET_SECONDS };
}

function renderCompare(compare: CompareResults | undefined, rounds: number): string {
  if (!compare) return '';
  const c = compare.compare;
  return (
    `\nCompare: layerlens compare ${BENCH_IMAGE} <a rebuild of it> --json, both indexed, on ${compare.host}: ` +
    `${c.medianWallSeconds.toFixed(2)} s wall (median of ${rounds}; target ≤ ${COMPARE_TARGET_SECONDS} s ${verdict(compare.pass)}), ` +
    `CPU ${cpuText(c)}, peak RSS ${c.maxPeakRssBytes ? mb(c.maxPeakRssBytes) : '?'}, ${compare.changes ?? '?'} changed paths\n`
  );
}

async function benchMillion(env: NodeJS.ProcessEnv): Promise<MillionResults> {
  const files = Number(opts['million-files']);
  if (!Number.isInteger(files) || files < 100) throw new Error('--million-files must be a whole number ≥ 100');
  const archive = ensureMillionArchive(millionArchivePath(opts['million-dir']!, files), files, log);
  log(`${archive.reused ? 'reusing' : `generated in ${archive.generateSeconds!.toFixed(0)} s`} ${archive.path} (${mb(archive.bytes)}, ${archive.files.toLocaleString('en-US')} files, ${archive.entries.toLocaleString('en-US')} entries)`);
  log('analyzing the million-file archive…');
  const args = ['analyze', archive.path, '--json'];
  const run = await measure(CLI, args, { env });
  const perFile = (m: Measured) => (m.peakRssBytes === null ? null : m.peakRssBytes / archive.files);
  log(`million: exit ${run.exitCode ?? run.signal}, ${run.wallSeconds.toFixed(1)} s, peak RSS ${run.peakRssBytes ? mb(run.peakRssBytes) : '?'}${run.outOfMemory ? ' — OUT OF MEMORY' : ''}`);
  const result: MillionResults = { archive, run, rssBytesPerFile: perFile(run), pass: run.exitCode === 0 && (perFile(run) ?? Infinity) <= TARGETS.millionRssBytesPerFile };
  const heap = Number(opts['million-heap']);
  if (run.exitCode !== 0 && run.outOfMemory && heap > 0) {
    const nodeOptions = `--max-old-space-size=${heap}`;
    log(`diagnostic only: the same run with NODE_OPTIONS=${nodeOptions}…`);
    const diagnostic = await measure(CLI, args, { env: { ...env, NODE_OPTIONS: nodeOptions } });
    log(`diagnostic: exit ${diagnostic.exitCode ?? diagnostic.signal}, ${diagnostic.wallSeconds.toFixed(1)} s, peak RSS ${diagnostic.peakRssBytes ? mb(diagnostic.peakRssBytes) : '?'}`);
    result.diagnosticLargerHeap = { nodeOptions, run: diagnostic, rssBytesPerFile: perFile(diagnostic) };
  }
  return result;
}

/** Runs `docker save` once into a pipe, counting its bytes. */
function countSaveBytes(dockerCli: string, host: string, image: string): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(dockerCli, ['-H', host, 'save', image], { stdio: ['ignore', 'pipe', 'inherit'] });
    let bytes = 0;
    child.stdout.on('data', (chunk: Buffer) => (bytes += chunk.length));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolvePromise(bytes) : reject(new Error(`docker save ${image} exited with ${code}`))));
  });
}

function readReport(path: string): { files: number | null; wastedBytes: number | null; efficiency: number | null } {
  try {
    const r = JSON.parse(readFileSync(path, 'utf8')) as { layers: { added: number }[]; wastedBytes: number; efficiency: number };
    return { files: r.layers.reduce((n, l) => n + l.added, 0), wastedBytes: r.wastedBytes, efficiency: r.efficiency };
  } catch {
    return { files: null, wastedBytes: null, efficiency: null };
  }
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function series(runs: Measured[]): Series {
  const cpu = runs.filter((r) => r.userSeconds !== null).map((r) => r.userSeconds! + r.sysSeconds!);
  const rss = runs.filter((r) => r.peakRssBytes !== null).map((r) => r.peakRssBytes!);
  return {
    runs,
    medianWallSeconds: median(runs.map((r) => r.wallSeconds)),
    medianCpuSeconds: cpu.length ? median(cpu) : null,
    medianPeakRssBytes: rss.length ? median(rss) : null,
    maxPeakRssBytes: rss.length ? Math.max(...rss) : null,
  };
}

/** Sizes in MiB (2^20 bytes), as /usr/bin/time's KiB figures; the RSS targets are read as MiB too. */
function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MiB`;
}

const verdict = (pass: boolean) => (pass ? 'ok' : 'MISSED');

function renderTable(engine: EngineResults | undefined, million: MillionResults | undefined, profiles: Record<string, ProfileSummary>, rounds: number): string {
  const lines: string[] = [];
  const row = (cells: string[], widths: number[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  if (engine) {
    const img = engine.image;
    lines.push(
      `Layerlens benchmark: ${BENCH_IMAGE} on ${engine.host} (Engine ${engine.engineVersion}), ${cpus().length} CPUs, Node ${process.version}`,
      `image: ${mb(img.size)} (export ${mb(img.exportBytes)}), ${img.layers} layers, ${img.files?.toLocaleString('en-US') ?? '?'} entries, ${img.wastedBytes === null ? '?' : mb(img.wastedBytes)} wasted; median of ${rounds} alternating rounds`,
      '',
    );
    const w = [36, 9, 7, 13, 7, 9, 15];
    lines.push(row(['', 'wall', '× save', 'target', 'CPU', 'peak RSS', 'target'], w));
    const s = engine.save;
    lines.push(row(['docker save > /dev/null', `${s.medianWallSeconds.toFixed(2)} s`, '1.00', '', cpuText(s), '', ''], w));
    const c = engine.cold;
    lines.push(
      row(
        ['layerlens analyze --no-cache (cold)', `${c.medianWallSeconds.toFixed(2)} s`, engine.ratios.coldToSave.toFixed(2), `≤ ${TARGETS.coldToSave} ${verdict(engine.pass.coldToSave)}`, cpuText(c), c.maxPeakRssBytes ? mb(c.maxPeakRssBytes) : '?', `≤ ${mb(TARGETS.coldPeakRssBytes)} ${verdict(engine.pass.coldPeakRss)}`],
        w,
      ),
    );
    const m = engine.warm;
    lines.push(
      row(
        ['layerlens analyze (warm cache)', `${m.medianWallSeconds.toFixed(2)} s`, engine.ratios.warmToSave.toFixed(4), `≤ ${TARGETS.warmToSave} ${verdict(engine.pass.warmToSave)}`, cpuText(m), m.maxPeakRssBytes ? mb(m.maxPeakRssBytes) : '?', ''],
        w,
      ),
    );
    const d = engine.drain;
    if (d) lines.push(row(['node: read the export, no parsing', `${d.medianWallSeconds.toFixed(2)} s`, engine.ratios.drainToSave!.toFixed(2), `cold ÷ this ${engine.ratios.coldToDrain!.toFixed(2)}`, cpuText(d), d.maxPeakRssBytes ? mb(d.maxPeakRssBytes) : '?', ''], w));
    const r = engine.rebuild;
    if (r) {
      const target = r.streamingExport ? TARGETS.rebuildToSaveStreaming : TARGETS.rebuildToSaveWrittenFirst;
      lines.push(row(['docker save of the rebuilt image', `${r.save.medianWallSeconds.toFixed(2)} s`, '1.00', '', cpuText(r.save), '', ''], w));
      lines.push(
        row(
          ['layerlens analyze (rebuild, base cached)', `${r.rebuild.medianWallSeconds.toFixed(2)} s`, r.rebuildToSave.toFixed(2), `≤ ${target} ${verdict(r.pass.rebuildToSave)}`, cpuText(r.rebuild), r.rebuild.maxPeakRssBytes ? mb(r.rebuild.maxPeakRssBytes) : '?', `≤ ${mb(TARGETS.coldPeakRssBytes)} ${verdict(r.pass.peakRss)}`],
          w,
        ),
      );
      lines.push(`rebuild CPU ÷ cold CPU: ${r.rebuildCpuToCold === null ? '?' : r.rebuildCpuToCold.toFixed(3)} (target ≤ ${TARGETS.rebuildCpuToCold}: ${verdict(r.pass.rebuildCpuToCold)}); × save of the rebuilt image, ${r.streamingExport ? 'containerd store (streams its export)' : 'engine writes its export before sending'}`);
    }
    lines.push(`(peak RSS: the highest of ${rounds} runs; CPU: user + sys of the client process, median)`);
    if (engine.openFile) lines.push('', ...renderOpenFile(engine.openFile));
  }
  if (million) {
    const a = million.archive;
    const r = million.run;
    lines.push(
      '',
      `Million-file archive: ${a.path} (${mb(a.bytes)}, ${a.layers} layers, ${a.files.toLocaleString('en-US')} files, ${a.entries.toLocaleString('en-US')} tar entries)`,
      `  layerlens analyze --json: ${r.exitCode === 0 ? 'ok' : `FAILED (exit ${r.exitCode ?? r.signal}${r.outOfMemory ? ', out of memory' : ''})`}, ` +
        `${r.wallSeconds.toFixed(1)} s wall, ${r.userSeconds === null ? '?' : (r.userSeconds + r.sysSeconds!).toFixed(1)} s CPU, ` +
        `peak RSS ${r.peakRssBytes ? mb(r.peakRssBytes) : '?'} = ${million.rssBytesPerFile === null ? '?' : Math.round(million.rssBytesPerFile)} bytes/file (target ≤ ${TARGETS.millionRssBytesPerFile}: ${verdict(million.pass)})`,
    );
    if (r.exitCode !== 0) lines.push(...r.stderrTail.split('\n').slice(-4).map((l) => `    ${l}`));
    const d = million.diagnosticLargerHeap;
    if (d) {
      lines.push(
        `  diagnostic, NODE_OPTIONS=${d.nodeOptions}: ${d.run.exitCode === 0 ? 'ok' : `exit ${d.run.exitCode ?? d.run.signal}`}, ${d.run.wallSeconds.toFixed(1)} s wall, ` +
          `peak RSS ${d.run.peakRssBytes ? mb(d.run.peakRssBytes) : '?'} = ${d.rssBytesPerFile === null ? '?' : Math.round(d.rssBytesPerFile)} bytes/file`,
      );
    }
  }
  for (const [name, profile] of Object.entries(profiles)) {
    lines.push('', `CPU profile, ${name} (${profile.profileFile}): ${profile.wallSeconds.toFixed(1)} s wall, ${(profile.totalMs / 1000).toFixed(1)} s sampled`);
    for (const c of profile.categories.slice(0, 12)) lines.push(`  ${c.name.padEnd(50)} ${c.ms.toFixed(0).padStart(7)} ms  ${(c.share * 100).toFixed(1).padStart(5)} %`);
  }
  return lines.join('\n') + '\n';
}

function cpuText(s: Series): string {
  return s.medianCpuSeconds === null ? '?' : `${s.medianCpuSeconds.toFixed(2)} s`;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});

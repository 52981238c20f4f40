// The registry case of the benchmark (issue 12), on the bench image pushed to a loopback registry:
//   - cold `layerlens analyze registry://…` (empty cache) ÷ `docker pull` of the same image into an engine that
//     lacks it (the step a user takes today before dive): target ≤ 0.5×;
//   - a rebuilt image (a new top layer) pushed, the base cached: ≤ 0.15× of the cold read;
//   - warm (unchanged tag): one manifest request, counted at a proxy in front of the registry;
//   - peak RSS of the cold read ≤ 150 MiB.
// Pushes and builds are untimed. The pulled image and the rebuilt tags are removed afterwards.
// Standalone: node --import tsx scripts/bench/registry.ts [--host H] [--pull-host H] [--registry HOST:PORT]
// (dist/cli.js as built; the registry from test/.registry.json by default).
import { randomBytes } from 'node:crypto';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { startRegistryProxy } from '../../test/integration/support/registryProxy';
import { BENCH_IMAGE } from './benchImage';
import { measure, type Measured } from './measure';

const run = promisify(execFile);

export const REGISTRY_TARGETS = { coldToPull: 0.5, rebuildToCold: 0.15, warmManifestRequests: 1, coldPeakRssBytes: 150 * 1024 * 1024 };

export interface RegistryBenchResults {
  registry: string;
  image: string;
  pushSeconds: number;
  pull: Measured;
  cold: Measured;
  rebuild: Measured;
  warm: Measured;
  /** Requests the warm read made, by kind, as the proxy saw them. */
  warmRequests: { manifests: number; blobs: number; other: number };
  ratios: { coldToPull: number; rebuildToCold: number };
  pass: { coldToPull: boolean; rebuildToCold: boolean; warmOneManifest: boolean; coldPeakRss: boolean };
  loadAverage: { before: number[]; after: number[] };
}

export async function benchRegistry(options: {
  dockerCli: string;
  /** The engine holding the bench image, which pushes it. */
  host: string;
  /** An engine without the image, for `docker pull`. */
  pullHost: string;
  registry: string;
  cli: string;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
}): Promise<RegistryBenchResults> {
  const { dockerCli, host, pullHost, registry, cli, env, log } = options;
  const docker = (h: string, args: string[]) => run(dockerCli, ['-H', h, ...args], { maxBuffer: 16 * 1024 * 1024 });
  const before = loadavg();
  const target = `${registry}/${BENCH_IMAGE}`;
  log(`pushing ${BENCH_IMAGE} to ${target} (untimed)…`);
  const pushStarted = performance.now();
  await docker(host, ['tag', BENCH_IMAGE, target]);
  await docker(host, ['push', '-q', target]);
  const pushSeconds = (performance.now() - pushStarted) / 1000;
  await docker(host, ['rmi', target]).catch(() => undefined);

  await docker(pullHost, ['rmi', '-f', target]).catch(() => undefined);
  log(`docker pull ${target} into ${pullHost}…`);
  const pull = await measure(dockerCli, ['-H', pullHost, 'pull', '-q', target]);
  await docker(pullHost, ['rmi', '-f', target]).catch(() => undefined);
  if (pull.exitCode !== 0) throw new Error(`docker pull failed: ${pull.stderrTail}`);
  log(`pull ${pull.wallSeconds.toFixed(2)} s`);

  const cacheDir = mkdtempSync(join(tmpdir(), 'layerlens-bench-registry-cache-'));
  const cliEnv = { ...env, LAYERLENS_CACHE_DIR: cacheDir };
  try {
    const cold = await measure(cli, ['analyze', `registry://${target}`, '--json'], { env: cliEnv });
    if (cold.exitCode !== 0) throw new Error(`cold analyze failed: ${cold.stderrTail}`);
    log(`cold analyze registry:// ${cold.wallSeconds.toFixed(2)} s, peak RSS ${mib(cold.peakRssBytes)}`);

    const nonce = randomBytes(8).toString('hex');
    const rebuilt = `${registry}/layerlens-bench/rebuild:${nonce}`;
    await buildOnTop(dockerCli, host, rebuilt, nonce);
    await docker(host, ['push', '-q', rebuilt]);
    await docker(host, ['rmi', rebuilt]).catch(() => undefined);
    const rebuild = await measure(cli, ['analyze', `registry://${rebuilt}`, '--json'], { env: cliEnv });
    if (rebuild.exitCode !== 0) throw new Error(`rebuild analyze failed: ${rebuild.stderrTail}`);
    log(`rebuilt image, base cached: ${rebuild.wallSeconds.toFixed(2)} s, peak RSS ${mib(rebuild.peakRssBytes)}`);

    const proxy = await startRegistryProxy(registry);
    let warm: Measured;
    let warmRequests: RegistryBenchResults['warmRequests'];
    try {
      warm = await measure(cli, ['analyze', `registry://${proxy.host}/${BENCH_IMAGE}`, '--json'], { env: cliEnv });
      if (warm.exitCode !== 0) throw new Error(`warm analyze failed: ${warm.stderrTail}`);
      const manifests = proxy.requests.filter((r) => r.path.includes('/manifests/')).length;
      const blobs = proxy.requests.filter((r) => r.path.includes('/blobs/')).length;
      warmRequests = { manifests, blobs, other: proxy.requests.length - manifests - blobs };
    } finally {
      await proxy.close();
    }
    log(`warm ${warm.wallSeconds.toFixed(2)} s: ${JSON.stringify(warmRequests)}`);
    const ratios = { coldToPull: cold.wallSeconds / pull.wallSeconds, rebuildToCold: rebuild.wallSeconds / cold.wallSeconds };
    return {
      registry,
      image: target,
      pushSeconds,
      pull,
      cold,
      rebuild,
      warm,
      warmRequests,
      ratios,
      pass: {
        coldToPull: ratios.coldToPull <= REGISTRY_TARGETS.coldToPull,
        rebuildToCold: ratios.rebuildToCold <= REGISTRY_TARGETS.rebuildToCold,
        warmOneManifest: warmRequests.manifests === REGISTRY_TARGETS.warmManifestRequests && warmRequests.blobs === 0 && warmRequests.other === 0,
        coldPeakRss: (cold.peakRssBytes ?? Infinity) <= REGISTRY_TARGETS.coldPeakRssBytes,
      },
      loadAverage: { before, after: loadavg() },
    };
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

export function renderRegistry(r: RegistryBenchResults): string[] {
  const ok = (pass: boolean) => (pass ? 'ok' : 'MISSED');
  const load = (l: number[]) => l.map((n) => n.toFixed(2)).join(' ');
  return [
    `Registry: ${r.image} (pushed in ${r.pushSeconds.toFixed(0)} s, untimed); load average ${load(r.loadAverage.before)} before, ${load(r.loadAverage.after)} after`,
    `  docker pull into an engine without it:        ${r.pull.wallSeconds.toFixed(2)} s`,
    `  layerlens analyze registry:// (cold):          ${r.cold.wallSeconds.toFixed(2)} s = ${r.ratios.coldToPull.toFixed(2)}× pull (≤ ${REGISTRY_TARGETS.coldToPull} ${ok(r.pass.coldToPull)}), peak RSS ${mib(r.cold.peakRssBytes)} (≤ 150 MiB ${ok(r.pass.coldPeakRss)}), CPU ${cpu(r.cold)}`,
    `  rebuilt image (new top layer), base cached:    ${r.rebuild.wallSeconds.toFixed(2)} s = ${r.ratios.rebuildToCold.toFixed(3)}× cold (≤ ${REGISTRY_TARGETS.rebuildToCold} ${ok(r.pass.rebuildToCold)}), peak RSS ${mib(r.rebuild.peakRssBytes)}`,
    `  warm (unchanged tag):                          ${r.warm.wallSeconds.toFixed(2)} s, ${r.warmRequests.manifests} manifest / ${r.warmRequests.blobs} blob / ${r.warmRequests.other} other requests (${ok(r.pass.warmOneManifest)})`,
  ];
}

function buildOnTop(dockerCli: string, host: string, tag: string, nonce: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(dockerCli, ['-H', host, 'build', '--network', 'none', '-q', '-t', tag, '-'], { stdio: ['pipe', 'ignore', 'pipe'], env: { ...process.env, DOCKER_BUILDKIT: '0' } });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-4000)));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolvePromise() : reject(new Error(`docker build of ${tag} exited with ${code}: ${stderr.trim()}`))));
    child.stdin.on('error', () => undefined);
    child.stdin.end(`FROM ${BENCH_IMAGE}\nRUN echo ${nonce} > /rebuild-nonce\n`);
  });
}

function mib(bytes: number | null): string {
  return bytes === null ? '?' : `${(bytes / 1048576).toFixed(0)} MiB`;
}

function cpu(m: Measured): string {
  return m.userSeconds === null ? '?' : `${(m.userSeconds + m.sysSeconds!).toFixed(2)} s`;
}

if (require.main === module) {
  const root = resolve(__dirname, '..', '..');
  const { values } = parseArgs({ options: { host: { type: 'string' }, 'pull-host': { type: 'string', default: 'unix:///tmp/docker26.sock' }, registry: { type: 'string' }, docker: { type: 'string', default: '/usr/bin/docker' } } });
  const registry = values.registry ?? (JSON.parse(readFileSync(join(root, 'test', '.registry.json'), 'utf8')) as { plain: string }).plain;
  const { NODE_OPTIONS: _ignored, ...env } = process.env;
  benchRegistry({
    dockerCli: values.docker!,
    host: values.host ?? process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock',
    pullHost: values['pull-host']!,
    registry,
    cli: join(root, 'dist', 'cli.js'),
    env,
    log: (line) => process.stderr.write(`[registry ${new Date().toISOString().slice(11, 19)}] ${line}\n`),
  }).then(
    (results) => process.stdout.write(renderRegistry(results).join('\n') + '\n' + JSON.stringify(results, (k, v) => (k === 'stderrTail' ? undefined : v)) + '\n'),
    (error: unknown) => {
      process.stderr.write(`registry bench: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}

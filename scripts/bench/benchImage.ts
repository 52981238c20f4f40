// Makes sure the benchmark image exists on the engine: built from test/fixtures/bench (FROM scratch + Debian's
// static busybox, --network none, classic builder so it works on every engine here), labelled with a hash of
// its recipe (the context's files, busybox included, and RECIPE below). A matching image is reused.
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, openSync, closeSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Bump when the way the image is built changes (the context's files are hashed anyway). */
export const RECIPE = 1;
export const BENCH_IMAGE = 'layerlens-bench/big:latest';
export const HASH_LABEL = 'layerlens.bench-hash';
const BUSYBOX = '/bin/busybox';

export interface BenchImage {
  ref: string;
  id: string;
  /** The engine's idea of the image size (sum of layer sizes). */
  size: number;
  layers: number;
  recipeHash: string;
  built: boolean;
  buildSeconds?: number;
}

export async function docker(dockerCli: string, host: string, args: string[]): Promise<string> {
  const { stdout } = await run(dockerCli, ['-H', host, ...args], { maxBuffer: 16 * 1024 * 1024 });
  return stdout.trim();
}

export async function ensureBenchImage(options: {
  dockerCli: string;
  host: string;
  context: string;
  buildLog: string;
  rebuild: boolean;
  log: (line: string) => void;
}): Promise<BenchImage> {
  const { dockerCli, host, context, log } = options;
  if (!existsSync(BUSYBOX)) throw new Error(`${BUSYBOX} is missing: apt-get install busybox-static (the image is built FROM scratch with it).`);
  const busyboxCopy = join(context, 'busybox');
  if (!existsSync(busyboxCopy) || !readFileSync(busyboxCopy).equals(readFileSync(BUSYBOX))) copyFileSync(BUSYBOX, busyboxCopy);
  const recipeHash = hashContext(context);

  const inspect = async () => {
    try {
      const text = await docker(dockerCli, host, ['image', 'inspect', '-f', `{{.Id}} {{.Size}} {{len .RootFS.Layers}} {{index .Config.Labels "${HASH_LABEL}"}}`, BENCH_IMAGE]);
      const [id, size, layers, label] = text.split(' ');
      return { id, size: Number(size), layers: Number(layers), label };
    } catch {
      return undefined;
    }
  };
  const before = await inspect();
  if (before && before.label === recipeHash && !options.rebuild) {
    return { ref: BENCH_IMAGE, id: before.id, size: before.size, layers: before.layers, recipeHash, built: false };
  }

  log(`building ${BENCH_IMAGE} on ${host} (${before ? 'recipe changed' : 'not there yet'}; about a minute; log: ${options.buildLog})…`);
  const started = performance.now();
  const logFd = openSync(options.buildLog, 'w');
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(dockerCli, ['-H', host, 'build', '--network', 'none', '--label', `${HASH_LABEL}=${recipeHash}`, '-t', BENCH_IMAGE, context], {
      stdio: ['ignore', logFd, logFd],
      env: { ...process.env, DOCKER_BUILDKIT: '0' },
    });
    child.on('error', reject);
    child.on('close', resolve);
  });
  closeSync(logFd);
  if (code !== 0) {
    const tail = readFileSync(options.buildLog, 'utf8').trim().split('\n').slice(-15).join('\n');
    throw new Error(`docker build of ${BENCH_IMAGE} failed (exit ${code}); log ${options.buildLog}:\n${tail}`);
  }
  const buildSeconds = (performance.now() - started) / 1000;
  const after = await inspect();
  if (!after) throw new Error(`${BENCH_IMAGE} is not on ${host} after a successful build.`);
  // The replaced image was ours: drop it (and its untagged build steps) so repeated rebuilds do not pile up.
  if (before && before.id !== after.id) await docker(dockerCli, host, ['rmi', before.id]).catch(() => undefined);
  return { ref: BENCH_IMAGE, id: after.id, size: after.size, layers: after.layers, recipeHash, built: true, buildSeconds };
}

/** sha256 over the context's files (name and content, sorted) and RECIPE. */
function hashContext(context: string): string {
  const hash = createHash('sha256');
  const files = readdirSync(context, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))
    .sort();
  for (const file of files) {
    hash.update(file.slice(context.length) + '\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  hash.update(`recipe=${RECIPE}`);
  return hash.digest('hex');
}

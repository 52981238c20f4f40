// Python and npm packages in a real image against the package managers' own view (issue 14). The test builds,
// with the classic builder on Engine 20.10 and --network none, FROM the real Debian base (test/setup/debian-base.sh):
// real python3-* debs (dpkg -i: an egg-info and a dist-info in /usr/lib/python3/dist-packages), Debian's pip and
// setuptools wheels installed by pip (/usr/local/lib/python3.11/dist-packages), a node_modules tree npm itself laid
// out and a global one (test/setup/package-tools.sh), then `pip uninstall setuptools` and `rm -rf` of an npm package.
// Oracles: `pip list --format json` in a container of the top image and of the step below, and the package.json
// files of `docker export`.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { Readable } from 'node:stream';
import { before, describe, test } from 'node:test';
import { extract } from 'tar-stream';
import type { DockerEngine } from '../../src/docker/engine';
import { buildTar, type TarMember } from '../support/tarBuilder';
import { packageData } from '../unit/packagesFixtures';
import { runCli } from './support/cli';
import { connect, testEngines } from './support/engines';

const BASE = 'layerlens-test/debian-base:bookworm';
const IMAGE = 'layerlens-test/packages-languages:legacy';
const DEBS = ['python3-six', 'python3-chardet', 'python3-pkg-resources'];
const DOCKERFILE = `FROM ${BASE}
COPY debs/ /tmp/debs/
RUN dpkg -i /tmp/debs/*.deb && rm -rf /tmp/debs
COPY wheels/ /tmp/wheels/
RUN python3 "$(ls /tmp/wheels/pip-*.whl)/pip" install --no-index --find-links /tmp/wheels --break-system-packages pip setuptools && rm -rf /tmp/wheels
COPY app-node_modules/ /app/node_modules/
COPY global-node_modules/ /usr/local/lib/node_modules/
RUN python3 -m pip uninstall -y --break-system-packages setuptools && rm -rf /app/node_modules/is-odd
`;
/** The wheels' versions, from Debian's python3-pip-whl file names (pip-23.0.1-py3-none-any.whl). */
const WHEELS = '/usr/share/python-wheels';
const wheelVersion = (name: string) => readdirSync(WHEELS).find((f) => f.startsWith(name + '-'))!.split('-')[1];
/** Layers, base first: the base's one, then one per instruction above. */
const TOP = 7;

interface Listed {
  name: string;
  version: string;
}
interface PackagesJson {
  layer: number;
  packages: (Listed & { manager: string; layer: number; location: string; size: number })[];
  changes: { layer: number; manager: string; name: string; change: string; from: string | null; to: string | null }[];
  problems: string[];
}

const engineInfo = testEngines().find((e) => e.name === 'd20')!;
const env = { DOCKER_HOST: engineInfo.host, LAYERLENS_CACHE_DIR: mkdtempSync(join(tmpdir(), 'layerlens-packages-languages-')) };

function filesAsMembers(dir: string, prefix: string): TarMember[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => lstatSync(join(dir, name)).isFile())
    .map((name) => ({ name: prefix + relative(dir, join(dir, name)).split(sep).join('/'), content: readFileSync(join(dir, name)) }));
}

function context(): Buffer {
  const debs = packageData('python-debs');
  const wheels = WHEELS;
  return buildTar([
    { name: 'Dockerfile', content: DOCKERFILE },
    ...readdirSync(debs).filter((f) => DEBS.some((d) => f.startsWith(d + '_'))).map((f) => ({ name: `debs/${f}`, content: readFileSync(join(debs, f)) })),
    ...readdirSync(wheels).filter((f) => /^(pip|setuptools)-.*\.whl$/.test(f)).map((f) => ({ name: `wheels/${f}`, content: readFileSync(join(wheels, f)) })),
    ...filesAsMembers(packageData('npm-tree', 'project', 'node_modules'), 'app-node_modules/'),
    ...filesAsMembers(packageData('npm-tree', 'global', 'usr', 'local', 'lib', 'node_modules'), 'global-node_modules/'),
  ]);
}

async function build(engine: DockerEngine): Promise<void> {
  await engine.docker.getImage(BASE).inspect().catch(() => {
    throw new Error(`${BASE} is missing on Engine 20.10: run test/setup/build-fixtures.sh (it runs test/setup/debian-base.sh).`);
  });
  const stream = await engine.docker.buildImage(Readable.from([context()]) as unknown as NodeJS.ReadableStream, { t: IMAGE, networkmode: 'none', version: '1' } as object);
  const output = await new Promise<{ error?: string; errorDetail?: { message?: string } }[]>((resolve, reject) =>
    engine.docker.modem.followProgress(stream, (error: Error | null, result: unknown[]) => (error ? reject(error) : resolve(result as never))),
  );
  const failure = output.find((line) => line.error || line.errorDetail);
  assert.equal(failure, undefined, `the build failed: ${JSON.stringify(failure)}`);
}

/** Runs a command in a container of `image` (no network) and returns its stdout. */
async function runIn(engine: DockerEngine, image: string, cmd: string[]): Promise<string> {
  const container = await engine.docker.createContainer({ Image: image, Cmd: cmd, HostConfig: { NetworkMode: 'none' } });
  try {
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    const logs = (await container.logs({ stdout: true, stderr: false })) as Buffer;
    assert.equal(StatusCode, 0, `${cmd.join(' ')} failed in ${image}`);
    return demux(logs);
  } finally {
    await container.remove({ force: true });
  }
}

/** The engine's log stream frames stdout as [stream, 0, 0, 0, size (4 bytes BE)] + payload. */
function demux(logs: Buffer): string {
  let out = '';
  for (let at = 0; at + 8 <= logs.length; ) {
    const size = logs.readUInt32BE(at + 4);
    if (logs[at] === 1) out += logs.toString('utf8', at + 8, at + 8 + size);
    at += 8 + size;
  }
  return out;
}

async function pipList(engine: DockerEngine, image: string): Promise<Listed[]> {
  const listed = JSON.parse(await runIn(engine, image, ['python3', '-m', 'pip', 'list', '--disable-pip-version-check', '--format', 'json'])) as Listed[];
  return listed.map(({ name, version }) => ({ name, version })).sort(byName);
}

/** package.json name@version by path, for every package.json directly in a node_modules package directory of `docker export`. */
async function exportedManifests(engine: DockerEngine, image: string): Promise<string[]> {
  const container = await engine.docker.createContainer({ Image: image, Cmd: ['/bin/sh'], HostConfig: { NetworkMode: 'none' } });
  try {
    const stream = (await container.export()) as NodeJS.ReadableStream;
    const found: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const tar = extract();
      tar.on('entry', (header, body, next) => {
        const path = '/' + header.name.replace(/^\.?\//, '');
        if (header.type !== 'file' || !/\/node_modules\/(@[^/]+\/)?[^/@.][^/]*\/package\.json$/.test(path)) {
          body.resume();
          body.on('end', next);
          return;
        }
        const chunks: Buffer[] = [];
        body.on('data', (c: unknown) => {
          chunks.push(c as Buffer);
        });
        body.on('end', () => {
          const { name, version } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Listed;
          found.push(`${path} ${name}@${version}`);
          next();
        });
      });
      tar.on('finish', resolve);
      tar.on('error', reject);
      stream.on('error', reject);
      stream.pipe(tar);
    });
    return found.sort();
  } finally {
    await container.remove({ force: true });
  }
}

async function packagesAt(layer: number): Promise<PackagesJson> {
  const r = await runCli(['packages', IMAGE, '--layer', String(layer), '--json'], env);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as PackagesJson;
}

function byName(a: Listed, b: Listed): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : a.version < b.version ? -1 : 1;
}

describe('Python and npm packages in a real image', () => {
  const engine = connect(engineInfo);
  let stepBelowTop: string;
  before(async () => {
    await build(engine);
    const history = await engine.docker.getImage(IMAGE).history();
    // Classic builder: every step is an image; the entry below the top is the image at layer TOP - 1.
    stepBelowTop = (history as { Id: string }[])[1].Id;
    assert.match(stepBelowTop, /^sha256:/);
  });

  test('layerlens packages gives pip list in a container of the top image, and of the step below', async () => {
    const top = await packagesAt(TOP);
    assert.deepEqual(top.problems, []);
    const python = (report: PackagesJson) => report.packages.filter((p) => p.manager === 'python').map(({ name, version }) => ({ name, version })).sort(byName);
    const oracle = await pipList(engine, IMAGE);
    assert.deepEqual(oracle.map((p) => p.name), ['chardet', 'pip', 'six']);
    assert.deepEqual(python(top), oracle);
    const below = await pipList(engine, stepBelowTop);
    assert.ok(below.some((p) => p.name === 'setuptools'), 'setuptools is there before its uninstall');
    assert.deepEqual(python(await packagesAt(TOP - 1)), below);
  });

  test("layerlens packages' npm packages are the package.json files of docker export, each where it lies", async () => {
    const top = await packagesAt(TOP);
    const npm = top.packages.filter((p) => p.manager === 'npm').map((p) => `${p.location} ${p.name}@${p.version}`).sort();
    const oracle = await exportedManifests(engine, IMAGE);
    assert.ok(oracle.includes('/usr/local/lib/node_modules/is-number/package.json is-number@6.0.0'), 'the global package');
    assert.ok(oracle.includes('/app/node_modules/@isaacs/string-locale-compare/package.json @isaacs/string-locale-compare@1.1.0'), 'the scoped package');
    assert.deepEqual(npm, oracle);
  });

  test('the steps that installed and removed them, and what pip installed costs where it did', async () => {
    const top = await packagesAt(TOP);
    const changes = top.changes.filter((c) => c.manager !== 'dpkg').map((c) => `${c.layer} ${c.change} ${c.manager} ${c.name} ${c.from ?? '-'} ${c.to ?? '-'}`);
    for (const expected of [
      '2 installed python chardet - 5.1.0',
      '2 installed python six - 1.16.0',
      `4 installed python pip - ${wheelVersion('pip')}`,
      `4 installed python setuptools - ${wheelVersion('setuptools')}`,
      '5 installed npm is-odd - 3.0.1',
      `${TOP} removed python setuptools ${wheelVersion('setuptools')} -`,
      `${TOP} removed npm is-odd 3.0.1 -`,
      `${TOP} removed npm is-number 6.0.0 -`,
    ]) assert.ok(changes.includes(expected), `${expected} in ${JSON.stringify(changes)}`);
    const pip = top.packages.find((p) => p.name === 'pip')!;
    assert.equal(pip.layer, 4);
    // The bytes pip's RECORD lists in its layer, from the same layer's files in the image (checked against the export by other tests).
    const sizeInContainer = Number((await runIn(engine, IMAGE, ['python3', '-c', [
      'import importlib.metadata as m, os',
      'd = m.distribution("pip")',
      'print(sum(os.path.getsize(d.locate_file(f)) for f in d.files if os.path.isfile(d.locate_file(f)) and not os.path.islink(d.locate_file(f))))',
    ].join('\n')])).trim());
    assert.equal(pip.size, sizeInContainer);
  });
});

// Generates, without a daemon, a legacy `docker save` archive whose first layer holds a million tiny files
// (million/aNNN/bNN/fNN.txt, 100 a directory) and whose second layer edits, deletes and adds a few, so the
// analysis has modified, deleted and wasted files to find. Written streaming to a file: layer 1 is generated
// twice (once to learn its sha256 and size for the outer tar header, once into the file), never held in memory.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { TarWriter } from './tarWriter';

/** Bump when the generated content changes: the archive's file name carries it, so an old one is not reused. */
export const MILLION_RECIPE = 1;

export interface MillionArchive {
  path: string;
  bytes: number;
  /** Regular-file entries over all layers (the per-file denominator). */
  files: number;
  /** Tar entries over all layers (files, directories, whiteouts). */
  entries: number;
  layers: number;
  diffIds: string[];
  reused: boolean;
  generateSeconds?: number;
}

interface Sidecar extends Omit<MillionArchive, 'path' | 'reused' | 'generateSeconds'> {
  recipe: number;
}

export function millionArchivePath(directory: string, files: number): string {
  return `${directory}/million-r${MILLION_RECIPE}-${files}.tar`;
}

export function ensureMillionArchive(path: string, files: number, log: (line: string) => void): MillionArchive {
  const sidecarPath = `${path}.json`;
  if (existsSync(path) && existsSync(sidecarPath)) {
    try {
      const sidecar = JSON.parse(readFileSync(sidecarPath, 'utf8')) as Sidecar;
      if (sidecar.recipe === MILLION_RECIPE && statSync(path).size === sidecar.bytes) {
        const { recipe: _recipe, ...rest } = sidecar;
        return { path, ...rest, reused: true };
      }
    } catch {
      // regenerate
    }
  }
  mkdirSync(dirname(path), { recursive: true });
  const started = performance.now();
  log(`generating ${path} (${files.toLocaleString('en-US')} files; about ${Math.round((files * 1.05) / 1024)} MB)…`);

  // Pass 1: the first layer's diffID and size, without writing anything.
  const hash1 = createHash('sha256');
  const probe = new TarWriter((chunk) => hash1.update(chunk));
  const layerOneStats = writeLayerOne(probe, files);
  probe.end();
  const layerOne = { diffId: 'sha256:' + hash1.digest('hex'), bytes: probe.bytes };

  // The second layer is small: built in memory.
  const chunks: Buffer[] = [];
  const second = new TarWriter((chunk) => chunks.push(chunk));
  const layerTwoStats = writeLayerTwo(second);
  second.end();
  const layerTwoTar = Buffer.concat(chunks);
  const layerTwo = { diffId: 'sha256:' + createHash('sha256').update(layerTwoTar).digest('hex'), bytes: layerTwoTar.length };

  const diffIds = [layerOne.diffId, layerTwo.diffId];
  const hex = (digest: string) => digest.slice('sha256:'.length);
  const config = Buffer.from(
    JSON.stringify({
      architecture: hostArchitecture(),
      os: 'linux',
      created: '2024-01-01T00:00:00Z',
      config: { Env: ['PATH=/bin'], Cmd: ['/bin/sh'], Labels: { 'layerlens.bench': 'million' } },
      rootfs: { type: 'layers', diff_ids: diffIds },
      history: [
        { created: '2024-01-01T00:00:00Z', created_by: `/bin/sh -c generate ${files} files in /million` },
        { created: '2024-01-01T00:00:00Z', created_by: '/bin/sh -c edit 1000 files, delete /million/a000/b00, add /million/new' },
      ],
    }),
  );
  const configName = `${createHash('sha256').update(config).digest('hex')}.json`;
  const manifest = Buffer.from(
    JSON.stringify([{ Config: configName, RepoTags: ['layerlens-bench/million:latest'], Layers: diffIds.map((d) => `${hex(d)}/layer.tar`) }]),
  );

  // Pass 2: the archive itself, layer 1 generated again straight into it (and checked against pass 1).
  const partial = `${path}.partial`;
  const fd = openSync(partial, 'w');
  try {
    const outer = new TarWriter((chunk) => writeSync(fd, chunk));
    const layerDir = (diffId: string, bytes: number) => {
      outer.entry(`${hex(diffId)}/`, 'dir');
      outer.entry(`${hex(diffId)}/VERSION`, 'file', '1.0');
      outer.entry(`${hex(diffId)}/json`, 'file', JSON.stringify({ id: hex(diffId) }));
      outer.fileHeader(`${hex(diffId)}/layer.tar`, bytes);
    };
    layerDir(layerOne.diffId, layerOne.bytes);
    const hash2 = createHash('sha256');
    const inner = new TarWriter((chunk) => {
      hash2.update(chunk);
      outer.write(chunk);
    });
    writeLayerOne(inner, files);
    inner.end();
    if ('sha256:' + hash2.digest('hex') !== layerOne.diffId || inner.bytes !== layerOne.bytes) throw new Error('million archive: the two passes differ');
    outer.pad(layerOne.bytes);
    layerDir(layerTwo.diffId, layerTwo.bytes);
    outer.write(layerTwoTar);
    outer.pad(layerTwo.bytes);
    outer.entry(configName, 'file', config);
    outer.entry('manifest.json', 'file', manifest);
    outer.entry('repositories', 'file', JSON.stringify({ 'layerlens-bench/million': { latest: hex(layerTwo.diffId) } }));
    outer.end();
  } catch (error) {
    closeSync(fd);
    rmSync(partial, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(partial, path);
  const sidecar: Sidecar = {
    recipe: MILLION_RECIPE,
    bytes: statSync(path).size,
    files: layerOneStats.files + layerTwoStats.files,
    entries: layerOneStats.entries + layerTwoStats.entries,
    layers: 2,
    diffIds,
  };
  writeFileSync(sidecarPath, JSON.stringify(sidecar, null, 2) + '\n');
  const { recipe: _recipe, ...rest } = sidecar;
  return { path, ...rest, reused: false, generateSeconds: (performance.now() - started) / 1000 };
}

interface LayerStats {
  files: number;
  entries: number;
}

/** Deterministic printable filler for file contents. */
const POOL = Buffer.from(
  Array.from({ length: 64 }, (_, i) => createHash('sha256').update(String(i)).digest('hex')).join('\n'),
  'latin1',
);

function fileContent(i: number, salt: string): [Buffer, Buffer] {
  const head = Buffer.from(`${salt}${i}\n`, 'latin1');
  const length = (i * 7919) % 97; // 0-96 bytes of filler: every file is tiny, no two are alike
  const offset = (i * 104729) % (POOL.length - length);
  return [head, POOL.subarray(offset, offset + length)];
}

function writeFile(w: TarWriter, name: string, [head, tail]: [Buffer, Buffer]): void {
  const size = head.length + tail.length;
  w.fileHeader(name, size);
  w.write(head);
  w.write(tail);
  w.pad(size);
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

function writeLayerOne(w: TarWriter, files: number): LayerStats {
  let entries = 1;
  w.entry('million/', 'dir');
  for (let i = 0; i < files; i++) {
    const a = Math.floor(i / 10000);
    const b = Math.floor(i / 100) % 100;
    const dirA = `million/a${pad(a, 3)}/`;
    const dirB = `${dirA}b${pad(b, 2)}/`;
    if (i % 10000 === 0) {
      w.entry(dirA, 'dir');
      entries++;
    }
    if (i % 100 === 0) {
      w.entry(dirB, 'dir');
      entries++;
    }
    writeFile(w, `${dirB}f${pad(i % 100, 2)}.txt`, fileContent(i, 'file '));
    entries++;
  }
  return { files, entries };
}

/** Edits 1,000 files of million/a001 (if present), deletes million/a000/b00 (100 files), adds million/new (100 files). */
function writeLayerTwo(w: TarWriter): LayerStats {
  let files = 0;
  let entries = 0;
  const add = (type: 'file' | 'dir', name: string, content?: [Buffer, Buffer]) => {
    if (type === 'dir') w.entry(name, 'dir');
    else {
      writeFile(w, name, content!);
      files++;
    }
    entries++;
  };
  add('dir', 'million/');
  add('dir', 'million/a000/');
  w.entry('million/a000/.wh.b00', 'file');
  entries++;
  add('dir', 'million/a001/');
  for (let b = 0; b < 10; b++) {
    add('dir', `million/a001/b${pad(b, 2)}/`);
    for (let f = 0; f < 100; f++) add('file', `million/a001/b${pad(b, 2)}/f${pad(f, 2)}.txt`, fileContent(10000 + b * 100 + f, 'edited '));
  }
  add('dir', 'million/new/');
  for (let f = 0; f < 100; f++) add('file', `million/new/n${pad(f, 2)}.txt`, fileContent(f, 'new '));
  return { files, entries };
}

function hostArchitecture(): string {
  const arch: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return arch[process.arch] ?? process.arch;
}

// Mutants of image archives for the fuzz test (issue 15): deterministic (a seeded PRNG), built in memory from
// the same builders the unit tests use, in every layout and layer compression. Each mutant has a kind, so the
// test can print its counts by kind.
import { gzipSync } from 'node:zlib';
import { buildImageArchive, type Layout } from './imageBuilder';
import { buildTar, compress, sha256, type LayerCompression, type TarMember } from './tarBuilder';

export interface Mutant {
  kind: string;
  archive: Buffer;
}

/** mulberry32: a small PRNG, so every run tries the same mutants. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LAYERS: TarMember[][] = [
  [{ name: 'bin/', type: 'dir' }, { name: 'bin/sh', content: 'shell', mode: 0o755 }, { name: 'etc/', type: 'dir' }, { name: 'etc/conf', content: 'one' }, { name: 'etc/passwd', content: 'root:x:0:0::/root:/bin/sh\n' }],
  [{ name: 'etc/', type: 'dir' }, { name: 'etc/conf', content: 'two' }, { name: 'etc/.wh.passwd' }, { name: 'usr/lib/libx.so', content: 'x'.repeat(3000) }, { name: 'bin/ln', type: 'symlink', linkname: '/bin/sh' }],
  [{ name: 'app/', type: 'dir' }, { name: 'app/main', content: 'main' }, { name: 'app/.wh..wh..opq' }, { name: 'app/' + 'long/'.repeat(30) + 'name', content: 'deep' }],
];

export const SEEDS: { layout: Layout; compression: LayerCompression }[] = [
  { layout: 'legacy', compression: 'none' },
  { layout: 'oci', compression: 'gzip' },
  { layout: 'oci', compression: 'zstd' },
  { layout: 'podman', compression: 'none' },
  { layout: 'oci-index-only', compression: 'none' },
];

/** The members of an archive built by buildTar (regular files only), in order. */
function membersOf(archive: Buffer): { name: string; content: Buffer; header: number }[] {
  const members: { name: string; content: Buffer; header: number }[] = [];
  let at = 0;
  while (at + 512 <= archive.length) {
    const block = archive.subarray(at, at + 512);
    if (block.every((b) => b === 0)) break;
    const name = block.toString('latin1', 0, 100).replace(/\0.*$/s, '');
    const size = parseInt(block.toString('latin1', 124, 136).replace(/\0.*$/s, ''), 8) || 0;
    members.push({ name, content: archive.subarray(at + 512, at + 512 + size), header: at });
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return members;
}

function rearchive(members: { name: string; content: Buffer }[]): Buffer {
  return buildTar(members.map((m) => ({ name: m.name, content: m.content })));
}

function flipBits(data: Buffer, from: number, to: number, random: () => number): Buffer {
  const copy = Buffer.from(data);
  const flips = 1 + Math.floor(random() * 3);
  for (let i = 0; i < flips && to > from; i++) {
    const at = from + Math.floor(random() * (to - from));
    copy[at] ^= 1 << Math.floor(random() * 8);
  }
  return copy;
}

/** Rewrites a tar header block's checksum after an edit (so the edit, not the checksum, is what is tried). */
function fixChecksum(data: Buffer, header: number): void {
  data.fill(0x20, header + 148, header + 156);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += data[header + i];
  data.write(sum.toString(8).padStart(6, '0') + '\0 ', header + 148, 'latin1');
}

const HUGE_SIZES = [Buffer.from('77777777777\0'), Buffer.from([0x80, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('00000001000\0'), Buffer.from('7777777777777')];

function hugeSize(data: Buffer, header: number, random: () => number): Buffer {
  const copy = Buffer.from(data);
  HUGE_SIZES[Math.floor(random() * HUGE_SIZES.length)].copy(copy, header + 124, 0, 12);
  fixChecksum(copy, header);
  return copy;
}

/** A legacy archive around raw layer tars, with diffIDs that match them: mutated layers are then really read. */
export function legacyArchive(tars: Buffer[], compression: LayerCompression = 'none', configChange?: (config: Record<string, unknown>) => void): Buffer {
  const diffIds = tars.map(sha256);
  const config: Record<string, unknown> = {
    architecture: 'amd64',
    os: 'linux',
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: tars.map((_, i) => ({ created_by: `/bin/sh -c step ${i}` })),
  };
  configChange?.(config);
  const configBytes = Buffer.from(JSON.stringify(config));
  const configName = sha256(configBytes).slice(7) + '.json';
  const layerNames = tars.map((_, i) => `${String(i).padStart(64, '0')}/layer.tar`);
  const manifest = [{ Config: configName, RepoTags: ['fuzz/image:1'], Layers: layerNames }];
  return buildTar([
    ...tars.map((t, i) => ({ name: layerNames[i], content: compress(t, compression) })),
    { name: configName, content: configBytes },
    { name: 'manifest.json', content: JSON.stringify(manifest) },
  ]);
}

function plainLayers(): Buffer[] {
  return LAYERS.map(buildTar);
}

const WRONG_SHAPES: [string, (v: Record<string, unknown>) => void][] = [
  ['Layers: [1, 2]', (m) => (m.Layers = [1, 2])],
  ['Layers: "x"', (m) => (m.Layers = 'x')],
  ['Config: {}', (m) => (m.Config = {})],
  ['RepoTags: 5', (m) => (m.RepoTags = 5)],
  ['RepoTags: [null]', (m) => (m.RepoTags = [null])],
];

const WRONG_CONFIGS: [string, (c: Record<string, unknown>) => void][] = [
  ['history: [null]', (c) => (c.history = [null])],
  ['history: "x"', (c) => (c.history = 'x')],
  ['history created_by: 5', (c) => (c.history = [{ created_by: 5 }, {}, {}])],
  ['history empty_layer: "yes"', (c) => (c.history = [{ empty_layer: 'yes' }])],
  ['rootfs: "x"', (c) => (c.rootfs = 'x')],
  ['diff_ids: [{}]', (c) => ((c.rootfs as Record<string, unknown>).diff_ids = [{}, {}, {}])],
  ['diff_ids: 3', (c) => ((c.rootfs as Record<string, unknown>).diff_ids = 3)],
  ['architecture: []', (c) => (c.architecture = [])],
  ['config: 7', (c) => (c.config = 7)],
  ['created: {}', (c) => (c.created = {})],
];

/** Mutants of every kind, `perKind` random ones per seed for the random kinds, and the fixed ones once. */
export function* mutants(seed: number, perKind: number): Generator<Mutant> {
  const random = prng(seed);
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)];
  for (const s of SEEDS) {
    const built = buildImageArchive({ layers: LAYERS, compression: s.compression, tags: ['fuzz/seed:1'] }, s.layout);
    const archive = built.archive;
    const members = membersOf(archive);
    const json = members.filter((m) => m.content.length > 0 && (m.content[0] === 0x7b || m.content[0] === 0x5b));
    const layers = members.filter((m) => !json.includes(m) && !/(^|\/)(VERSION|oci-layout|repositories)$/.test(m.name));
    const at = (kind: string) => `${kind} (${s.layout}, ${s.compression})`;
    yield { kind: at('seed'), archive };
    for (let i = 0; i < perKind; i++) {
      const m = pick(members);
      yield { kind: at('outer header bit flip'), archive: flipBits(archive, m.header, m.header + 512, random) };
      const j = pick(json);
      yield { kind: at('JSON bit flip'), archive: rearchive(members.map((x) => (x === j ? { name: x.name, content: flipBits(x.content, 0, x.content.length, random) } : x))) };
      yield { kind: at('truncation'), archive: archive.subarray(0, Math.floor(random() * archive.length)) };
      yield { kind: at('huge size field'), archive: hugeSize(archive, pick(members).header, random) };
      const corrupt = Buffer.from(archive);
      corrupt[pick(members).header + 148 + Math.floor(random() * 6)] ^= 0x01;
      yield { kind: at('checksum corruption'), archive: corrupt };
      const dup = pick(members);
      const other = pick(members);
      yield { kind: at('duplicated member'), archive: rearchive([...members, { name: dup.name, content: other.content }]) };
      const gone = pick(layers);
      yield { kind: at('missing layer'), archive: rearchive(members.filter((x) => x !== gone)) };
      // a layer member holding another member's bytes: a JSON member, another layer, or random bytes
      const foreign = pick(layers);
      const content = pick([pick(json).content, pick(layers).content, Buffer.from(Array.from({ length: 2048 }, () => Math.floor(random() * 256)))]);
      yield { kind: at('foreign layer'), archive: rearchive(members.map((x) => (x === foreign ? { name: x.name, content } : x))) };
    }
  }

  // Layers mutated inside, with diffIDs that match, so that the reader indexes them for real.
  for (const compression of ['none', 'gzip', 'zstd'] as LayerCompression[]) {
    for (let i = 0; i < perKind; i++) {
      const tars = plainLayers();
      const which = Math.floor(random() * tars.length);
      const layerMembers = membersOf(tars[which]);
      const header = pick(layerMembers).header;
      const variants: [string, Buffer][] = [
        ['layer header bit flip', flipBits(tars[which], header, header + 512, random)],
        ['layer huge size field', hugeSize(tars[which], header, random)],
        ['layer checksum corruption', (() => { const c = Buffer.from(tars[which]); c[header + 150] ^= 0x02; return c; })()],
        ['layer truncation', tars[which].subarray(0, Math.floor(random() * tars[which].length))],
        ['layer bit flip anywhere', flipBits(tars[which], 0, tars[which].length, random)],
      ];
      for (const [kind, tar] of variants) {
        const mutated = tars.map((t, k) => (k === which ? tar : t));
        yield { kind: `${kind} (legacy, ${compression})`, archive: legacyArchive(mutated, compression) };
      }
      const count = tars.length + pick([-2, -1, 1, 2]);
      yield {
        kind: 'diffID count mismatch',
        archive: legacyArchive(tars, compression, (c) => ((c.rootfs as { diff_ids: string[] }).diff_ids = Array.from({ length: Math.max(0, count) }, (_, k) => sha256(tars[k % tars.length])))),
      };
    }
  }

  // Wrong shapes of every JSON member.
  for (const [what, change] of WRONG_CONFIGS) yield { kind: `wrong config shape: ${what}`, archive: legacyArchive(plainLayers(), 'none', change) };
  for (const [what, change] of WRONG_SHAPES) {
    const archive = legacyArchive(plainLayers());
    const members = membersOf(archive).map((m) => {
      if (m.name !== 'manifest.json') return m;
      const manifest = JSON.parse(m.content.toString()) as Record<string, unknown>[];
      change(manifest[0]);
      return { name: m.name, content: Buffer.from(JSON.stringify(manifest)) };
    });
    yield { kind: `wrong manifest.json shape: ${what}`, archive: rearchive(members) };
  }
  for (const content of ['null', '{}', '[]', '[null]', '"x"', '[{"Config":"a.json","Layers":null}]']) {
    yield { kind: `wrong manifest.json shape: ${content}`, archive: rearchive([...membersOf(legacyArchive(plainLayers())).filter((m) => m.name !== 'manifest.json'), { name: 'manifest.json', content: Buffer.from(content) }]) };
  }
  const oci = membersOf(buildImageArchive({ layers: LAYERS }, 'oci-index-only').archive);
  for (const [what, value] of [['manifests: {}', {}], ['digest: {}', [{ digest: {} }]], ['digest: 5', [{ digest: 5, mediaType: 'x' }]], ['platform: "x"', [{ digest: 'sha256:' + 'a'.repeat(64), platform: 'x' }]], ['annotations: [1]', [{ digest: 'sha256:' + 'a'.repeat(64), annotations: [1] }]]] as [string, unknown][]) {
    yield { kind: `wrong index.json shape: ${what}`, archive: rearchive(oci.map((m) => (m.name === 'index.json' ? { name: m.name, content: Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: value })) } : m))) };
  }

  // Deeply nested JSON, in the config and in manifest.json.
  const deep = '['.repeat(100_000) + ']'.repeat(100_000);
  yield { kind: 'deeply nested JSON', archive: rearchive(membersOf(legacyArchive(plainLayers())).map((m) => (m.name.endsWith('.json') && m.name !== 'manifest.json' ? { name: m.name, content: Buffer.from(m.content.toString().replace(/}$/, `,"deep":${deep}}`)) } : m))) };
  yield { kind: 'deeply nested JSON', archive: rearchive(membersOf(legacyArchive(plainLayers())).map((m) => (m.name === 'manifest.json' ? { name: m.name, content: Buffer.from(deep) } : m))) };
}

/** The heavy mutants, one of each, run through the CLI so that their RSS is measured. */
export function* heavyMutants(): Generator<Mutant> {
  // A gzip bomb: multi-member gzip of zeros behind a tar header that announces a 1.2 GiB file.
  const zeros = Buffer.alloc(64 * 1024 * 1024);
  const header = buildTar([{ name: 'big', content: Buffer.alloc(0) }]).subarray(0, 512);
  Buffer.from(String((1.2 * 1024 ** 3).toString(8)).padStart(11, '0') + '\0').copy(header, 124);
  fixChecksum(header, 0);
  const member = gzipSync(zeros, { level: 9 });
  const bomb = Buffer.concat([gzipSync(Buffer.concat([header, zeros.subarray(512)]), { level: 9 }), ...Array.from({ length: 19 }, () => member)]);
  const bombArchive = buildTar([
    { name: '0'.repeat(64) + '/layer.tar', content: bomb },
    { name: 'c.json', content: JSON.stringify({ rootfs: { type: 'layers', diff_ids: ['sha256:' + '1'.repeat(64)] } }) },
    { name: 'manifest.json', content: JSON.stringify([{ Config: 'c.json', Layers: ['0'.repeat(64) + '/layer.tar'] }]) },
  ]);
  yield { kind: 'gzip bomb', archive: bombArchive };
  // The same zeros as a whole-archive gzip (`docker save | gzip`): its first member announces a 1.2 GiB file.
  yield { kind: 'gzip bomb, whole archive', archive: Buffer.concat([gzipSync(Buffer.concat([header, zeros.subarray(512)]), { level: 9 }), ...Array.from({ length: 19 }, () => member)]) };

  // A zstd frame that declares 2^62 bytes (single segment: the window is the whole content).
  const frame = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0xe0]), Buffer.from([0, 0, 0, 0, 0, 0, 0, 0x40]), Buffer.from([0x01, 0, 0, 0])]);
  yield { kind: 'zstd frame declaring 2^62 bytes', archive: legacyRaw(frame) };

  yield { kind: '100,000-character PAX path', archive: legacyArchive([buildTar([{ name: 'a/'.repeat(50_000), type: 'dir' }, { name: 'a/'.repeat(49_999) + 'f', content: 'x' }, { name: 'b', content: 'b' }])]) };
  yield { kind: 'path 5,000 levels deep', archive: legacyArchive([buildTar([{ name: 'd/'.repeat(5_000) + 'f', content: 'deep' }, { name: 'e', content: 'e' }])]) };
  // as deep as a path within Linux's PATH_MAX can be: 2,047 levels
  yield { kind: 'path 2,047 levels deep (4,095 characters)', archive: legacyArchive([buildTar([{ name: 'd/'.repeat(2_047) + 'f', content: 'deep' }]), buildTar([{ name: 'd/'.repeat(2_047) + 'f', content: 'deeper' }, { name: 'd/'.repeat(2_000) + '.wh.d' }])]) };
  yield {
    kind: '200,000 zero-size entries',
    archive: legacyArchive([buildTar(Array.from({ length: 200_000 }, (_, i) => ({ name: `many/${i.toString(36)}` })))], 'gzip'),
  };
  yield { kind: 'the same path 10,000 times', archive: legacyArchive([buildTar(Array.from({ length: 10_000 }, (_, i) => ({ name: 'etc/same', content: String(i) })))]) };
}

/** A legacy archive whose one layer member holds these raw bytes (its diffID cannot match: it is refused or fails). */
function legacyRaw(layer: Buffer): Buffer {
  return buildTar([
    { name: '0'.repeat(64) + '/layer.tar', content: layer },
    { name: 'c.json', content: JSON.stringify({ rootfs: { type: 'layers', diff_ids: ['sha256:' + '1'.repeat(64)] } }) },
    { name: 'manifest.json', content: JSON.stringify([{ Config: 'c.json', Layers: ['0'.repeat(64) + '/layer.tar'] }]) },
  ]);
}

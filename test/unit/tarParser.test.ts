// The layer indexer's TarParser must read every tar as tar-stream (behind the end-of-archive gate) reads it:
// the same members, fields and data, and the same errors, on well-formed and hostile tars, whatever the chunking.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, test } from 'node:test';
import * as tar from 'tar-stream';
import { TarEndGate } from '../../src/core/archive/tarEndGate';
import { TarParser } from '../../src/core/archive/tarParser';
import { keepRawPaxNames } from '../../src/core/archive/tarNames';
import { buildTar } from '../support/tarBuilder';

keepRawPaxNames();

interface Seen {
  members: string[];
  error?: string;
}

const CHUNKS = [1, 7, 511, 512, 513, 4096, 1 << 20];

function chunks(data: Buffer, size: number): Buffer[] {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) parts.push(data.subarray(i, i + size));
  return parts;
}

function describeMember(h: tar.Header, data: Buffer | undefined): string {
  const digest = data ? createHash('sha256').update(data).digest('hex').slice(0, 12) : '-';
  return JSON.stringify([h.name, h.type, h.size, h.linkname ?? null, h.mode, h.uid, h.gid, h.devmajor, h.devminor, digest]);
}

/** What the indexer read before: tar-stream's extract behind TarEndGate, a directory's stream never awaited. */
async function readWithTarStream(data: Buffer, chunk: number): Promise<Seen> {
  const seen: Seen = { members: [] };
  const extract = tar.extract({ filenameEncoding: 'latin1' } as Parameters<typeof tar.extract>[0]);
  extract.on('entry', (header, stream, next) => {
    stream.on('error', () => undefined);
    const parts: Buffer[] = [];
    const wanted = header.type !== 'directory';
    if (!wanted) {
      seen.members.push(describeMember(header, undefined));
      return next();
    }
    stream.on('data', (c) => parts.push(Buffer.from(c as Buffer)));
    stream.on('end', () => {
      seen.members.push(describeMember(header, Buffer.concat(parts)));
      next();
    });
  });
  try {
    await pipeline(Readable.from(chunks(data, chunk)), new TarEndGate(), extract);
  } catch (error) {
    seen.error = (error as Error).message;
  }
  return seen;
}

async function readWithTarParser(data: Buffer, chunk: number): Promise<Seen> {
  const seen: Seen = { members: [] };
  let current: { header: tar.Header; parts: Buffer[] } | undefined;
  const parser = new TarParser({
    entry(header) {
      if (header.type === 'directory') {
        seen.members.push(describeMember(header, undefined));
        return false;
      }
      current = { header, parts: [] };
      return true;
    },
    data(c) {
      current!.parts.push(Buffer.from(c));
    },
    end() {
      seen.members.push(describeMember(current!.header, Buffer.concat(current!.parts)));
      current = undefined;
    },
  });
  try {
    await pipeline(Readable.from(chunks(data, chunk)), parser);
  } catch (error) {
    seen.error = (error as Error).message;
  }
  return seen;
}

/** A ustar header block with a valid checksum; `size` may be a raw 12-byte field. */
function header(name: string, typeflag: string, size: number | Buffer, extra: { magic?: string; linkname?: string } = {}): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 'latin1');
  h.write('0000644\0', 100, 'latin1');
  h.write('0000000\0', 108, 'latin1');
  h.write('0000000\0', 116, 'latin1');
  if (typeof size === 'number') h.write(size.toString(8).padStart(11, '0') + '\0', 124, 'latin1');
  else size.copy(h, 124);
  h.write('14524446000\0', 136, 'latin1');
  h.write(typeflag, 156, 'latin1');
  if (extra.linkname) h.write(extra.linkname, 157, 'latin1');
  h.write(extra.magic ?? 'ustar\x0000', 257, 'latin1');
  return withChecksum(h);
}

function withChecksum(h: Buffer): Buffer {
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return h;
}

function padded(data: Buffer | string): Buffer {
  const b = typeof data === 'string' ? Buffer.from(data) : data;
  return Buffer.concat([b, Buffer.alloc((512 - (b.length % 512)) % 512)]);
}

function paxRecord(key: string, value: string): string {
  const tail = ` ${key}=${value}\n`;
  let length = tail.length + 1;
  while (String(length).length + tail.length !== length) length = String(length).length + tail.length;
  return length + tail;
}

function pax(typeflag: 'x' | 'g', records: string): Buffer {
  return Buffer.concat([header('PaxHeader', typeflag, Buffer.byteLength(records)), padded(records)]);
}

const END = Buffer.alloc(1024);
const regular = buildTar([
  { name: 'etc/', type: 'dir' },
  { name: 'etc/passwd', content: 'root:x:0:0\n' },
  { name: 'bin/sh', content: Buffer.alloc(70_000, 7), mode: 0o4755, uid: 1000, gid: 1000 },
  { name: 'bin/ash', type: 'hardlink', linkname: 'bin/sh' },
  { name: 'bin/bash', type: 'symlink', linkname: '/bin/sh' },
  { name: 'dev/null', type: 'char', devmajor: 1, devminor: 3 },
  { name: 'dev/sda', type: 'block', devmajor: 8, devminor: 0 },
  { name: 'run/fifo', type: 'fifo' },
  { name: 'empty' },
  { name: 'exact', content: Buffer.alloc(512, 1) },
]);

const cases: Record<string, Buffer> = {
  'every member type, a file of 70,000 bytes, one of exactly 512': regular,
  'PAX and GNU long names and link targets': buildTar([
    { name: 'p/' + 'a'.repeat(300), content: 'pax' },
    { name: 'g/' + 'b'.repeat(300), content: 'gnu', longName: 'gnu' },
    { name: 'l1', type: 'symlink', linkname: '/t/' + 'c'.repeat(200) },
    { name: 'l2', type: 'hardlink', linkname: 'd'.repeat(200), longName: 'gnu' },
    { name: Buffer.from([0x63, 0xe9, 0x2f, 0x66]), content: 'raw latin1 byte' },
  ]),
  'a PAX size record overrides the header size': Buffer.concat([pax('x', paxRecord('size', '1500')), header('big', '0', 0), padded(Buffer.alloc(1500, 9)), header('after', '0', 1), padded('z'), END]),
  'a global PAX header applies only to members with a PAX header of their own': Buffer.concat([
    pax('g', paxRecord('path', 'global-name')),
    header('plain', '0', 2),
    padded('ab'),
    pax('x', paxRecord('mtime', '1')),
    header('own-pax', '0', 3),
    padded('abc'),
    END,
  ]),
  'members after the end-of-archive marker are ignored': Buffer.concat([regular, buildTar([{ name: 'stargz.index.json', content: '{}' }])]),
  'a single zero block between members is skipped': Buffer.concat([header('a', '0', 1), padded('a'), Buffer.alloc(512), header('b', '0', 1), padded('b'), END]),
  'a directory whose header gives a size reads no data': Buffer.concat([header('d/', '5', 512), header('d/f', '0', 5), padded('hello'), END]),
  'an old-style directory (type 0, name ending in /)': Buffer.concat([header('olddir/', '0', 0), header('olddir/f', '0', 1), padded('f'), END]),
  'a base-256 size': Buffer.concat([header('b256', '0', Buffer.from([0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x00])), padded(Buffer.alloc(512, 3)), END]),
  'a symlink with data (skipped)': Buffer.concat([header('s', '2', 3, { linkname: 'target' }), padded('xyz'), header('n', '0', 1), padded('n'), END]),
  'an unknown type flag': Buffer.concat([header('vol', 'V', 4), padded('data'), END]),
  'no end-of-archive marker': Buffer.concat([header('a', '0', 1), padded('a')]),
  'empty input': Buffer.alloc(0),
  'only the end-of-archive marker': END,
  'a bad checksum': (() => {
    const t = Buffer.from(regular);
    t[600] ^= 0xff;
    return t;
  })(),
  'an unknown header format': Buffer.concat([header('x', '0', 0, { magic: 'nope!\0\0\0' }), END]),
  'random bytes': Buffer.concat(Array.from({ length: 16 }, (_, i) => createHash('sha512').update(String(i)).digest())),
  'cut in the middle of a header': regular.subarray(0, 700),
  'cut in the middle of a file': regular.subarray(0, 3000),
  'cut in the padding after a file': Buffer.concat([header('a', '0', 1), Buffer.from('a')]),
  'cut in PAX data': pax('x', paxRecord('path', 'p'.repeat(2000))).subarray(0, 1000),
  'a long header over 4 MiB': Buffer.concat([header('PaxHeader', 'x', 5 * 1024 * 1024), Buffer.alloc(2048)]),
  'a PAX size that is no number': Buffer.concat([pax('x', paxRecord('size', 'abc')), header('f', '0', 0), END]),
  'a negative base-256 size': Buffer.concat([header('neg', '0', Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe])), END]),
};

describe('TarParser reads tars as tar-stream does', () => {
  for (const [name, data] of Object.entries(cases)) {
    test(name, async () => {
      for (const chunk of CHUNKS) {
        const expected = await readWithTarStream(data, chunk);
        const actual = await readWithTarParser(data, chunk);
        assert.deepEqual(actual, expected, `chunks of ${chunk}`);
      }
    });
  }

  test('the cases exercise both members and errors', async () => {
    const seen = await Promise.all(Object.values(cases).map((data) => readWithTarParser(data, 512)));
    assert.ok(seen.filter((s) => s.error).length >= 8);
    assert.equal((await readWithTarParser(regular, 512)).members.length, 10);
  });
});

describe('TarParser where tar-stream would stall or guess', () => {
  test('a base-256 size with an invalid lead byte reads no data instead of stalling', async () => {
    const data = Buffer.concat([header('odd', '0', Buffer.from([0x81, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])), header('next', '0', 1), padded('n'), END]);
    const seen = await readWithTarParser(data, 100);
    assert.equal(seen.error, undefined);
    assert.deepEqual(seen.members.map((m) => JSON.parse(m)[0]), ['odd', 'next']);
  });

  test('an empty PAX header applies nothing and keeps the walk in step', async () => {
    const data = Buffer.concat([header('PaxHeader', 'x', 0), header('f', '0', 2), padded('ok'), END]);
    const seen = await readWithTarParser(data, 3);
    assert.equal(seen.error, undefined);
    assert.deepEqual(seen.members.map((m) => JSON.parse(m)[0]), ['f']);
  });

  test('reachedEnd says whether the end-of-archive marker passed', async () => {
    const parser = new TarParser({ entry: () => false, data: () => undefined, end: () => undefined });
    await pipeline(Readable.from([Buffer.concat([regular, Buffer.from('trailing garbage')])]), parser);
    assert.equal(parser.reachedEnd, true);
    const open = new TarParser({ entry: () => false, data: () => undefined, end: () => undefined });
    await pipeline(Readable.from([Buffer.concat([header('a', '0', 1), padded('a')])]), open);
    assert.equal(open.reachedEnd, false);
  });
});

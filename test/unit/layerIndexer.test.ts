import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { encodeTarName } from '../../src/core/model/paths';
import { buildTar, zstdStored, type TarMember } from '../support/tarBuilder';
import type { LayerEntry } from '../../src/core/model/types';
import { assertOneSentence, contentHash, indexBlob, rejectsWith, sha256Hex } from './helpers';

const byPath = (entries: LayerEntry[]) => new Map(entries.map((e) => [e.path, e]));

describe('indexLayerStream: entries', () => {
  test('every entry type with its attributes', async () => {
    const tar = buildTar([
      { name: 'bin/', type: 'dir', mode: 0o755 },
      { name: 'bin/busybox', content: 'BUSYBOX', mode: 0o755, uid: 1000, gid: 1001 },
      { name: 'bin/sh', type: 'symlink', linkname: 'busybox' },
      { name: 'bin/ls', type: 'hardlink', linkname: 'bin/busybox' },
      { name: 'run/pipe', type: 'fifo', mode: 0o600 },
      { name: 'dev/null', type: 'char', mode: 0o666, devmajor: 1, devminor: 3 },
      { name: 'dev/sda', type: 'block', mode: 0o660, gid: 6, devmajor: 8, devminor: 0 },
    ]);
    const index = await indexBlob(tar);
    assert.deepEqual(index.entries, [
      { path: '/bin', type: 'dir', size: 0, mode: 0o755, uid: 0, gid: 0 },
      { path: '/bin/busybox', type: 'file', size: 7, mode: 0o755, uid: 1000, gid: 1001, hash: contentHash('BUSYBOX') },
      { path: '/bin/sh', type: 'symlink', size: 0, mode: 0o644, uid: 0, gid: 0, linkTarget: 'busybox' },
      // A hardlink target is a member name; it is shown as an absolute path, and the link ships no bytes.
      { path: '/bin/ls', type: 'hardlink', size: 0, mode: 0o644, uid: 0, gid: 0, linkTarget: '/bin/busybox' },
      { path: '/run/pipe', type: 'fifo', size: 0, mode: 0o600, uid: 0, gid: 0 },
      { path: '/dev/null', type: 'char', size: 0, mode: 0o666, uid: 0, gid: 0, devMajor: 1, devMinor: 3 },
      { path: '/dev/sda', type: 'block', size: 0, mode: 0o660, uid: 0, gid: 6, devMajor: 8, devMinor: 0 },
    ]);
    assert.deepEqual(index.whiteouts, []);
    assert.deepEqual(index.opaqueDirs, []);
    assert.deepEqual(index.warnings, []);
  });

  test('setuid, setgid and sticky bits are kept; file-type bits in the mode field are masked', async () => {
    const tar = buildTar([
      { name: 'usr/bin/passwd', content: 'x', mode: 0o4755 },
      { name: 'srv/shared/', type: 'dir', mode: 0o2775 },
      { name: 'tmp/', type: 'dir', mode: 0o1777 },
      // Old daemons wrote st_mode whole: S_IFREG|0644 and S_IFDIR|0755.
      { name: 'etc/old', content: 'x', mode: 0o100644 },
      { name: 'var/old/', type: 'dir', mode: 0o40755 },
      { name: 'opt/all', content: 'x', mode: 0o107777 },
    ]);
    const entries = byPath((await indexBlob(tar)).entries);
    assert.equal(entries.get('/usr/bin/passwd')!.mode, 0o4755);
    assert.equal(entries.get('/srv/shared')!.mode, 0o2775);
    assert.equal(entries.get('/tmp')!.mode, 0o1777);
    assert.equal(entries.get('/etc/old')!.mode, 0o644);
    assert.equal(entries.get('/var/old')!.mode, 0o755);
    assert.equal(entries.get('/var/old')!.type, 'dir');
    assert.equal(entries.get('/opt/all')!.mode, 0o7777);
  });

  test('content hash: equal for equal bytes, different otherwise, including across chunk boundaries', async () => {
    const big = randomBytes(300_000);
    const bigTwin = Buffer.from(big);
    const bigOther = Buffer.from(big);
    bigOther[299_999] ^= 1;
    const tar = buildTar([
      { name: 'a', content: 'same' },
      { name: 'b', content: 'same' },
      { name: 'c', content: 'Same' },
      { name: 'empty1', content: '' },
      { name: 'empty2', content: '' },
      { name: 'big1', content: big },
      { name: 'big2', content: bigTwin },
      { name: 'big3', content: bigOther },
    ]);
    const e = byPath((await indexBlob(tar, 'test', 1000)).entries);
    assert.equal(e.get('/a')!.hash, e.get('/b')!.hash);
    assert.notEqual(e.get('/a')!.hash, e.get('/c')!.hash);
    assert.equal(e.get('/a')!.hash, contentHash('same'));
    assert.equal(e.get('/empty1')!.hash, contentHash(''));
    assert.equal(e.get('/empty1')!.hash, e.get('/empty2')!.hash);
    assert.equal(e.get('/big1')!.hash, contentHash(big));
    assert.equal(e.get('/big1')!.hash, e.get('/big2')!.hash);
    assert.notEqual(e.get('/big1')!.hash, e.get('/big3')!.hash);
    assert.equal(e.get('/big1')!.size, 300_000);
  });
});

describe('indexLayerStream: names', () => {
  const deep = 'long/' + 'a'.repeat(60) + '/' + 'b'.repeat(60) + '/' + 'c'.repeat(60) + '/file-at-depth.txt';
  const longTarget = '/' + deep;

  for (const longName of ['pax', 'gnu'] as const) {
    test(`${longName.toUpperCase()} long names for paths, symlink and hardlink targets`, async () => {
      const longFile = 'long/' + 'n'.repeat(200) + '.txt';
      const tar = buildTar([
        { name: deep, content: 'deep', longName },
        { name: longFile, content: 'long', longName },
        { name: 'long/symlink-to-long-target', type: 'symlink', linkname: longTarget, longName },
        { name: 'long/' + 'a'.repeat(60) + '/hardlink-to-long-target', type: 'hardlink', linkname: deep, longName },
        { name: 'short', content: 'after the long ones' },
      ]);
      assert.ok(deep.length > 100 && longTarget.length > 100);
      const e = byPath((await indexBlob(tar)).entries);
      assert.equal(e.get('/' + deep)?.size, 4);
      assert.equal(e.get('/' + longFile)?.hash, contentHash('long'));
      assert.equal(e.get('/long/symlink-to-long-target')?.linkTarget, longTarget);
      assert.equal(e.get('/long/' + 'a'.repeat(60) + '/hardlink-to-long-target')?.linkTarget, '/' + deep);
      assert.equal(e.get('/short')?.size, 19);
      assert.equal(e.size, 5);
    });
  }

  test('unicode, spaces, quotes, markup and control characters survive as written', async () => {
    const names = [
      'with space.txt',
      'it\'s "quoted".txt',
      'back\\slash.txt',
      'new\nline.txt',
      'tab\there.txt',
      'ünïcødé-文件.txt',
      'emoji-🐳.txt',
      '<img src=x onerror=alert(1)>.txt',
      '<script>alert(1)</script>',
      '-leading-dash',
      '%20percent%2F',
      'ü'.repeat(60) + '-long-unicode-in-pax.txt', // > 100 bytes in UTF-8, so it goes through a PAX record
    ];
    const index = await indexBlob(buildTar(names.map((name) => ({ name: 'names/' + name, content: name }))));
    const paths = index.entries.map((e) => e.path);
    // "<script>alert(1)</script>" holds a slash: it is the file "script>" in the directory "<script>alert(1)<".
    assert.deepEqual(paths, names.map((n) => '/names/' + n));
    for (const e of index.entries) assert.equal(e.hash, contentHash(e.path.slice('/names/'.length)));
  });

  test('a raw non-UTF-8 byte (0xE9) in a ustar name and in a PAX path stays distinct from U+FFFD', async () => {
    const short = Buffer.concat([Buffer.from('latin1-'), Buffer.from([0xe9]), Buffer.from('.txt')]);
    const longPrefix = 'p'.repeat(120) + '/latin1-';
    const long = Buffer.concat([Buffer.from(longPrefix), Buffer.from([0xe9]), Buffer.from('.txt')]);
    const tar = buildTar([
      { name: short, content: 'raw' },
      { name: 'latin1-\ufffd.txt', content: 'replacement' },
      { name: long, content: 'raw long', longName: 'pax' },
      { name: longPrefix + '\ufffd.txt', content: 'replacement long', longName: 'pax' },
    ]);
    const index = await indexBlob(tar);
    const paths = index.entries.map((e) => e.path);
    assert.equal(new Set(paths).size, 4, `names collapsed: ${JSON.stringify(paths)}`);
    assert.deepEqual(paths, ['/latin1-\udce9.txt', '/latin1-\ufffd.txt', '/' + longPrefix + '\udce9.txt', '/' + longPrefix + '\ufffd.txt']);
    // Surrogate escapes: the original name can be recovered byte for byte.
    assert.deepEqual(encodeTarName(paths[0].slice(1)), short);
    assert.deepEqual(encodeTarName(paths[2].slice(1)), long);
  });
});

describe('indexLayerStream: whiteouts and hostile names', () => {
  test('.wh.<name> becomes a whiteout of <name>', async () => {
    const index = await indexBlob(buildTar([{ name: 'etc/', type: 'dir' }, { name: 'etc/.wh.hosts' }, { name: '.wh.tmp' }, { name: 'a/b/.wh..hidden' }]));
    assert.deepEqual(index.whiteouts, ['/etc/hosts', '/tmp', '/a/b/.hidden']);
    assert.deepEqual(index.entries.map((e) => e.path), ['/etc']);
  });

  test('.wh..wh..opq makes its directory opaque wherever it sits in the tar', async () => {
    const markerLast = await indexBlob(buildTar([{ name: 'var/cache/', type: 'dir' }, { name: 'var/cache/new', content: 'n' }, { name: 'var/cache/.wh..wh..opq' }]));
    const markerFirst = await indexBlob(buildTar([{ name: 'var/cache/.wh..wh..opq' }, { name: 'var/cache/', type: 'dir' }, { name: 'var/cache/new', content: 'n' }]));
    for (const index of [markerLast, markerFirst]) {
      assert.deepEqual(index.opaqueDirs, ['/var/cache']);
      assert.deepEqual(index.whiteouts, []);
      assert.deepEqual(index.entries.map((e) => e.path), ['/var/cache', '/var/cache/new']);
    }
  });

  test('whiteouts that name nothing (.wh., .wh.., .wh...) are ignored with a warning', async () => {
    const index = await indexBlob(buildTar([{ name: 'tmp/.wh.' }, { name: '.wh..' }, { name: '/.wh.' }, { name: 'x/.wh...' }, { name: 'kept', content: 'k' }]));
    assert.deepEqual(index.whiteouts, []);
    assert.deepEqual(index.opaqueDirs, []);
    assert.deepEqual(index.entries.map((e) => e.path), ['/kept']);
    assert.equal(index.warnings.length, 4);
    for (const w of index.warnings) assert.match(w, /whiteout .* invalid and ignored/i);
  });

  test('../../etc/passwd is clamped to /etc/passwd, with a warning', async () => {
    const index = await indexBlob(buildTar([{ name: '../../etc/passwd', content: 'root:x:0:0' }, { name: 'ok/../../.wh.shadow' }]));
    assert.deepEqual(index.entries.map((e) => e.path), ['/etc/passwd']);
    assert.deepEqual(index.whiteouts, ['/shadow']);
    assert.equal(index.warnings.length, 2);
    assert.match(index.warnings[0], /"\.\.\/\.\.\/etc\/passwd".*outside the image root.*\/etc\/passwd/);
  });

  test('a hardlink whose target climbs out is clamped, with a warning', async () => {
    const index = await indexBlob(buildTar([{ name: 'link', type: 'hardlink', linkname: '../../../etc/shadow' }]));
    assert.equal(index.entries[0].linkTarget, '/etc/shadow');
    assert.equal(index.warnings.length, 1);
    assert.match(index.warnings[0], /outside the image root/);
  });
});

describe('indexLayerStream: diffID and compression', () => {
  const members: TarMember[] = [{ name: 'etc/', type: 'dir' }, { name: 'etc/data', content: randomBytes(200_000) }, { name: 'etc/.wh.old' }];
  const tar = buildTar(members);
  const diffId = 'sha256:' + sha256Hex(tar);

  for (const [name, blob] of [
    ['plain', tar],
    ['gzip', gzipSync(tar)],
    ['zstd', zstdStored(tar)],
  ] as const) {
    test(`the diffID of a ${name} blob is the sha256 of the uncompressed tar`, async () => {
      const index = await indexBlob(blob, 'test', 4096);
      assert.equal(index.diffId, diffId);
      assert.equal(index.tarBytes, tar.length);
      assert.deepEqual(index.entries.map((e) => e.path), ['/etc', '/etc/data']);
      assert.deepEqual(index.whiteouts, ['/etc/old']);
    });
  }

  test('an empty layer tar (only the end-of-archive blocks) has no entries', async () => {
    const empty = buildTar([]);
    const index = await indexBlob(empty);
    assert.deepEqual(index.entries, []);
    assert.equal(index.diffId, 'sha256:' + sha256Hex(empty));
    assert.equal(index.tarBytes, 1024);
  });
});

describe('indexLayerStream: errors', () => {
  const tar = buildTar([{ name: 'a', content: 'x'.repeat(2000) }, { name: 'b', content: 'y'.repeat(2000) }]);

  test('random bytes are not a tar', async () => {
    const junk = randomBytes(4096);
    junk[0] = 0x41; // never a compression magic by chance
    await rejectsWith(indexBlob(junk, 'L1'), 'corrupt', /^Layer L1 is not a readable tar/);
  });

  test('a header with a bad checksum is refused', async () => {
    const bad = Buffer.from(tar);
    bad[0] = 'z'.charCodeAt(0); // name "a" → "z" without fixing the checksum
    await rejectsWith(indexBlob(bad, 'L1'), 'corrupt', /^Layer L1 is not a readable tar/);
  });

  test('a tar cut in the middle of a file is truncated', async () => {
    await rejectsWith(indexBlob(tar.subarray(0, 512 + 1000), 'L1'), 'corrupt', /^Layer L1 .*truncated/);
  });

  test('a gzip stream cut short is truncated', async () => {
    const gz = gzipSync(tar);
    await rejectsWith(indexBlob(gz.subarray(0, gz.length - 10), 'L1'), 'corrupt', /^Layer L1 .*truncated/);
  });

  test('corrupt gzip data is refused', async () => {
    const gz = gzipSync(buildTar([{ name: 'r', content: randomBytes(5000) }]));
    for (let i = 20; i < 200; i++) gz[i] ^= 0xff;
    await rejectsWith(indexBlob(gz, 'L1'), 'corrupt', /^Layer L1 is not a readable tar \(its gzip data is corrupt\)\.$/);
  });

  test('a zstd stream cut short is refused', async () => {
    const zst = zstdStored(tar);
    await rejectsWith(indexBlob(zst.subarray(0, 1500), 'L1'), 'corrupt', /zstd|truncated/);
  });

  for (const [name, magic] of [
    ['bzip2', Buffer.from('BZh91AY&SY')],
    ['xz', Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])],
  ] as const) {
    test(`${name} is named as an unsupported compression`, async () => {
      const error = await rejectsWith(indexBlob(Buffer.concat([magic, randomBytes(600)]), 'L3'), 'corrupt', new RegExp(`^Layer L3 is ${name}-compressed`));
      assertOneSentence(error.message);
    });
  }
});

// apk's installed database. No Alpine package is reachable from this machine, so the database is written here by
// hand, line by line as Alpine's "Apk spec" page and apk-tools' database.c describe it (P/V/A per package, F: a
// directory, R: a file in it, a:/M:/Z: about the entry above, other keys ignored).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { APK_INSTALLED_PATH, apkReader } from '../../src/core/packages/apk';

const MUSL = [
  'C:Q1W0W3Kr8aWAGdXvSg4P6kdC6Xp0E=',
  'P:musl',
  'V:1.2.4-r2',
  'A:x86_64',
  'S:383152',
  'I:622592',
  'T:the musl c library (libc) implementation',
  'L:MIT',
  'o:musl',
  't:1696880218',
  'p:so:libc.musl-x86_64.so.1=1',
  'F:lib',
  'R:ld-musl-x86_64.so.1',
  'a:0:0:755',
  'Z:Q1ux6GEv1tdCAuP4z8OZBmh39KSbc=',
  'R:libc.musl-x86_64.so.1',
  'a:0:0:777',
  'Z:Q17yJ3JFNypA4mxhJJr0ou6CzsJVI=',
].join('\n');

const BUSYBOX = [
  'P:busybox',
  'V:1.36.1-r5',
  'A:x86_64',
  'D:so:libc.musl-x86_64.so.1',
  'F:bin',
  'R:busybox',
  'a:0:0:755',
  'Z:Q1Kx3E/DeVfFzNHhThB0CvC9b8XQA=',
  'F:etc',
  'M:0:0:755',
  'R:securetty',
  'Z:Q1mB95Hq2NUTZ599RDiSsj9w5FrOs=',
  'F:etc/udhcpd',
  'F:usr/share/udhcpc',
  'R:default.script',
].join('\n');

function read(text: string | Uint8Array) {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  return apkReader.read(new Map([[APK_INSTALLED_PATH, bytes]]));
}

function assertOneSentence(problems: string[], pattern: RegExp) {
  assert.equal(problems.length, 1, `one problem expected, got ${JSON.stringify(problems)}`);
  assert.match(problems[0], pattern);
  assert.doesNotMatch(problems[0], /\n/);
  assert.match(problems[0], /\.$/);
}

describe('apk installed database', () => {
  test('wants only /lib/apk/db/installed', () => {
    assert.equal(apkReader.wants('/lib/apk/db/installed'), true);
    for (const other of ['/lib/apk/db/triggers', '/lib/apk/db/installed.bak', '/x/lib/apk/db/installed', '/etc/apk/world']) {
      assert.equal(apkReader.wants(other), false, other);
    }
  });

  test('reads names, versions, architectures and each file as F: directory + R: name', () => {
    const { packages, problems } = read(`${MUSL}\n\n${BUSYBOX}\n\n`);
    assert.deepEqual(problems, []);
    assert.deepEqual(packages, [
      {
        manager: 'apk', name: 'musl', version: '1.2.4-r2', architecture: 'x86_64',
        files: ['/lib/ld-musl-x86_64.so.1', '/lib/libc.musl-x86_64.so.1'], location: APK_INSTALLED_PATH,
      },
      {
        manager: 'apk', name: 'busybox', version: '1.36.1-r5', architecture: 'x86_64',
        files: ['/bin/busybox', '/etc/securetty', '/usr/share/udhcpc/default.script'], location: APK_INSTALLED_PATH,
      },
    ]);
  });

  test('a last stanza without its blank line, CRLF line ends and several blank lines between stanzas', () => {
    const { packages, problems } = read(`${MUSL}\r\n\r\n\r\n${BUSYBOX}`.replace(/\n(?!\r)/g, '\r\n'));
    assert.deepEqual(problems, []);
    assert.deepEqual(packages.map((p) => `${p.name} ${p.version} ${p.files.length}`), ['musl 1.2.4-r2 2', 'busybox 1.36.1-r5 3']);
  });

  test('no database captured: nothing and no problem', () => {
    assert.deepEqual(apkReader.read(new Map()), { packages: [], problems: [] });
  });

  test('a malformed line is one sentence; the packages around it still come out whole', () => {
    const { packages, problems } = read(`${MUSL}\nthis is no apk line\n\n${BUSYBOX}\n`);
    assertOneSentence(problems, /1 line not in apk's "K:value" form ignored/);
    assert.deepEqual(packages.map((p) => p.name), ['musl', 'busybox']);
    assert.equal(packages[0].files.length, 2);
  });

  test('a stanza without a version is skipped with one sentence', () => {
    const { packages, problems } = read(`P:orphan\nA:x86_64\nF:opt\nR:x\n\n${MUSL}\n\n${BUSYBOX}\n`);
    assertOneSentence(problems, /1 entry without a package name \(P:\) or version \(V:\) skipped/);
    assert.deepEqual(packages.map((p) => p.name), ['musl', 'busybox']);
  });

  test('file names that would leave the root, or name a path instead of a file, are ignored with one sentence', () => {
    const hostile = ['P:evil', 'V:1-r0', 'F:etc', 'R:../../../../etc/shadow', 'R:a/b', 'R:ok', 'F:../../..', 'R:passwd'].join('\n');
    const { packages, problems } = read(`${hostile}\n\n${MUSL}\n`);
    assertOneSentence(problems, /4 file paths that would leave the image root or name no single file ignored/);
    const evil = packages.find((p) => p.name === 'evil')!;
    assert.deepEqual(evil.files, ['/etc/ok']);
    assert.ok(packages.every((p) => p.files.every((f) => f.startsWith('/') && !f.includes('..'))));
    assert.deepEqual(packages.find((p) => p.name === 'musl')!.files, ['/lib/ld-musl-x86_64.so.1', '/lib/libc.musl-x86_64.so.1']);
  });

  test('R: before any F: is ignored with one sentence', () => {
    const { packages, problems } = read(`P:early\nV:1-r0\nR:lost\nF:usr\nR:found\n\n${BUSYBOX}\n`);
    assertOneSentence(problems, /1 file \(R:\) listed before any directory \(F:\) ignored/);
    assert.deepEqual(packages.find((p) => p.name === 'early')!.files, ['/usr/found']);
    assert.equal(packages.length, 2);
  });

  test('a database truncated in the middle of its last stanza keeps every whole package', () => {
    const full = `${BUSYBOX}\n\n${MUSL}\n`;
    const cut = full.slice(0, full.indexOf('P:musl') + 'P:mu'.length);
    const { packages, problems } = read(cut);
    assertOneSentence(problems, /1 entry without a package name \(P:\) or version \(V:\) skipped/);
    assert.deepEqual(packages.map((p) => `${p.name} ${p.version}`), ['busybox 1.36.1-r5']);
    assert.equal(packages[0].files.length, 3);
  });

  test('binary garbage is one sentence and no package', () => {
    const garbage = new Uint8Array(4096);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919 + 13) & 0xff;
    const { packages, problems } = read(garbage);
    assert.deepEqual(packages, []);
    assertOneSentence(problems, /^\/lib\/apk\/db\/installed \(apk's installed database\) holds binary data, not text, so it cannot be read\.$/);
  });

  test('an oversized database is one sentence and is not parsed', () => {
    const stanza = Buffer.from(`${MUSL}\n\n`);
    const huge = Buffer.alloc(64 * 1024 * 1024 + 1, 'R:filler\n');
    stanza.copy(huge);
    const { packages, problems } = read(huge);
    assert.deepEqual(packages, []);
    assertOneSentence(problems, /is 67108865 bytes, over the 67108864-byte limit, so it was not read/);
  });
});

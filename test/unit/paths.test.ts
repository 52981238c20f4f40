import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { comparePaths, decodeTarName, encodeTarName, isCleanImagePath, normalizeMemberPath } from '../../src/core/model/paths';

/** A name as tar-stream hands it over with latin1 filename encoding: one char per raw byte. */
const asRead = (bytes: Buffer | string) => (typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes).toString('latin1');

describe('normalizeMemberPath', () => {
  const cases: [string, string, boolean][] = [
    ['./usr/bin/env', '/usr/bin/env', false],
    ['usr//bin///env', '/usr/bin/env', false],
    ['etc/', '/etc', false],
    ['./', '/', false],
    ['.', '/', false],
    ['', '/', false],
    ['/abs/olute', '/abs/olute', false],
    ['./usr//bin/../lib/', '/usr/lib', false],
    ['a/b/..', '/a', false],
    ['a/./b/.', '/a/b', false],
    ['../../etc/passwd', '/etc/passwd', true],
    ['/../etc/shadow', '/etc/shadow', true],
    ['a/../../b', '/b', true],
    ['..', '/', true],
    ['...', '/...', false],
    ['.hidden/..dots..', '/.hidden/..dots..', false],
  ];
  for (const [input, path, escaped] of cases) {
    test(`${JSON.stringify(input)} → ${path}${escaped ? ' (escaped)' : ''}`, () => {
      assert.deepEqual(normalizeMemberPath(input), { path, escaped });
    });
  }
});

describe('decodeTarName', () => {
  test('ASCII passes through untouched', () => {
    assert.equal(decodeTarName('usr/bin/env'), 'usr/bin/env');
    assert.equal(decodeTarName("it's \"quoted\".txt"), "it's \"quoted\".txt");
  });

  test('valid UTF-8 read as latin1 is decoded', () => {
    for (const name of ['ünïcødé-文件.txt', 'emoji-🐳.txt', 'café']) {
      const read = asRead(name);
      assert.notEqual(read, name, 'the latin1 reading must differ for non-ASCII names');
      assert.equal(decodeTarName(read), name);
    }
  });

  test('invalid UTF-8 bytes become surrogate escapes, losslessly and distinct from valid names', () => {
    const raw = Buffer.from([0x6c, 0x61, 0x74, 0x69, 0x6e, 0x31, 0x2d, 0xe9, 0x2e, 0x74, 0x78, 0x74]); // "latin1-\xE9.txt"
    const decoded = decodeTarName(asRead(raw));
    assert.equal(decoded, 'latin1-\udce9.txt');
    // Lossless: the original bytes come back.
    assert.deepEqual(encodeTarName(decoded), raw);
    // Not collapsed into the replacement character, as a lenient UTF-8 decoder would, nor into the valid "é".
    assert.notEqual(decoded, decodeTarName(asRead('latin1-\ufffd.txt')));
    assert.notEqual(decoded, decodeTarName(asRead('latin1-\u00e9.txt')));
    assert.equal(decodeTarName(asRead('latin1-\u00e9.txt')), 'latin1-\u00e9.txt');
  });

  test('only the invalid bytes are escaped; valid sequences around them stay characters', () => {
    const raw = Buffer.concat([Buffer.from('文', 'utf8'), Buffer.from([0xff]), Buffer.from('件', 'utf8').subarray(0, 2), Buffer.from('é', 'utf8')]);
    assert.equal(decodeTarName(asRead(raw)), '文\udcff\udce4\udcbbé');
    assert.deepEqual(encodeTarName(decodeTarName(asRead(raw))), raw);
  });

  test('overlong forms and encoded surrogates are invalid UTF-8 too', () => {
    assert.equal(decodeTarName(asRead(Buffer.from([0x61, 0xc0, 0xaf]))), 'a\udcc0\udcaf'); // overlong "/"
    assert.equal(decodeTarName(asRead(Buffer.from([0xed, 0xa0, 0x80]))), '\udced\udca0\udc80'); // U+D800
  });
});

describe('comparePaths', () => {
  test('a directory comes right before its contents', () => {
    const paths = ['/b', '/a-b', '/a.txt', '/a/z', '/ab', '/a b', '/a', '/a/b/c', '/a/b', '/a!'];
    const sorted = [...paths].sort(comparePaths);
    assert.deepEqual(sorted, ['/a', '/a/b', '/a/b/c', '/a/z', '/a b', '/a!', '/a-b', '/a.txt', '/ab', '/b']);
    // Plain code-unit order would have put "/a.txt" and "/a!" before "/a/z", splitting /a from its contents.
    assert.notDeepEqual([...paths].sort(), sorted);
  });

  test('is a consistent order: antisymmetric, zero only for equal paths', () => {
    const paths = ['/', '/a', '/a/b', '/a-b', '/é', '/Z', '/z'];
    for (const a of paths) {
      for (const b of paths) {
        const ab = Math.sign(comparePaths(a, b));
        assert.equal(ab + Math.sign(comparePaths(b, a)), 0, `${a} vs ${b}`);
        assert.equal(ab === 0, a === b, `${a} vs ${b}`);
      }
    }
  });
});

describe('isCleanImagePath', () => {
  const same = (path: string) => {
    const normalized = normalizeMemberPath(path);
    return !normalized.escaped && normalized.path === path;
  };
  test('agrees with normalizeMemberPath on clean, unclean and hostile paths', () => {
    const cases = ['/', '/usr', '/usr/bin/env', '/.hidden', '/a/..b', '/a/b.', '/a/...', '/caf\udce9', '', 'usr', './x', '//', '/a/', '/a//b', '/.', '/..', '/a/.', '/a/..', '/a/./b', '/a/../b', '/../etc', 'a/../..', '/a/b/c/'];
    for (const path of cases) assert.equal(isCleanImagePath(path), same(path), JSON.stringify(path));
  });
  test('agrees with normalizeMemberPath on random paths over a small alphabet', () => {
    const alphabet = ['/', '.', 'a', '/', '.'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
    for (let i = 0; i < 20000; i++) {
      let path = '';
      const length = next() % 9;
      for (let k = 0; k < length; k++) path += alphabet[next() % alphabet.length];
      assert.equal(isCleanImagePath(path), same(path), JSON.stringify(path));
    }
  });
});

// layerlens: URIs round-trip through VS Code's own URI implementation (the vscode-uri package, the same code
// as VS Code's uri.ts): format → URI.from → toString → URI.parse → parse gives back the exact path, for
// hostile names too, including names that are not UTF-8.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { URI, Utils } from 'vscode-uri';
import { LayerlensError } from '../../src/core/errors';
import { formatLayerUri, imageIdHex, LAYER_SCHEME, parseLayerUri } from '../../src/fs/layerUri';
import { assertOneSentence } from './helpers';

const ID = '3f9a' + 'c1'.repeat(30);

/** Format, then through a string as VS Code stores and sends URIs, then parse. */
function roundTrip(path: string, layer = 4): { uri: URI; text: string; back: ReturnType<typeof parseLayerUri> } {
  const uri = URI.from(formatLayerUri({ imageId: 'sha256:' + ID, layer, path }));
  const text = uri.toString();
  const back = parseLayerUri(URI.parse(text));
  return { uri, text, back };
}

const HOSTILE_NAMES = [
  '/usr/bin/env',
  '/names/with space.txt',
  `/names/it's "quoted".txt`,
  '/names/back\\slash.txt',
  '/names/new\nline.txt',
  '/names/tab\there.txt',
  '/names/ünïcødé-文件.txt',
  '/names/emoji-🐳.txt',
  '/names/<img src=x onerror=alert(1)>.txt',
  '/names/<script>alert(1)</script>',
  '/names/%20percent%2F',
  '/names/$HOME',
  '/names/*star?',
  '/names/hash#fragment',
  '/names/query?a=b&raw=AAAA',
  '/names/..dots..',
  '/names/.hidden',
  '/names/-leading-dash',
  '/names/real-replacement-\ufffd-char',
  '/long/' + 'a'.repeat(60) + '/' + 'n'.repeat(204) + '.txt',
];

describe('layerlens: URIs', () => {
  test('the shape is layerlens://<image id hex>/<layer>/<path>', () => {
    const parts = formatLayerUri({ imageId: 'sha256:' + ID, layer: 4, path: '/usr/bin/env' });
    assert.deepEqual(parts, { scheme: LAYER_SCHEME, authority: ID, path: '/4/usr/bin/env', query: '' });
    assert.equal(URI.from(parts).toString(), `layerlens://${ID}/4/usr/bin/env`);
    assert.deepEqual(parseLayerUri(URI.parse(`layerlens://${ID}/4/usr/bin/env`)), { imageId: ID, layer: 4, path: '/usr/bin/env' });
  });

  for (const path of HOSTILE_NAMES) {
    test(`round trip: ${JSON.stringify(path)}`, () => {
      const { uri, back } = roundTrip(path);
      assert.deepEqual(back, { imageId: ID, layer: 4, path });
      assert.equal(uri.query, '', 'valid Unicode needs no raw bytes');
      assert.equal(Utils.basename(uri), path.slice(path.lastIndexOf('/') + 1), 'the editor title is the real name');
    });
  }

  test('a name that is not UTF-8 (latin1 0xE9) round-trips exactly, and its title shows U+FFFD', () => {
    const path = '/names/latin1-\udce9.txt';
    assert.throws(() => URI.from({ scheme: LAYER_SCHEME, authority: ID, path: `/4${path}`, query: '' }).toString(), /malformed/, 'why the raw bytes cannot stay in the path');
    const { uri, text, back } = roundTrip(path);
    assert.equal(back.path, path);
    assert.equal(Utils.basename(uri), 'latin1-\ufffd.txt');
    assert.match(uri.query, /^raw=[A-Za-z0-9_-]+$/);
    assert.doesNotMatch(text, /%ED%B3/, 'no encoded surrogate in the string form');
  });

  test('two names that differ only in raw bytes get different URIs', () => {
    const a = roundTrip('/names/caf\udce9');
    const b = roundTrip('/names/caf\udce8');
    assert.notEqual(a.text, b.text);
    assert.equal(a.back.path, '/names/caf\udce9');
    assert.equal(b.back.path, '/names/caf\udce8');
  });

  test('VS Code joining a child to (or going up from) a raw-named directory keeps the exact names it can', () => {
    const dir = URI.from(formatLayerUri({ imageId: ID, layer: 2, path: '/d\udcff/sub' }));
    const child = URI.parse(Utils.joinPath(dir, 'file.txt').toString());
    assert.deepEqual(parseLayerUri(child), { imageId: ID, layer: 2, path: '/d\udcff/sub/file.txt' });
    const parent = URI.parse(Utils.dirname(dir).toString());
    assert.deepEqual(parseLayerUri(parent), { imageId: ID, layer: 2, path: '/d\udcff' });
    const sibling = URI.parse(Utils.joinPath(Utils.dirname(dir), '..', 'other').toString());
    assert.deepEqual(parseLayerUri(sibling), { imageId: ID, layer: 2, path: '/other' });
  });

  test('the image root and a layer root', () => {
    assert.deepEqual(parseLayerUri(URI.parse(`layerlens://${ID}`)), { imageId: ID, path: '/' });
    assert.deepEqual(parseLayerUri(URI.parse(`layerlens://${ID}/`)), { imageId: ID, path: '/' });
    assert.deepEqual(parseLayerUri(URI.parse(`layerlens://${ID}/0`)), { imageId: ID, layer: 0, path: '/' });
    assert.deepEqual(parseLayerUri(URI.parse(`layerlens://${ID}/12/`)), { imageId: ID, layer: 12, path: '/' });
    assert.equal(URI.from(formatLayerUri({ imageId: ID, layer: 3, path: '/' })).toString(), `layerlens://${ID}/3`);
  });

  test('an upper-case ID is the same image', () => {
    assert.equal(parseLayerUri(URI.parse(`layerlens://${ID.toUpperCase()}/1/x`)).imageId, ID);
  });

  test('bad URIs are refused in one sentence', () => {
    const bad = [
      { authority: 'not-an-id', path: '/1/x', query: '' },
      { authority: ID.slice(0, 12), path: '/1/x', query: '' },
      { authority: ID, path: '/one/x', query: '' },
      { authority: ID, path: '/-1/x', query: '' },
      { authority: ID, path: '/01/x', query: '' },
    ];
    for (const parts of bad) {
      assert.throws(
        () => parseLayerUri(parts),
        (error: unknown) => error instanceof LayerlensError && error.kind === 'bad-input' && (assertOneSentence(error.message), true),
        JSON.stringify(parts),
      );
    }
    assert.throws(() => parseLayerUri({ scheme: 'file', authority: '', path: '/etc/passwd', query: '' }), /not a Layerlens file/);
    assert.throws(() => imageIdHex('sha256:abc'), /not a full image ID/);
    assert.throws(() => formatLayerUri({ imageId: ID, layer: 1, path: 'relative' }), /not an absolute path/);
  });
});

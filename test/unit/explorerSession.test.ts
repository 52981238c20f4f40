// The explorer's host side without VS Code: every webview message is validated before use, and the session
// answers requests (children, filter, reveal, details) from the image model.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeImage } from '../../src/core/analysis/analysis';
import { ImageModel } from '../../src/core/model/imageModel';
import { ExplorerSession } from '../../src/explorer/explorerSession';
import { isPanelState, parseFromWebview, type Request, type TreeQuery } from '../../src/explorer/protocol';
import { dir, file, image, layer } from './helpers';

const query: TreeQuery = { mode: 'changes', sort: 'name', range: { from: 1, to: 1 } };

test('well-formed requests and commands pass validation unchanged', () => {
  const messages = [
    { kind: 'children', id: 1, query, dir: '/', depth: 0 },
    { kind: 'filter', id: 2, query, filter: { text: '*.so', kinds: ['added', 'deleted'], minSize: 0, onlyChanges: false } },
    { kind: 'details', id: 3, query, path: '/a b/<img>' },
    { kind: 'reveal', id: 4, query, path: '/x' },
    { kind: 'open', path: '/etc/passwd', layer: 0 },
    { kind: 'compare', path: '/x', layer: 2 },
    { kind: 'copyPath', path: '/x' },
    { kind: 'explain', layer: 3 },
    { kind: 'ready' },
  ];
  for (const message of messages) assert.deepEqual(parseFromWebview(message), message);
});

test('malformed or hostile messages are refused', () => {
  const bad: unknown[] = [
    null,
    'children',
    [],
    { kind: 'eval', code: 'x' },
    { kind: 'children', id: 1, query, dir: 'relative', depth: 0 },
    { kind: 'children', id: -1, query, dir: '/', depth: 0 },
    { kind: 'children', id: 1.5, query, dir: '/', depth: 0 },
    { kind: 'children', id: 1, query: { ...query, mode: 'shell' }, dir: '/', depth: 0 },
    { kind: 'children', id: 1, query: { ...query, range: { from: 2, to: 1 } }, dir: '/', depth: 0 },
    { kind: 'children', id: 1, query: { ...query, range: { from: '0', to: 1 } }, dir: '/', depth: 0 },
    { kind: 'filter', id: 2, query, filter: { text: 'x', kinds: ['everything'], minSize: 0, onlyChanges: false } },
    { kind: 'filter', id: 2, query, filter: { text: 'x'.repeat(5000), kinds: [], minSize: 0, onlyChanges: false } },
    { kind: 'filter', id: 2, query, filter: { text: 'x', kinds: [], minSize: -1, onlyChanges: false } },
    { kind: 'open', path: '/x', layer: -1 },
    { kind: 'open', path: { toString: () => '/x' }, layer: 0 },
    { kind: 'explain', layer: '1' },
  ];
  for (const message of bad) assert.equal(parseFromWebview(message), undefined, JSON.stringify(message));
  assert.equal(isPanelState({ imageRef: 'x', label: 'y' }), true);
  assert.equal(isPanelState({ imageRef: 1, label: 'y' }), false);
});

const model = new ImageModel(
  image(
    [
      layer([dir('/app'), file('/app/a.txt', 100, 'a1'), file('/app/b.bin', 5000, 'b1')]),
      layer([file('/app/a.txt', 120, 'a2'), file('/app/b.bin', 5000, 'b1', { mode: 0o600 })]),
      layer([], { whiteouts: ['/app/a.txt'] }),
    ],
    {
      history: [
        { created_by: '/bin/sh -c #(nop) COPY dir:abc in /app' },
        { created_by: '/bin/sh -c echo v2 > /app/a.txt && chmod 600 /app/b.bin' },
        { created_by: '/bin/sh -c rm /app/a.txt' },
        { created_by: '/bin/sh -c #(nop)  CMD ["sh"]', empty_layer: true },
      ],
    },
  ),
);
const session = new ExplorerSession(model, analyzeImage(model));
const ask = (request: Request) => session.answer(request);

test('children, filter and reveal answer with rows; a range beyond the image is an error, not a crash', () => {
  const root = ask({ kind: 'children', id: 1, query, dir: '/', depth: 0 });
  assert.ok('rows' in root);
  assert.deepEqual(root.rows.map((r) => [r.path, r.changedCount]), [['/app', 2]]);
  const app = ask({ kind: 'children', id: 2, query, dir: '/app', depth: 1 });
  assert.ok('rows' in app);
  assert.deepEqual(app.rows.map((r) => [r.name, r.change]), [['a.txt', 'modified'], ['b.bin', 'metadata']]);
  const filtered = ask({ kind: 'filter', id: 3, query, filter: { text: '*.bin', kinds: [], minSize: 0, onlyChanges: false } });
  assert.ok('rows' in filtered);
  assert.deepEqual(filtered.rows.map((r) => r.path), ['/app', '/app/b.bin']);
  assert.equal(filtered.total, 1);
  const beyond = ask({ kind: 'children', id: 4, query: { ...query, range: { from: 0, to: 9 } }, dir: '/', depth: 0 });
  assert.ok('error' in beyond);
  assert.match(beyond.error, /no layer 9/);
});

test('details tell a file\'s story across the stack, with the steps\' instructions', () => {
  const details = ask({ kind: 'details', id: 5, query: { ...query, range: { from: 2, to: 2 } }, path: '/app/a.txt' });
  assert.ok('details' in details);
  assert.deepEqual(details.details.history, [
    'added by #0 COPY dir:abc in /app (100 B)',
    'rewritten by #1 RUN echo v2 > /app/a.txt && chmod 600 /app/b.bin (120 B)',
    'whited-out by #2 RUN rm /app/a.txt',
  ]);
  assert.equal(details.details.layer, 1, 'the deleted version shown is the one from #1');
  assert.equal(details.details.canCompare, true);
  const chmod = ask({ kind: 'details', id: 6, query, path: '/app/b.bin' });
  assert.ok('details' in chmod);
  assert.equal(chmod.details.history[1], 'rewritten by #1 RUN echo v2 > /app/a.txt && chmod 600 /app/b.bin (metadata only, 5.0 kB duplicated)');
  assert.equal(chmod.details.mode, '-rw-------');
  const missing = ask({ kind: 'details', id: 7, query, path: '/nowhere' });
  assert.ok('error' in missing);
});

test('the layer list carries each step with its layer\'s counts and waste; metadata steps have no layer', () => {
  const layers = session.layers();
  assert.deepEqual(layers.map((l) => l.layer), [0, 1, 2, undefined]);
  assert.equal(layers[1].metadataOnly, 1);
  assert.equal(layers[1].modified, 1);
  assert.equal(layers[0].wastedBytes, 100 + 5000, 'a.txt overwritten, b.bin duplicated by the chmod');
  assert.equal(session.wasted()[0].path, '/app/b.bin');
});

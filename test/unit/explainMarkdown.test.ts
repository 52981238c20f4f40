// The Markdown of an explanation, rendered by markdown-it as VS Code's preview does (HTML allowed, linkify on):
// hostile file names, tags and commands must show literally, and only our links may become links.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeImage } from '../../src/core/analysis/analysis';
import { explainContainerLayer } from '../../src/core/explain/explainContainer';
import { explainLayer, explainStep } from '../../src/core/explain/explainLayer';
import { escapeMarkdown, explanationToMarkdown } from '../../src/core/explain/markdown';
import { explanationToText } from '../../src/core/explain/plainText';
import { printablePath } from '../../src/core/format';
import { ImageModel } from '../../src/core/model/imageModel';
import { dir, file, image, layer } from './helpers';

// markdown-it is what VS Code's Markdown preview renders with (here through @vscode/vsce, a dev dependency).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const MarkdownIt = require('markdown-it') as new (options: object) => { render(source: string): string };
const preview = new MarkdownIt({ html: true, linkify: true });

const HOSTILE = [
  '/tmp/<img src=x onerror=alert(1)>.txt',
  '/tmp/<script>alert(1)</script>',
  '/tmp/`tick` and ``double``',
  '/tmp/[link](javascript:alert(1))',
  '/tmp/new\nline',
  '/tmp/*bold* _it_ ~~strike~~ | pipe',
  '/tmp/caf\udce9',
  '/tmp/&lt;entity&gt; &amp;',
  '/tmp/www.example.com http://evil.example/',
  '/tmp/\u202eevil.txt',
  '/tmp/back\\slash',
  '/tmp/# heading',
  '/tmp/1. list',
  '/tmp/![img](x.png)',
];

const TAG = '<script>alert(2)</script>www.evil.example:latest';
const INSTRUCTION = "/bin/sh -c echo '```' && echo '<b>bold</b>' && echo \"$(printf 'new\\nline')\" && echo '\x1b[31mred'";

function hostileImage(): ImageModel {
  const base = layer([dir('/tmp', { mode: 0o1777 })]);
  const top = layer(HOSTILE.map((path, i) => file(path, 100 + i, `H${i}`)));
  const data = image([base, top], { history: [{ created_by: '/bin/sh -c #(nop) ADD file:x in / ' }, { created_by: INSTRUCTION }] });
  return new ImageModel({ ...data, repoTags: [TAG] });
}

const link = (path: string, layer: number) => `command:layerlens.revealPath?${encodeURIComponent(JSON.stringify([path, layer]))}`;

function decode(html: string): string {
  return html.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

/** What a reader sees of a hostile name: printable, and bidi controls spelled out. */
function shown(path: string): string {
  return printablePath(path).replace(/\u202e/g, '\\u{202e}');
}

describe('explanationToMarkdown', () => {
  const model = hostileImage();
  const explanation = explainLayer(model, analyzeImage(model), 1);
  const markdown = explanationToMarkdown(explanation, { linkForPath: link });
  const html = preview.render(markdown);

  test('the finding lists every hostile path (the fixture triggers it)', () => {
    const f = explanation.findings.find((x) => x.id === 'temporary-files')!;
    assert.equal(f.total.paths, HOSTILE.length);
  });

  test('no HTML from a name, tag or command reaches the output: only the elements Markdown makes', () => {
    const tags = new Set([...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => m[1].toLowerCase()));
    assert.deepEqual([...tags].filter((t) => !['h1', 'h2', 'h3', 'p', 'ul', 'li', 'a', 'pre', 'code'].includes(t)), []);
    assert.doesNotMatch(html, /<img|<script|<b>|<em>|<strong>|<s>|<del>/);
  });

  test('every path is one link with our target and its literal name as the text; nothing else is a link', () => {
    const anchors = [...html.matchAll(/<a href="([^"]*)">([^<]*)<\/a>/g)].map((m) => ({ href: decode(m[1]), text: decode(m[2]) }));
    const evidence = anchors.filter((a) => HOSTILE.some((p) => shown(p) === a.text));
    assert.deepEqual(evidence.map((a) => a.text).sort(), HOSTILE.map(shown).sort());
    for (const a of evidence) {
      const path = HOSTILE.find((p) => shown(p) === a.text)!;
      assert.equal(a.href, link(path, 1), `link of ${a.text}`);
    }
    assert.equal((html.match(/<a /g) ?? []).length, anchors.length);
    assert.ok(anchors.every((a) => a.href.startsWith('command:layerlens.revealPath?')), 'linkify made no link of www.… or http://…');
  });

  test('the image tag shows literally in the heading', () => {
    const h1 = /<h1>(.*)<\/h1>/.exec(html)![1];
    assert.equal(decode(h1), `Layer 1 of ${TAG}`);
  });

  test('commands show verbatim in one code block that a ``` inside cannot close', () => {
    const blocks = [...html.matchAll(/<pre><code[^>]*>([^]*?)<\/code><\/pre>/g)].map((m) => decode(m[1]));
    assert.equal(blocks.length, 1);
    // A command keeps its own backslashes; a control character (ESC) is spelled out.
    assert.equal(blocks[0], "echo '```'\necho '<b>bold</b>'\necho \"$(printf 'new\\nline')\"\necho '\\x1b[31mred'\n");
  });

  test('without linkForPath, paths are plain escaped text', () => {
    const plain = preview.render(explanationToMarkdown(explanation));
    assert.doesNotMatch(plain, /<a /);
    for (const path of HOSTILE) assert.ok(decode(plain).includes(shown(path)), `shows ${JSON.stringify(path)}`);
  });

  test('escapeMarkdown: control characters, raw bytes, bidi controls and punctuation', () => {
    assert.equal(escapeMarkdown('a\nb\udce9\u202e'), 'a\\\\x0ab\\\\xe9\\\\u\\{202e\\}');
    assert.equal(escapeMarkdown('/usr/lib/x86_64-linux-gnu'), '/usr/lib/x86\\_64\\-linux\\-gnu');
    assert.equal(preview.render(escapeMarkdown('*a* <b> [c](d) `e` &amp;')).trim(), '<p>*a* &lt;b&gt; [c](d) `e` &amp;amp;</p>');
  });

  test('a link target cannot break out of its <…>', () => {
    const md = explanationToMarkdown(explanation, { linkForPath: () => 'command:x?a> b\n<c' });
    assert.match(md, /\]\(<command:x\?a%3E%20b%0A%3Cc>\)/);
  });
});

describe('the other explanations render too', () => {
  const model = new ImageModel(
    image([layer([dir('/etc'), file('/etc/conf', 10, 'C')])], {
      history: [{ created_by: '/bin/sh -c #(nop) COPY file:x in /etc/conf ' }, { created_by: '/bin/sh -c #(nop)  ENV A=<b>1</b>', empty_layer: true }],
    }),
  );

  test('a metadata-only step: its instruction literally, the config field it sets, no bytes', () => {
    const md = explanationToMarkdown(explainStep(model, analyzeImage(model), 1));
    const html = preview.render(md);
    assert.match(html, /<code class="language-dockerfile">ENV A=&lt;b&gt;1&lt;\/b&gt;\n<\/code>/);
    assert.match(html, /This ENV step sets <code>Env<\/code> in the image config and adds no bytes: it made no layer\./);
  });

  test('a container layer, with and without its image', () => {
    const changes = [{ Path: '/etc/conf', Kind: 0 }, { Path: '/etc/<i>new</i>', Kind: 1 }];
    const md = explanationToMarkdown(explainContainerLayer(changes, model), { linkForPath: link });
    assert.match(md, /It changed 1 image file: it is now written whole in this layer \(overlayfs copies a file up whole on its first write\), over the image's version of 10 B \(layer 0: 10 B\)\./);
    assert.match(md, /\[\/etc\/conf\]\(<command:layerlens\.revealPath\?/);
    assert.match(explanationToMarkdown(explainContainerLayer(changes)), /Open the container's image to see which of its layers the changed files come from\./);
  });

  test('the plain-text rendering shows names with printablePath, never raw', () => {
    const hostile = hostileImage();
    const text = explanationToText(explainLayer(hostile, analyzeImage(hostile), 1));
    assert.ok(text.includes('/tmp/new\\x0aline'));
    assert.ok(text.includes('/tmp/caf\\xe9'));
    assert.doesNotMatch(text, /new\nline|\udce9/);
  });
});

// The Dockerfile hover as a reader sees it: rendered by markdown-it with HTML on (stricter than VS Code's hover,
// which drops HTML), hostile names and messages show literally, the only links are our commands with the exact
// arguments the commands expect, a changed line shows no numbers, and an unlinked Dockerfile gets its static
// hints and the link command. Also the status-bar text of each state.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeImage } from '../../src/core/analysis/analysis';
import { matchAtLine, matchDockerfile, parseDockerfile, lintDockerfile } from '../../src/core/dockerfile';
import { ImageModel } from '../../src/core/model/imageModel';
import { codeLensText } from '../../src/dockerfile/codeLensText';
import { imageFacts } from '../../src/dockerfile/imageFacts';
import { instructionInsight } from '../../src/dockerfile/instructionInsight';
import type { DocumentView } from '../../src/dockerfile/dockerfileViews';
import { hoverContent, instructionAt } from '../../src/dockerfile/hoverContent';
import { commandLink, HOVER_COMMANDS, hoverMarkdown, type HoverContent } from '../../src/dockerfile/hoverMarkdown';
import { agreement } from '../../src/dockerfile/imageRanking';
import { linkStatusText } from '../../src/dockerfile/linkStatusText';
import { DOCKERFILE, exampleFacts, HOSTILE_NAME, IMAGE_ID, IMAGE_LABEL } from './dockerfileEditorImage';
import { file, image, layer } from './helpers';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const MarkdownIt = require('markdown-it') as new (options: object) => { render(source: string): string };
const renderer = new MarkdownIt({ html: true, linkify: false });

const { facts } = exampleFacts();
const DOC_URI = 'file:///work/my%20app%20(v2)/Dockerfile';
const label = () => IMAGE_LABEL;

function readyView(text: string): DocumentView {
  const parsed = parseDockerfile(text);
  const match = matchDockerfile(parsed, facts.steps);
  return { kind: 'ready', link: { id: IMAGE_ID, reference: IMAGE_LABEL, manual: false, score: 1 }, facts, parsed, match, score: agreement(match) };
}

function hoverAt(view: DocumentView, text: string, line: number): { markdown: string; html: string; content: HoverContent } {
  const parsed = parseDockerfile(text);
  const instruction = instructionAt(parsed, line);
  assert.ok(instruction, `line ${line} is an instruction`);
  const content = hoverContent(view, parsed, instruction, lintDockerfile(parsed), DOC_URI, label);
  const markdown = hoverMarkdown(content);
  return { markdown, html: renderer.render(markdown), content };
}

/** Every link target of the rendered hover. */
function links(html: string): string[] {
  return [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));
}

/** A `command:` link's command and its JSON arguments. */
function commandOf(href: string): { command: string; args: unknown } {
  const m = /^command:([\w.]+)\?(.*)$/.exec(href);
  assert.ok(m, `a command link: ${href}`);
  return { command: m[1], args: JSON.parse(decodeURIComponent(m[2])) };
}

describe('hover of a linked, indexed Dockerfile', () => {
  const view = readyView(DOCKERFILE);

  test('a RUN: its layer size and share, files, waste, top findings and the two commands', () => {
    const { markdown, html } = hoverAt(view, DOCKERFILE, 4);
    assert.match(markdown, /layer #1 of 3/);
    assert.match(markdown, /\*\*301 kB\*\* · 100\.0 % of the image/);
    assert.match(markdown, /^Files: \+8 added {2}$/m, 'counts that are 0 are left out');
    assert.match(markdown, /1\.0 kB of it is deleted or replaced by later steps/);
    assert.match(markdown, /LL2002 The apt package lists or archives are left in this layer \(300 kB, e\.g\. \/var\/lib\/apt\/lists\)\./);
    assert.doesNotMatch(markdown, /Later layers delete or overwrite/, 'undone-later: said by the line above already');
    const commands = links(html).map(commandOf);
    assert.deepEqual(commands, [
      { command: 'layerlens.explainLayer', args: [{ imageRef: IMAGE_ID, label: IMAGE_LABEL, layer: 1 }] },
      { command: 'layerlens.openExplorer', args: [IMAGE_ID, IMAGE_LABEL, 1] },
    ]);
    for (const c of commands) assert.ok(HOVER_COMMANDS.includes(c.command));
  });

  test('the deleting RUN: the bytes it hides below', () => {
    const { markdown } = hoverAt(view, DOCKERFILE, 6);
    assert.match(markdown, /\*\*7 B\*\*/);
    assert.match(markdown, /Files: \+1 added · −1 deleted/);
    assert.match(markdown, /Hides 1\.0 kB of earlier layers, which still ship them/);
    assert.doesNotMatch(markdown, /wasted|deleted or replaced by later/);
  });

  test('ENV: metadata only, no layer, no numbers', () => {
    const { markdown, html } = hoverAt(view, DOCKERFILE, 5);
    assert.match(markdown, /metadata only/);
    assert.match(markdown, /only changes the image's configuration: no layer, no bytes/);
    assert.deepEqual(links(html), []);
  });

  test('FROM scratch: an empty start', () => {
    assert.match(hoverAt(view, DOCKERFILE, 1).markdown, /\*\*FROM scratch\*\*: an empty start/);
  });

  test('a line edited since the build: "changed", and not one number of any step', () => {
    const edited = DOCKERFILE.replace('echo n > /app/new', 'echo m > /app/new');
    const { markdown, html } = hoverAt(readyView(edited), edited, 6);
    assert.match(markdown, /Changed since the image was built/);
    assert.doesNotMatch(markdown, /\d+(\.\d+)? (B|kB|MB)|%/, 'no size or share');
    assert.deepEqual(links(html).filter((h) => h.startsWith('command:')), []);
  });
});

describe('escaping: names and messages show literally', () => {
  const hostileLabel = '<script>alert(1)</script>[x](javascript:alert(2)):*tag*';

  test("a finding's evidence path and the image's name", () => {
    const finding = { ...facts.layers[1].findings[0], evidence: [{ path: HOSTILE_NAME, bytes: 50 }] };
    const layer = { ...facts.layers[1], findings: [finding] };
    const content: HoverContent = {
      kind: 'linked',
      image: { id: IMAGE_ID, label: hostileLabel },
      insight: { kind: 'layer', keyword: 'RUN', stepIndex: 1, layer, layerCount: 3 },
      hints: [],
    };
    const html = renderer.render(hoverMarkdown(content));
    assert.doesNotMatch(html, /<script|<img/);
    assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;[x](javascript:alert(1)).txt'), html);
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;[x](javascript:alert(2)):*tag*'), html);
    assert.ok(links(html).every((h) => h.startsWith('command:layerlens.')), 'no link but our commands');
  });

  test('a static hint quoting the Dockerfile', () => {
    const text = 'FROM scratch\nCOPY busybox /bin/busybox\nRUN echo a > "/<b>x</b>"\nRUN rm -rf "/<b>x</b>"\n';
    const parsed = parseDockerfile(text);
    const instruction = instructionAt(parsed, 3)!;
    const content = hoverContent({ kind: 'unlinked', reason: 'No image.' }, parsed, instruction, lintDockerfile(parsed), DOC_URI, label);
    assert.ok(content.hints.some((h) => h.ruleId === 'LL1001'), JSON.stringify(content.hints));
    const html = renderer.render(hoverMarkdown(content));
    assert.doesNotMatch(html, /<b>/);
    assert.ok(html.includes('/&lt;b&gt;x&lt;/b&gt;'), html);
  });

  test('command arguments that hold ")" cannot end the link early', () => {
    const link = commandLink('Link', 'layerlens.linkDockerfile', ['file:///a)b(c/Dockerfile']);
    assert.doesNotMatch(link.slice(link.indexOf('(') + 1, -1), /[()]/);
    assert.deepEqual(commandOf(links(renderer.render(link))[0]).args, ['file:///a)b(c/Dockerfile']);
  });
});

describe('hover without an indexed image', () => {
  test('not linked: the static hints of the instruction, with their rule pages, and "Link Dockerfile to Image…"', () => {
    const text = 'FROM scratch\nADD app.txt /app.txt\nRUN echo a\nRUN echo b\n';
    const { markdown, html, content } = hoverAt({ kind: 'unlinked', reason: 'No local image matches this Dockerfile well enough.' }, text, 3);
    assert.equal(content.kind, 'unlinked');
    assert.match(markdown, /No local image matches this Dockerfile well enough\\\./);
    assert.match(markdown, /DL3059.*Merge consecutive RUNs/);
    assert.doesNotMatch(markdown, /DL3020/, "the ADD line's hint belongs to the ADD line");
    const targets = links(html);
    assert.ok(targets.includes('https://github.com/hadolint/hadolint/wiki/DL3059'), targets.join(' '));
    assert.deepEqual(commandOf(targets.find((t) => t.startsWith('command:'))!), { command: 'layerlens.linkDockerfile', args: [DOC_URI] });
  });

  test('indexing, failed and cancelled say so in one sentence', () => {
    const link = { id: IMAGE_ID, reference: IMAGE_LABEL, manual: true };
    const reason = (index: Extract<DocumentView, { kind: 'waiting' }>['index']) => {
      const content = hoverContent({ kind: 'waiting', link, index }, parseDockerfile(DOCKERFILE), instructionAt(parseDockerfile(DOCKERFILE), 6)!, [], DOC_URI, label);
      return content.kind === 'unlinked' ? content.reason : '';
    };
    assert.equal(reason({ kind: 'indexing' }), `Indexing ${IMAGE_LABEL}; its numbers show here when that is done.`);
    assert.equal(reason({ kind: 'failed', message: 'No such image.', cancelled: false }), `${IMAGE_LABEL} could not be indexed: No such image.`);
    assert.match(reason({ kind: 'failed', message: 'x', cancelled: true }), /was cancelled; link the image again/);
  });

  test('a stage the image is not built from', () => {
    const text = `${DOCKERFILE}FROM scratch AS test\nRUN echo test\n`.replace('FROM scratch\n', 'FROM scratch AS app\n');
    // The image was built with --target app: the test stage is not part of it.
    const parsed = parseDockerfile(text);
    const match = matchDockerfile(parsed, facts.steps, { target: 'app' });
    const view: DocumentView = { kind: 'ready', link: { id: IMAGE_ID, reference: IMAGE_LABEL, manual: true, target: 'app' }, facts, parsed, match, score: agreement(match) };
    const line = text.split('\n').indexOf('RUN echo test');
    const { content, markdown } = hoverAt(view, text, line);
    assert.equal(content.kind, 'other-stage');
    assert.match(markdown, /is not built from this stage/);
  });
});

describe('status bar text', () => {
  test('linked and indexed: short name and how well it matches', () => {
    const status = linkStatusText(readyView(DOCKERFILE), label);
    assert.equal(status.text, '$(layers) app:dev · 100% match');
    assert.match(status.tooltip, /Matches 4 of 4 instructions\./);
    const edited = DOCKERFILE.replace('echo n > /app/new', 'echo m > /app/new');
    const changed = linkStatusText(readyView(edited), label);
    assert.equal(changed.text, '$(layers) app:dev · 75% match');
    assert.match(changed.tooltip, /Matches 3 of 4 instructions; 1 changed since the image was built\./);
  });

  test('a spinner only while something is under way', () => {
    const link = { id: IMAGE_ID, reference: IMAGE_LABEL, manual: false, score: 0.9 };
    assert.match(linkStatusText({ kind: 'searching' }, label).text, /sync~spin/);
    assert.equal(linkStatusText({ kind: 'waiting', link, index: { kind: 'indexing' } }, label).text, '$(sync~spin) app:dev · 90% match');
    const failed = linkStatusText({ kind: 'waiting', link, index: { kind: 'failed', message: 'The export stopped.', cancelled: false } }, label);
    assert.equal(failed.text, '$(warning) app:dev · not indexed');
    assert.match(failed.tooltip, /^The export stopped\./);
    const unlinked = linkStatusText({ kind: 'unlinked', reason: 'There are no local images to link this Dockerfile to.' }, label);
    assert.equal(unlinked.text, '$(link) Link image…');
    assert.doesNotMatch(unlinked.text + failed.text, /spin/);
  });
});

describe('the waste a hover and a CodeLens show is Layerlens\' exact figure, never dive\'s', () => {
  // A 2 MB file, then a chmod of it: dive counts both copies (4 MB), yet only the first ships for nothing (2 MB).
  const text = ['FROM scratch', 'COPY big.bin /big.bin', 'RUN chmod 600 /big.bin', ''].join('\n');
  const model = new ImageModel(
    image([layer([file('/big.bin', 2_000_000, 'B')]), layer([file('/big.bin', 2_000_000, 'B', { mode: 0o600 })])], {
      history: [{ created_by: `/bin/sh -c #(nop) COPY file:${'f'.repeat(64)} in /big.bin ` }, { created_by: '/bin/sh -c chmod 600 /big.bin' }],
    }),
  );
  const analysis = analyzeImage(model);
  const chmodFacts = imageFacts({ id: IMAGE_ID, label: IMAGE_LABEL, steps: model.steps }, analysis, () => []);

  test('the two measures differ here, so the test can tell them apart', () => {
    assert.equal(analysis.exactWastedBytes, 2_000_000);
    assert.equal(analysis.wastedBytes, 4_000_000, "dive's formula counts the path twice");
  });

  test('the COPY\'s lens and hover: 2.0 MB wasted, the LayerStats figure', () => {
    const parsed = parseDockerfile(text);
    const match = matchDockerfile(parsed, chmodFacts.steps);
    const insight = instructionInsight(parsed, chmodFacts, matchAtLine(match, 1)!);
    assert.equal(insight.kind === 'layer' && insight.layer.wastedLaterBytes, analysis.layers[0].wastedBytes);
    assert.equal(codeLensText(insight), '2.0 MB · +1 file · 2.0 MB wasted');
    const view: DocumentView = { kind: 'ready', link: { id: IMAGE_ID, reference: IMAGE_LABEL, manual: false, score: 1 }, facts: chmodFacts, parsed, match, score: agreement(match) };
    const markdown = hoverMarkdown(hoverContent(view, parsed, instructionAt(parsed, 1)!, lintDockerfile(parsed), DOC_URI, label));
    assert.match(markdown, /2\.0 MB of it is deleted or replaced by later steps: shipped for nothing/);
    assert.doesNotMatch(markdown, /4\.0 MB/);
    const chmodLens = codeLensText(instructionInsight(parsed, chmodFacts, matchAtLine(match, 2)!));
    assert.equal(chmodLens, '2.0 MB · 1 modified', 'the chmod layer wastes nothing itself');
  });
});

describe('a security finding in the hover names a file, not a size', () => {
  test('a setuid program: its rule id and the file, no bytes', () => {
    const setuid = { id: 'setuid', ruleId: 'LL3002', severity: 'security', title: 'This layer adds a setuid or setgid program, which runs with the rights of its owner or group.', evidence: [{ path: '/usr/bin/tool', bytes: 20_000 }], total: { paths: 1, bytes: 20_000 }, fix: 'Clear it.' } as const;
    const layer = { ...facts.layers[1], findings: [{ ...setuid, evidence: [...setuid.evidence] }] };
    const markdown = hoverMarkdown({ kind: 'linked', image: { id: IMAGE_ID, label: IMAGE_LABEL }, insight: { kind: 'layer', keyword: 'RUN', stepIndex: 1, layer, layerCount: 3 }, hints: [] });
    assert.match(markdown, /\$\(shield\) LL3002 This layer adds a setuid or setgid program, which runs with the rights of its owner or group \(e\.g\. \/usr\/bin\/tool\)\./);
    assert.doesNotMatch(markdown, /20\.0 kB/);
  });
});

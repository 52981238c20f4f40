// End to end, in code-server + Chromium against Engine 20.10's fixture images: copies of the fixture Dockerfiles
// in a fresh workspace are linked to their images (automatically, and through "Link Dockerfile to Image…"), the
// hover of a RUN line shows its layer's size as the CLI reports it, CodeLenses show each step's cost, the
// separate-`rm` lines of "whiteouts" carry the image-backed LL2001 warning the CLI finds, quick fixes edit the
// text (ADD→COPY, merge consecutive RUNs), and an image rebuilt under its linked tag is picked up from the
// engine's events. Needs test/e2e/setup.sh, the engines and the fixtures.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import { formatBytes } from '../../src/core/format';
import { endpointFor } from '../../src/docker/connection';
import { DockerEngine } from '../../src/docker/engine';
import { runCli } from '../integration/support/cli';
import { activityBarItem, launchBrowser, openWorkbench, type Browser } from './support/browser';
import { assertInstalled, packageExtension, ROOT, startCodeServer, type CodeServer } from './support/codeServer';
import type { Locator, Page } from './support/playwright';
import { markdownPreview, runCommand, screenshot, waitForEngineStatus } from './support/workbench';

const TIMEOUT = 30_000;
const ENGINE = 'unix:///var/run/docker.sock';
const README_SCREENSHOTS = join(ROOT, 'media', 'screenshots');
const SMALL_DOCKERFILE = 'FROM scratch\nADD app.txt /app.txt\nRUN echo one\nRUN echo two\n';
// A tiny image this test builds and rebuilds (FROM scratch, one COPY: no busybox, no RUN), removed at the end.
const REBUILD_DOCKERFILE = `FROM scratch\nCOPY payload-${process.pid}.txt /payload.txt\n`;
const REBUILD_TAG = `layerlens-e2e/rebuild:${process.pid}`;
const docker = new DockerEngine(endpointFor(ENGINE, 'test', undefined)).docker;
const builtIds: string[] = [];

let vsixDir: string | undefined;
let workspace: string | undefined;
let server: CodeServer | undefined;
let browser: Browser | undefined;
let page: Page;

before(async () => {
  assertInstalled();
  vsixDir = mkdtempSync(join(tmpdir(), 'layerlens-e2e-vsix-'));
  // Copies of the fixture Dockerfiles (the images carry a build-time label on top: matching must see past it).
  workspace = mkdtempSync(join(tmpdir(), 'layerlens-e2e-dockerfiles-'));
  for (const fixture of ['basics', 'whiteouts']) {
    mkdirSync(join(workspace, fixture));
    writeFileSync(join(workspace, fixture, 'Dockerfile'), readFileSync(join(ROOT, 'test', 'fixtures', fixture, 'Dockerfile')));
  }
  mkdirSync(join(workspace, 'small'));
  writeFileSync(join(workspace, 'small', 'Dockerfile'), SMALL_DOCKERFILE);
  mkdirSync(join(workspace, 'rebuild'));
  writeFileSync(join(workspace, 'rebuild', 'Dockerfile'), REBUILD_DOCKERFILE);
  const vsix = await packageExtension(vsixDir);
  server = await startCodeServer({
    vsix,
    workspace,
    settings: { 'layerlens.dockerHost': ENGINE, 'workbench.editor.enablePreview': false, 'editor.hover.delay': 200, 'files.autoSave': 'off' },
  });
  browser = await launchBrowser({ viewport: { width: 1400, height: 860 } });
  page = browser.page;
  page.setDefaultTimeout(TIMEOUT);
  await openWorkbench(page, server.url);
  // Open the Layerlens sidebar first, as a user would: it activates the extension and connects to the engine.
  await activityBarItem(page, 'Layerlens').click();
  await waitForEngineStatus(page);
});

after(async () => {
  try {
    for (const id of builtIds) await docker.getImage(id).remove({ force: true }).catch(() => undefined);
    await server?.stop();
  } finally {
    await browser?.close();
    if (vsixDir) rmSync(vsixDir, { recursive: true, force: true });
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  }
});

/** Opens a workspace file with Quick Open and waits for its editor. */
async function openFile(relativePath: string): Promise<void> {
  await page.locator('.part.statusbar').click();
  await page.keyboard.press('Control+P');
  const quickInput = page.locator('.quick-input-widget');
  await quickInput.locator('input').waitFor({ state: 'visible' });
  await page.keyboard.type(relativePath);
  await quickInput.locator('.monaco-list-row').filter({ hasText: relativePath.split('/')[0] }).first().click();
  await page.locator('.tab.active').filter({ hasText: 'Dockerfile' }).waitFor({ state: 'visible' });
  await editorLine(relativePath.startsWith('basics/') || relativePath.startsWith('whiteouts/') ? '# Layerlens fixture' : 'FROM scratch').waitFor({ state: 'visible' });
}

const editor = () => page.locator('.editor-instance .monaco-editor').first();
const editorLine = (text: string): Locator => editor().locator('.view-line').filter({ hasText: text }).first();
const statusItem = (text: RegExp): Locator => page.locator('.statusbar-item').filter({ hasText: text }).first();
/** The status item once the linked image is indexed (its icon stops spinning and shows layers). */
const indexedStatus = (text: RegExp): Locator => page.locator('.statusbar-item').filter({ hasText: text, has: page.locator('.codicon-layers') }).first();

/** Moves the pointer over the first characters of a line (its keyword), where the editor asks for a hover. */
async function hoverLine(text: string): Promise<Locator> {
  await page.mouse.move(700, 10); // off the editor: an open hover closes
  await page.waitForTimeout(300);
  const box = await editorLine(text).boundingBox();
  assert.ok(box, `line "${text}" is shown`);
  await page.mouse.move(box.x + 12, box.y + box.height / 2, { steps: 4 });
  // Case-sensitive: a string would also match the title bar's own hover ("Search layerlens-e2e-… — Dockerfile"),
  // which the mouse passes on its way off the editor.
  const hover = page.locator('.monaco-hover').filter({ hasText: /Layerlens/ }).first();
  await hover.waitFor({ state: 'visible' }).catch(async (error) => {
    await screenshot(page, 'dockerfile-failure', { keepPointer: true });
    throw error;
  });
  return hover;
}

async function clickAt(x: number, y: number): Promise<void> {
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.up();
}

/** Puts the cursor on a line and opens its quick fixes. */
async function quickFix(lineText: string, title: string): Promise<void> {
  const box = await editorLine(lineText).boundingBox();
  assert.ok(box, `line "${lineText}" is shown`);
  const item = page.locator('.action-widget .monaco-list-row').filter({ hasText: title }).first();
  // The menu lists the fixes known when it opens: right after an edit, the line's new diagnostics may not be in
  // yet, so a menu without the fix is closed and opened again.
  for (let attempt = 1; ; attempt++) {
    await clickAt(box.x + 8, box.y + box.height / 2);
    await page.keyboard.press('Control+.');
    const shown = await item.waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false);
    if (shown) break;
    if (attempt === 6) throw new Error(`the quick fix "${title}" was not offered on "${lineText}"`);
    await page.keyboard.press('Escape');
  }
  await screenshot(page, `dockerfile-quick-fix-${title.replace(/\W+/g, '-').toLowerCase()}`, { keepPointer: true });
  // The menu takes the keyboard (a pointer block covers the page while it is open): move to the fix, Enter.
  for (let i = 0; i < 10 && !/\bfocused\b/.test((await item.getAttribute('class')) ?? ''); i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.locator('.action-widget').waitFor({ state: 'hidden' });
}

/** Builds REBUILD_DOCKERFILE with a payload of `bytes` bytes (classic builder, no network) as REBUILD_TAG. */
async function buildPayloadImage(bytes: number): Promise<string> {
  const context = pack();
  context.entry({ name: 'Dockerfile' }, REBUILD_DOCKERFILE);
  context.entry({ name: `payload-${process.pid}.txt` }, 'p'.repeat(bytes));
  context.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of context) chunks.push(chunk as Buffer);
  const stream = await docker.buildImage(Readable.from([Buffer.concat(chunks)]), { t: REBUILD_TAG, networkmode: 'none', rm: true, forcerm: true });
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (error: Error | null, output: { error?: string }[]) => {
      const failed = error?.message ?? output.find((o) => o.error)?.error;
      if (failed) reject(new Error(`docker build of ${REBUILD_TAG} failed: ${failed}`));
      else resolve();
    }),
  );
  const id = (await docker.getImage(REBUILD_TAG).inspect()).Id;
  builtIds.push(id);
  return id;
}

interface CliLayers {
  layers: { index: number; instruction: string; size: number; added: number; wastedBytes: number }[];
}

async function cliJson<T>(args: string[]): Promise<T> {
  const result = await runCli([...args, '--json', '--host', ENGINE]);
  assert.ok(result.code === 0 || result.code === 1, `layerlens ${args.join(' ')}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

test('basics: linked automatically, then by the command; the hover of a RUN gives its layer size, CodeLenses each cost', async () => {
  await openFile('basics/Dockerfile');
  // Automatically: one of the two fixture builds of this very Dockerfile (both match it fully; the newest wins).
  await statusItem(/basics:(legacy|buildkit) · 100% match/).waitFor({ state: 'visible', timeout: 60_000 });

  // Explicitly: the legacy build, remembered for this workspace.
  await runCommand(page, 'Layerlens: Link Dockerfile to Image…');
  const picks = page.locator('.quick-input-widget .monaco-list-row');
  await picks.filter({ hasText: 'layerlens-test/basics:legacy' }).first().waitFor({ state: 'visible', timeout: 60_000 });
  const firstTwo = (await picks.allTextContents()).filter((t) => t.includes('layerlens-test/')).slice(0, 2);
  assert.ok(firstTwo.every((t) => /layerlens-test\/basics:(legacy|buildkit).*100% match/.test(t)), `best matches first: ${firstTwo.join(' | ')}`);
  await page.keyboard.type('basics:legacy');
  await picks.filter({ hasText: 'layerlens-test/basics:legacy' }).first().click();
  await indexedStatus(/basics:legacy · 100% match/).waitFor({ state: 'visible', timeout: 120_000 });

  // The oracle: the CLI's layer for the first big RUN (its 2 MiB file makes it the biggest).
  const cli = await cliJson<CliLayers>(['layers', 'layerlens-test/basics:legacy']);
  const run = cli.layers.find((l) => l.instruction.startsWith('RUN mkdir -p /app/data'));
  assert.ok(run, 'the CLI lists the RUN');
  const size = formatBytes(run.size);

  // CodeLens above the RUN: its size and files, once the image is indexed.
  const lens = editor().locator('.codelens-decoration').filter({ hasText: `${size} · +${run.added.toLocaleString('en-US')} files` });
  await lens.first().waitFor({ state: 'visible', timeout: 120_000 });
  assert.ok((await editor().locator('.codelens-decoration').filter({ hasText: 'metadata only · no layer' }).count()) > 0, 'ENV/LABEL lenses say metadata only');

  const hover = await hoverLine('RUN mkdir -p /app/data');
  const text = await hover.innerText();
  assert.match(text, new RegExp(`layer #${run.index} of ${cli.layers.length}`));
  assert.ok(text.includes(size), `the hover shows ${size}: ${text}`);
  assert.match(text, /of the image/);
  assert.match(text, /Explain This Layer/);
  assert.match(text, /Show in Layer Explorer/);
  await screenshot(page, 'dockerfile-hover', { keepPointer: true });
  mkdirSync(README_SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(README_SCREENSHOTS, 'dockerfile-hover.png') });

  // The hover's command link opens "Explain This Layer" (the lead's preview) for exactly this layer.
  await hover.locator('a').filter({ hasText: 'Explain This Layer' }).first().click();
  await markdownPreview(page).filter({ hasText: 'mkdir -p /app/data' }).waitFor({ state: 'visible', timeout: 60_000 });
  await runCommand(page, 'View: Close Editor');

  const env = await hoverLine('ENV LAYERLENS_FIXTURE');
  assert.match(await env.innerText(), /metadata only/);
  await page.mouse.move(700, 10);
});

test('basics: an edited line is "changed since the image was built", with no numbers', async () => {
  await openFile('basics/Dockerfile');
  // The RUN's last line (not one ending in a backslash: that would break the continuation).
  const line = editorLine('&& chmod 600 /app/big.bin');
  const box = await line.boundingBox();
  assert.ok(box);
  await clickAt(box.x + 30, box.y + box.height / 2);
  await page.keyboard.press('End');
  await page.keyboard.type(' && true');
  const hover = await hoverLine("RUN echo 'config v2'");
  await hover.filter({ hasText: 'Changed since the image was built' }).waitFor({ state: 'visible' });
  assert.doesNotMatch(await hover.innerText(), /\d (B|kB|MB) ·/);
  await editor().locator('.codelens-decoration').filter({ hasText: 'changed since the image was built' }).first().waitFor({ state: 'visible' });
  await indexedStatus(/basics:legacy · \d+% match/).waitFor({ state: 'visible' });
  await page.mouse.move(700, 10);
  await runCommand(page, 'File: Revert File');
  await indexedStatus(/basics:legacy · 100% match/).waitFor({ state: 'visible' });
});

test('whiteouts: each separate rm step carries one diagnostic, the image-backed LL2001 the CLI finds, on the rm itself', async () => {
  // Only this Dockerfile's problems in the panel: a closed document's diagnostics go with it.
  await runCommand(page, 'View: Close All Editors');
  await openFile('whiteouts/Dockerfile');
  const status = indexedStatus(/whiteouts:(legacy|buildkit) · 100% match/);
  await status.waitFor({ state: 'visible', timeout: 60_000 });
  const builder = /whiteouts:(legacy|buildkit)/.exec(await status.innerText())![1];
  const lint = await cliJson<{ findings: { line: number; ruleId: string; message: string }[] }>([
    'lint', join(workspace!, 'whiteouts', 'Dockerfile'), '--image', `layerlens-test/whiteouts:${builder}`,
  ]);
  const expected = lint.findings.filter((f) => f.ruleId === 'LL2001');
  assert.ok(expected.length >= 2, 'the CLI finds LL2001 on the rm steps');
  assert.ok(expected.every((f) => /added by the RUN on line \d+/.test(f.message)), 'it says where the bytes came from');
  assert.deepEqual(lint.findings.filter((f) => f.ruleId === 'LL1001'), [], 'the CLI reports each rm once');

  await page.keyboard.press('Control+Shift+M');
  const problems = page.locator('.markers-panel');
  await problems.waitFor({ state: 'visible' });
  const rows = problems.locator('.monaco-list-row');
  for (const finding of expected) {
    const row = rows.filter({ hasText: finding.message }).filter({ hasText: `[Ln ${finding.line},` });
    await row.first().waitFor({ state: 'visible', timeout: 60_000 });
    assert.match(await row.first().innerText(), /LL2001/);
  }
  // Once the image-backed warnings are in, the static LL1001 on the same rm lines is gone: one diagnostic per rm.
  assert.equal(await rows.filter({ hasText: 'LL1001' }).count(), 0, 'no LL1001 beside the LL2001 of the same rm');
  assert.equal(await rows.filter({ hasText: 'LL2001' }).count(), expected.length);
  await screenshot(page, 'dockerfile-diagnostics');
  await page.keyboard.press('Control+Shift+M');
});

test('quick fixes: ADD→COPY and merging consecutive RUNs edit the text', async () => {
  await openFile('small/Dockerfile');
  await statusItem(/Link image…/).waitFor({ state: 'visible', timeout: 60_000 });
  const hover = await hoverLine('RUN echo two');
  const text = await hover.innerText();
  assert.match(text, /DL3059/, 'not linked: the static hint of the line');
  assert.match(text, /Link Dockerfile to Image…/);
  await page.mouse.move(700, 10);

  await quickFix('ADD app.txt', 'Replace ADD with COPY');
  await editorLine('COPY app.txt /app.txt').waitFor({ state: 'visible' });
  await quickFix('RUN echo two', 'Merge with the RUN above');
  await page.keyboard.press('Control+S');
  const file = join(workspace!, 'small', 'Dockerfile');
  const deadline = Date.now() + 10_000;
  let saved = readFileSync(file, 'utf8');
  while (saved === SMALL_DOCKERFILE && Date.now() < deadline) {
    await page.waitForTimeout(200);
    saved = readFileSync(file, 'utf8');
  }
  assert.match(saved, /^FROM scratch\nCOPY app\.txt \/app\.txt\nRUN echo one/);
  assert.doesNotMatch(saved, /\nRUN echo two/, 'the second RUN is merged into the first');
  assert.match(saved, /echo one[\s\\]*&&[\s\\]*echo two/);
});

test('a linked image rebuilt under the same tag is picked up from the engine\'s events', async () => {
  await buildPayloadImage(1000);
  await runCommand(page, 'View: Close All Editors');
  await openFile('rebuild/Dockerfile');
  await runCommand(page, 'Layerlens: Link Dockerfile to Image…');
  const picks = page.locator('.quick-input-widget .monaco-list-row');
  await picks.filter({ hasText: REBUILD_TAG }).first().waitFor({ state: 'visible', timeout: 60_000 });
  await page.keyboard.type(REBUILD_TAG);
  await picks.filter({ hasText: REBUILD_TAG }).first().click();
  const shortName = REBUILD_TAG.slice(REBUILD_TAG.indexOf('/') + 1);
  await indexedStatus(new RegExp(`${shortName} · 100% match`)).waitFor({ state: 'visible', timeout: 60_000 });
  const lens = (size: string) => editor().locator('.codelens-decoration').filter({ hasText: `${size} · +1 file` }).first();
  await lens('1.0 kB').waitFor({ state: 'visible', timeout: 60_000 });

  // Rebuilt with a bigger payload: a new image ID under the same tag, found without any action in the editor.
  const before = builtIds[0];
  const after = await buildPayloadImage(5000);
  assert.notEqual(after, before);
  await lens('5.0 kB').waitFor({ state: 'visible', timeout: 60_000 });
  const hover = await hoverLine('COPY payload');
  assert.match(await hover.innerText(), /5\.0 kB/);
  await page.mouse.move(700, 10);
});

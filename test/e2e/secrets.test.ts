// End to end, in code-server + Chromium against Engine 20.10's fixture layerlens-test/secrets (fake tokens in ENV,
// LABEL, ARG and RUN lines): the Images view's steps, the Explain preview of a step and of a layer, the Layer
// Explorer (header and step list) and the Dockerfile hover of a secret ENV line show the masked form
// (`GITHUB_TOKEN=ghp_****`) and the secret findings by name, and never a value. (The Dockerfile editor itself
// shows the file's own text, values included: only Layerlens' hover is checked there.) Needs test/e2e/setup.sh,
// the engines and the fixtures.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { activityBarItem, launchBrowser, openWorkbench, type Browser } from './support/browser';
import { assertInstalled, packageExtension, ROOT, startCodeServer, type CodeServer } from './support/codeServer';
import { explorerFrame, openExplorer } from './support/explorerPage';
import type { Locator, Page } from './support/playwright';
import { contextMenu, filterImages, imagesPane, imagesRow, markdownPreview, runCommand, screenshot, waitForEngineStatus } from './support/workbench';

const ENGINE = 'unix:///var/run/docker.sock';
const IMAGE = 'layerlens-test/secrets:legacy';
const FIXTURE = join(ROOT, 'test', 'fixtures', 'secrets', 'Dockerfile');
/** Each value's secret part (past its public prefix), read from the fixture's Dockerfile. */
const SECRET_PARTS = [
  /ghp_(\w+)/, /github_pat_(\w+)/, /DB_PASSWORD=(\S+)/, /xoxb-([\w-]+)/, /AKIA([A-Z0-9]{16})/, /npm_(\w+)/, /pypi-([\w-]+)/, /aws_secret_access_key=(\w+)/, /token=(\w+)"/,
].map((re) => {
  const m = re.exec(readFileSync(FIXTURE, 'utf8'));
  assert.ok(m, `the fixture has ${re}`);
  return m[1];
});

let vsixDir: string | undefined;
let workspace: string | undefined;
let server: CodeServer | undefined;
let browser: Browser | undefined;
let page: Page;

function assertNoValue(text: string, where: string): void {
  assert.ok(text.length > 0, `${where} shows something`);
  for (const part of SECRET_PARTS) assert.ok(!text.includes(part), `${where} shows a secret value (${part.slice(0, 6)}…):\n${text}`);
}

before(async () => {
  assertInstalled();
  vsixDir = mkdtempSync(join(tmpdir(), 'layerlens-e2e-vsix-'));
  workspace = mkdtempSync(join(tmpdir(), 'layerlens-e2e-secrets-'));
  mkdirSync(join(workspace, 'secrets'));
  writeFileSync(join(workspace, 'secrets', 'Dockerfile'), readFileSync(FIXTURE));
  const vsix = await packageExtension(vsixDir);
  server = await startCodeServer({
    vsix,
    workspace,
    settings: { 'layerlens.dockerHost': ENGINE, 'workbench.editor.enablePreview': false, 'editor.hover.delay': 200, 'files.autoSave': 'off' },
  });
  browser = await launchBrowser({ viewport: { width: 1400, height: 860 } });
  page = browser.page;
  page.setDefaultTimeout(30_000);
  await openWorkbench(page, server.url);
  await activityBarItem(page, 'Layerlens').click();
  await waitForEngineStatus(page);
});

after(async () => {
  try {
    await server?.stop();
  } finally {
    await browser?.close();
    if (vsixDir) rmSync(vsixDir, { recursive: true, force: true });
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  }
});

test('Images view and the Explain preview: steps masked, the secrets named by variable and step', async () => {
  await (await filterImages(page, 'layerlens-test/secrets')).click();
  await imagesRow(page, /^legacy/).click();
  const envRow = imagesRow(page, 'ENV GITHUB_TOKEN=ghp_****');
  await envRow.waitFor({ state: 'visible', timeout: 60_000 });
  await imagesRow(page, 'ARG NPM_TOKEN=npm_****').waitFor({ state: 'visible' });
  assertNoValue(await imagesPane(page).innerText(), 'the Images view');
  await screenshot(page, 'secrets-images-view');

  // A metadata step: its explanation names the variable, and shows the step masked.
  await contextMenu(page, envRow, 'Explain This Layer');
  const preview = markdownPreview(page);
  await preview.getByText('ENV GITHUB_TOKEN=ghp_****').first().waitFor({ state: 'visible', timeout: 60_000 });
  let text = await preview.innerText();
  assert.match(text, /LL3001/);
  assert.match(text, /set in the image config/);
  assertNoValue(text, 'the Explain preview of the ENV step');

  // The RUN layer that records the build arguments.
  await contextMenu(page, imagesRow(page, /RUN mkdir -p \/app/), 'Explain This Layer');
  await preview.getByText(/ARG NPM_TOKEN in the RUN of step \d+/).first().waitFor({ state: 'visible', timeout: 60_000 });
  text = await preview.innerText();
  assert.match(text, /recorded in the build history/);
  assertNoValue(text, 'the Explain preview of the RUN layer');
  await screenshot(page, 'secrets-explain-layer');
});

test('Layer Explorer: the header and the step list show the masked steps only', async () => {
  await openExplorer(page, IMAGE);
  const body = explorerFrame(page).locator('body');
  await explorerFrame(page).locator('.layer').filter({ hasText: 'ENV GITHUB_TOKEN=ghp_****' }).first().waitFor({ state: 'visible' });
  await explorerFrame(page).locator('.layer').filter({ hasText: 'npm_****' }).first().waitFor({ state: 'attached' });
  assertNoValue(await body.innerText(), 'the explorer');
  await screenshot(page, 'secrets-explorer');
});

const editor = () => page.locator('.editor-instance .monaco-editor').first();
const editorLine = (text: string): Locator => editor().locator('.view-line').filter({ hasText: text }).first();

async function hoverLine(text: string): Promise<string> {
  await page.mouse.move(700, 10);
  await page.waitForTimeout(300);
  const box = await editorLine(text).boundingBox();
  assert.ok(box, `line "${text}" is shown`);
  await page.mouse.move(box.x + 12, box.y + box.height / 2, { steps: 4 });
  const hover = page.locator('.monaco-hover').filter({ hasText: /Layerlens/ }).first();
  await hover.waitFor({ state: 'visible' });
  return hover.innerText();
}

test('Dockerfile hover: an ENV line with a token shows its step masked and its LL3001, never the value', async () => {
  await runCommand(page, 'View: Close All Editors');
  // Quick Open, then its Dockerfile row; a click that lands while the list still changes opens nothing, so the
  // file is asked for again until its tab is active.
  const quickInput = page.locator('.quick-input-widget');
  for (let attempt = 1; ; attempt++) {
    await page.locator('.part.statusbar').click();
    await page.keyboard.press('Control+P');
    await quickInput.locator('input').waitFor({ state: 'visible' });
    await page.keyboard.type('secrets/Dockerfile');
    await quickInput.locator('.monaco-list-row').filter({ hasText: 'Dockerfile' }).first().click();
    const opened = await page.locator('.tab.active').filter({ hasText: 'Dockerfile' }).waitFor({ state: 'visible', timeout: 10_000 }).then(() => true, () => false);
    if (opened) break;
    if (attempt === 3) throw new Error('Quick Open did not open secrets/Dockerfile');
    await page.keyboard.press('Escape');
  }
  await editorLine('FROM scratch').waitFor({ state: 'visible', timeout: 60_000 });
  // Linked by itself to one of the two builds (both match every line, the masked ones included), then indexed.
  await page
    .locator('.statusbar-item')
    .filter({ hasText: /secrets:(legacy|buildkit) · 100% match/, has: page.locator('.codicon-layers') })
    .first()
    .waitFor({ state: 'visible', timeout: 180_000 });

  const envHover = await hoverLine('ENV GITHUB_TOKEN');
  assert.match(envHover, /Recorded as: ENV GITHUB_TOKEN=ghp_\*\*\*\*/);
  assert.match(envHover, /LL3001 .*ENV GITHUB_TOKEN/);
  assertNoValue(envHover, 'the hover of ENV GITHUB_TOKEN');
  await screenshot(page, 'secrets-dockerfile-hover', { keepPointer: true });

  const runHover = await hoverLine('RUN mkdir -p /app');
  assert.match(runHover, /LL3001 .*ARG NPM_TOKEN in the RUN of step \d+/);
  assertNoValue(runHover, 'the hover of the RUN that records the build arguments');
});

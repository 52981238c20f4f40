// End to end, in a real VS Code (code-server) in headless Chromium: the packaged extension installs, its activity-bar
// item opens the Images view, which lists the fixture images of the real Engine 20.10 (test/setup) by repository, tag
// and build step; pointed at a host where nothing listens, the view explains with its welcome and recovers when
// pointed back; and the extension logs to its output channel. Needs test/e2e/setup.sh, the engines and the fixtures.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { activityBarItem, launchBrowser, openWorkbench, type Browser } from './support/browser';
import { assertInstalled, packageExtension, ROOT, startCodeServer, type CodeServer } from './support/codeServer';
import { endpointFor } from '../../src/docker/connection';
import { DockerEngine } from '../../src/docker/engine';
import type { Page } from './support/playwright';

const TIMEOUT = 30_000;
const SCREENSHOTS = join(ROOT, 'media', 'screenshots');

interface Manifest {
  contributes: {
    viewsContainers: { activitybar: { id: string; title: string }[] };
    views: Record<string, { id: string; name: string }[]>;
    viewsWelcome: { view: string; contents: string; when?: string }[];
  };
}
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;
const container = manifest.contributes.viewsContainers.activitybar.find((c) => c.id === 'layerlens');
const imagesView = manifest.contributes.views.layerlens?.find((v) => v.id === 'layerlens.images');

/** The Images view's welcome for an engine state, as VS Code renders it: paragraphs (links inline) and buttons. */
function welcomeFor(state: string): { paragraphs: string[]; buttons: string[] } {
  const welcomes = manifest.contributes.viewsWelcome.filter((w) => w.view === 'layerlens.images');
  const welcome = welcomes.find((w) => w.when?.includes(state)) ?? welcomes.find((w) => !w.when);
  assert.ok(welcome, `package.json contributes no viewsWelcome for layerlens.images that applies while the engine is ${state}`);
  // A line that is only a link becomes a button; any other line a paragraph with its links inline.
  const link = /\[([^\]]+)\]\([^)]+\)/g;
  const onlyLink = /^\[[^\]]+\]\([^)]+\)$/;
  const lines = welcome.contents.split('\n').map((l) => l.trim()).filter(Boolean);
  return {
    paragraphs: lines.filter((l) => !onlyLink.test(l)).map((l) => l.replace(link, '$1')),
    buttons: lines.filter((l) => onlyLink.test(l)).map((l) => l.replace(link, '$1')),
  };
}

/** A localhost port where nothing listens (taken, then released). */
async function closedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const ENGINE = 'unix:///var/run/docker.sock';
const CONTAINER = `layerlens-e2e-${process.pid}`;
const docker = new DockerEngine(endpointFor(ENGINE, 'test', undefined)).docker;

let vsixDir: string | undefined;
let server: CodeServer | undefined;
let browser: Browser | undefined;
let page: Page;

before(async () => {
  assertInstalled();
  vsixDir = mkdtempSync(join(tmpdir(), 'layerlens-e2e-vsix-'));
  const vsix = await packageExtension(vsixDir);
  server = await startCodeServer({ vsix, settings: { 'layerlens.dockerHost': ENGINE } });
  browser = await launchBrowser();
  page = browser.page;
  page.setDefaultTimeout(TIMEOUT);
  await openWorkbench(page, server.url);
  mkdirSync(SCREENSHOTS, { recursive: true });
});

after(async () => {
  await docker.getContainer(CONTAINER).remove({ force: true }).catch(() => undefined);
  // code-server first, while the browser is still connected (see stopProcessGroup), then the browser; both always.
  try {
    await server?.stop();
  } finally {
    await browser?.close();
    if (vsixDir) rmSync(vsixDir, { recursive: true, force: true });
  }
});

const sidebar = () => page.locator('.part.sidebar');
const row = (text: string | RegExp) => sidebar().locator('.monaco-list-row').filter({ hasText: text }).first();

async function runCommand(title: string): Promise<void> {
  await page.keyboard.press('F1');
  const quickInput = page.locator('.quick-input-widget');
  await quickInput.locator('input').waitFor({ state: 'visible' });
  await page.keyboard.type(title);
  await quickInput.locator('.monaco-list-row').filter({ hasText: title }).first().click();
}

async function chooseDockerHost(host: string): Promise<void> {
  await runCommand('Layerlens: Choose Docker Host…');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(host);
  await page.keyboard.press('Enter');
}

test('the Images view lists the engine\'s images by repository, tag and build step', async () => {
  assert.ok(container && imagesView, 'package.json contributes the layerlens view container and its layerlens.images view');
  const item = activityBarItem(page, container.title);
  await item.waitFor({ state: 'visible' });
  await item.click();
  await sidebar().locator('.pane-header h3.title').filter({ hasText: imagesView.name }).waitFor({ state: 'visible' });

  // The status bar names the engine (the view's own description is hidden while the container shows one view).
  await page.locator('.statusbar-item').filter({ hasText: /Docker Engine 20\.10/ }).first().waitFor({ state: 'visible' });
  await row('layerlens-test/basics').click();
  await row(/^buildkit/).waitFor({ state: 'visible' });
  await row(/^legacy/).click();
  // Steps, oldest first, as readable instructions; metadata-only ones say so.
  await row('RUN mkdir -p /app/data').waitFor({ state: 'visible' });
  await row('ENV LAYERLENS_FIXTURE=basics').filter({ hasText: 'metadata' }).waitFor({ state: 'visible' });
  const labels = await sidebar().locator('.monaco-list-row .label-name').allTextContents();
  const copy = labels.findIndex((l) => l.startsWith('COPY'));
  const chmod = labels.findIndex((l) => l.includes('chmod 600 /app/big.bin'));
  assert.ok(copy >= 0 && chmod > copy, `steps are listed oldest first: ${JSON.stringify(labels)}`);

  await page.mouse.move(700, 400);
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(SCREENSHOTS, 'images-view.png') });
});

test('with no engine at the chosen host, the welcome explains and offers Retry; pointing back recovers', async () => {
  const port = await closedPort();
  await chooseDockerHost(`tcp://127.0.0.1:${port}`);
  const welcome = welcomeFor('engineFailure == not-running');
  const content = sidebar().locator('.welcome-view-content');
  for (const paragraph of welcome.paragraphs) await content.locator('p').filter({ hasText: paragraph.slice(0, 40) }).first().waitFor({ state: 'visible' });
  for (const label of welcome.buttons) await content.locator('.monaco-button').filter({ hasText: label }).first().waitFor({ state: 'visible' });
  assert.deepEqual(welcome.buttons, ['Retry', 'Choose Docker Host…', 'Open Image Archive…']);
  await page.locator('.statusbar-item').filter({ hasText: `No Docker engine at tcp://127.0.0.1:${port}` }).first().waitFor({ state: 'visible' });
  await page.mouse.move(700, 400);
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(SCREENSHOTS, 'engine-unreachable.png') });

  await chooseDockerHost(ENGINE);
  await row('layerlens-test/basics').waitFor({ state: 'visible' });
});

test('a new container appears by itself; its read-write layer lists what it added, changed and deleted', async () => {
  // Made while the view is open: the engine's events must bring it in without a refresh.
  const created = await docker.createContainer({
    name: CONTAINER,
    Image: 'layerlens-test/basics:legacy',
    User: '0',
    Cmd: ['/bin/sh', '-c', 'echo new > /new.txt && rm /app/hello.txt && echo more >> /app/data/config.txt'],
    HostConfig: { NetworkMode: 'none' },
  });
  await created.start();
  await created.wait();
  await sidebar().locator('.pane-header h3.title').filter({ hasText: 'Containers' }).waitFor({ state: 'visible' });
  await row(CONTAINER).click();
  await row('Container layer (read-write)').filter({ hasText: '1 added · 3 changed · 1 deleted' }).waitFor({ state: 'visible' });
  await row(/^new\.txt/).waitFor({ state: 'visible' });
  await row(/^app/).click();
  await row(/^hello\.txt/).waitFor({ state: 'visible' });
  await page.mouse.move(700, 400);
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(SCREENSHOTS, 'containers-view.png') });
});

test('the extension activated and logs to its "Layerlens" output channel', async () => {
  await page.keyboard.press('Escape');
  await runCommand('Output: Show Output Channels');
  const quickInput = page.locator('.quick-input-widget');
  // The second pick lists the channels that exist: ours exists only once the extension has run.
  await quickInput.locator('.monaco-list-row .label-name').filter({ hasText: /^Layerlens$/ }).first().click();
  await quickInput.waitFor({ state: 'hidden' });
  const panel = page.locator('.part.panel');
  await panel.locator('.view-lines').filter({ hasText: 'Layerlens activated.' }).first().waitFor({ state: 'visible' });
  await panel.locator('.view-lines').filter({ hasText: 'Connected to Docker Engine 20.10' }).first().waitFor({ state: 'visible' });
});

// End to end, in a real VS Code (code-server) in headless Chromium: the packaged extension installs, its activity-bar
// item opens the Images view, which lists the fixture images of the real Engine 20.10 (test/setup) by repository, tag
// and build step; pointed at a host where nothing listens, the view explains with its welcome and recovers when
// pointed back; and the extension logs to its output channel (the Containers view is covered by views.test.ts).
// Needs test/e2e/setup.sh, the engines and the fixtures.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { activityBarItem } from './support/browser';
import { ROOT } from './support/codeServer';
import { openSession, type Session } from './support/session';
import { ensureNoiseImages } from './support/noiseImages';
import { chooseDockerHost, filterImages, imagesRow, runCommand as runPaletteCommand, screenshot, sidebar as workbenchSidebar } from './support/workbench';
import type { Page } from './support/playwright';

const TIMEOUT = 30_000;

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

let session: Session | undefined;
let page: Page;

before(async () => {
  // Other repositories first, as on a developer's Docker: the fixtures' rows must be found as a user would.
  await ensureNoiseImages(ENGINE);
  session = await openSession({ settings: { 'layerlens.dockerHost': ENGINE }, timeoutMs: TIMEOUT });
  page = session.page;
});

after(async () => {
  await session?.close();
});

const sidebar = () => workbenchSidebar(page);
const row = (text: string | RegExp) => imagesRow(page, text);
const runCommand = (title: string) => runPaletteCommand(page, title);

test('the Images view lists the engine\'s images by repository, tag and build step', async () => {
  assert.ok(container && imagesView, 'package.json contributes the layerlens view container and its layerlens.images view');
  const item = activityBarItem(page, container.title);
  await item.waitFor({ state: 'visible' });
  await item.click();
  await sidebar().locator('.pane-header h3.title').filter({ hasText: imagesView.name }).waitFor({ state: 'visible' });

  // The status bar names the engine (the view's own description is hidden while the container shows one view).
  await page.locator('.statusbar-item').filter({ hasText: /Docker Engine 20\.10/ }).first().waitFor({ state: 'visible' });
  await (await filterImages(page, 'layerlens-test/basics')).click();
  await row(/^buildkit/).waitFor({ state: 'visible' });
  await row(/^legacy/).click();
  // Steps, oldest first, as readable instructions; metadata-only ones say so.
  await row('RUN mkdir -p /app/data').waitFor({ state: 'visible' });
  await row('ENV LAYERLENS_FIXTURE=basics').filter({ hasText: 'metadata' }).waitFor({ state: 'visible' });
  const labels = await sidebar().locator('.monaco-list-row .label-name').allTextContents();
  // A layer step's label starts with its size ("2.1 MB · RUN …").
  const copy = labels.findIndex((l) => /^(\S+ \S+ · )?COPY/.test(l));
  const chmod = labels.findIndex((l) => l.includes('chmod 600 /app/big.bin'));
  assert.ok(copy >= 0 && chmod > copy, `steps are listed oldest first: ${JSON.stringify(labels)}`);

  await screenshot(page, 'images-view');
});

test('with no engine at the chosen host, the welcome explains and offers Retry; pointing back recovers', async () => {
  const port = await closedPort();
  await chooseDockerHost(page, `tcp://127.0.0.1:${port}`);
  const welcome = welcomeFor('engineFailure == not-running');
  const content = sidebar().locator('.welcome-view-content');
  for (const paragraph of welcome.paragraphs) await content.locator('p').filter({ hasText: paragraph.slice(0, 40) }).first().waitFor({ state: 'visible' });
  for (const label of welcome.buttons) await content.locator('.monaco-button').filter({ hasText: label }).first().waitFor({ state: 'visible' });
  assert.deepEqual(welcome.buttons, ['Retry', 'Choose Docker Host…', 'Open Image Archive…', 'Open Remote Image…']);
  await page.locator('.statusbar-item').filter({ hasText: `No Docker engine at tcp://127.0.0.1:${port}` }).first().waitFor({ state: 'visible' });
  await screenshot(page, 'engine-unreachable');

  await chooseDockerHost(page, ENGINE);
  await filterImages(page, 'layerlens-test/basics');
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

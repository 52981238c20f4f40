// End to end, in a real VS Code (code-server) in headless Chromium: the packaged extension installs, its activity-bar
// item opens the Images view, which lists the fixture images of the real Engine 20.10 (test/setup) by repository, tag
// and build step; pointed at a host where nothing listens, the view explains with its welcome and recovers when
// pointed back; a container's read-write layer says which image layer each changed file was copied up from; and the
// extension logs to its output channel. Needs test/e2e/setup.sh, the engines and the fixtures.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { activityBarItem } from './support/browser';
import { ROOT } from './support/codeServer';
import { openSession, type Session } from './support/session';
import { chooseDockerHost, widenSidebar, row as sidebarRow, runCommand as runPaletteCommand, screenshot, sidebar as workbenchSidebar } from './support/workbench';
import { runCli } from '../integration/support/cli';
import { formatBytes } from '../../src/core/format';
import { endpointFor } from '../../src/docker/connection';
import { DockerEngine } from '../../src/docker/engine';
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
const CONTAINER = `layerlens-e2e-${process.pid}`;
const docker = new DockerEngine(endpointFor(ENGINE, 'test', undefined)).docker;

let session: Session | undefined;
let page: Page;

before(async () => {
  session = await openSession({ settings: { 'layerlens.dockerHost': ENGINE }, timeoutMs: TIMEOUT });
  page = session.page;
});

after(async () => {
  try {
    await docker.getContainer(CONTAINER).remove({ force: true }).catch(() => undefined);
  } finally {
    await session?.close();
  }
});

const sidebar = () => workbenchSidebar(page);
const row = (text: string | RegExp) => sidebarRow(page, text);
const runCommand = (title: string) => runPaletteCommand(page, title);

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

  await screenshot(page, 'images-view');
});

test('with no engine at the chosen host, the welcome explains and offers Retry; pointing back recovers', async () => {
  const port = await closedPort();
  await chooseDockerHost(page, `tcp://127.0.0.1:${port}`);
  const welcome = welcomeFor('engineFailure == not-running');
  const content = sidebar().locator('.welcome-view-content');
  for (const paragraph of welcome.paragraphs) await content.locator('p').filter({ hasText: paragraph.slice(0, 40) }).first().waitFor({ state: 'visible' });
  for (const label of welcome.buttons) await content.locator('.monaco-button').filter({ hasText: label }).first().waitFor({ state: 'visible' });
  assert.deepEqual(welcome.buttons, ['Retry', 'Choose Docker Host…', 'Open Image Archive…']);
  await page.locator('.statusbar-item').filter({ hasText: `No Docker engine at tcp://127.0.0.1:${port}` }).first().waitFor({ state: 'visible' });
  await screenshot(page, 'engine-unreachable');

  await chooseDockerHost(page, ENGINE);
  await row('layerlens-test/basics').waitFor({ state: 'visible' });
});

/** Where each path of basics:legacy's top view comes from, by the CLI: the layer holding it and that layer's step. */
async function topViewSources(ref: string): Promise<Map<string, { layer: number; instruction: string; size: number }>> {
  const cli = async (command: string) => {
    const result = await runCli([command, ref, '--json', '--no-cache', '--host', ENGINE]);
    assert.equal(result.code, 0, `layerlens ${command} ${ref}: ${result.stderr}`);
    return JSON.parse(result.stdout) as unknown;
  };
  const tree = (await cli('tree')) as { entries: { path: string; size: number; addedIn: number; modifiedIn: number[] }[] };
  const layers = (await cli('layers')) as { steps: { instruction: string; layerIndex: number | null }[] };
  const instructions = new Map(layers.steps.filter((s) => s.layerIndex !== null).map((s) => [s.layerIndex!, s.instruction]));
  return new Map(
    tree.entries.map((e) => {
      // The version a container sees is the last layer that rewrote the path, else the one that added it.
      const layer = e.modifiedIn.at(-1) ?? e.addedIn;
      return [e.path, { layer, instruction: instructions.get(layer) ?? '', size: e.size }];
    }),
  );
}

test('a new container appears by itself; its read-write layer lists what it added, changed and deleted, and where each came from', async () => {
  // Made while the view is open: the engine's events must bring it in without a refresh.
  const created = await docker.createContainer({
    name: CONTAINER,
    Image: 'layerlens-test/basics:legacy',
    User: '0',
    Cmd: ['/bin/sh', '-c', 'echo new > /new.txt && rm /app/hello.txt && echo more >> /app/data/config.txt && chmod 644 /app/big.bin'],
    HostConfig: { NetworkMode: 'none' },
  });
  await created.start();
  await created.wait();
  const sources = await topViewSources('layerlens-test/basics:legacy');
  await sidebar().locator('.pane-header h3.title').filter({ hasText: 'Containers' }).waitFor({ state: 'visible' });
  await row(CONTAINER).click();
  // The image was never indexed in this fresh VS Code: the tree shows at once, and the sources arrive after a
  // background indexing (cancellable notification).
  const copied = formatBytes(sources.get('/app/big.bin')!.size + sources.get('/app/data/config.txt')!.size);
  await row('Container layer (read-write)').filter({ hasText: `1 added · 4 changed · 1 deleted · ${copied} copied up` }).waitFor({ state: 'visible' });
  await row(/^new\.txt/).waitFor({ state: 'visible' });
  await row(/^app/).filter({ hasText: `2 copied up · ${copied}` }).click();
  const big = sources.get('/app/big.bin')!;
  const hello = sources.get('/app/hello.txt')!;
  // Only the chmod's layer holds the visible big.bin (a metadata-only copy); hello.txt was last rewritten by a hardlink.
  assert.match(big.instruction, /chmod 600 \/app\/big\.bin/);
  await row(/^big\.bin/).filter({ hasText: `copied up from #${big.layer} ${big.instruction.slice(0, 30)}` }).waitFor({ state: 'visible' });
  await row(/^hello\.txt/).filter({ hasText: `whiteout over #${hello.layer} ${hello.instruction.slice(0, 30)}` }).waitFor({ state: 'visible' });
  await row(/^data/).click();
  const config = sources.get('/app/data/config.txt')!;
  await row(/^config\.txt/).filter({ hasText: `copied up from #${config.layer} ${config.instruction.slice(0, 30)}` }).waitFor({ state: 'visible' });
  // The tooltip says what the copy-up cost; shown wide, with it, for the README.
  await widenSidebar(page, 620);
  await row(/^big\.bin/).hover();
  await page.locator('.monaco-hover').filter({ hasText: `copied up the version of layer #${big.layer}` }).filter({ hasText: `${formatBytes(big.size)} duplicated` }).first().waitFor({ state: 'visible' });
  await screenshot(page, 'containers-view', { keepPointer: true });
  await widenSidebar(page, 300);
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

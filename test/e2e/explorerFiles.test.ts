// End to end, in code-server + Chromium on Engine 20.10: opening files from the Layer Explorer. A binary opens in
// VS Code's own "binary file" placeholder, never an error toast; symlinks (absolute, relative, dangling, to a
// directory) act the same from the details' button, Enter and the context menu; the explorer's context menu
// opens with Shift+F10, and Escape gives the keyboard focus back to the row, so that D and Ctrl+C still act.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { endpointFor } from '../../src/docker/connection';
import { DockerEngine } from '../../src/docker/engine';
import { buildTar } from '../support/tarBuilder';
import {
  detailsButton,
  explorerFrame,
  explorerMenu,
  focusedRow,
  focusInExplorer,
  notifications,
  openExplorer,
  selectLayer,
  selectRow,
  treeRow,
} from './support/explorerPage';
import type { Page } from './support/playwright';
import { openSession, type Session } from './support/session';
import { clearClipboard, markdownPreview, openLayerlens, runCommand, screenshot, waitForClipboard, waitForEngineStatus } from './support/workbench';

const ENGINE = 'unix:///var/run/docker.sock';
const BASICS = 'layerlens-test/basics:legacy';
const SYMLINK_STEP = "echo 'target' > /app/lib/target.txt";

let session: Session | undefined;
let page: Page;
const docker = new DockerEngine(endpointFor(ENGINE, 'test', undefined)).docker;
/** An image of this run whose /blob is a binary written twice (two COPY layers), for Compare on binaries. */
const BINARY_IMAGE = `layerlens-e2e/binary-versions:${randomBytes(4).toString('hex')}`;

/** ELF-looking bytes (NULs in the first 512): what VS Code calls binary. */
const blob = (size: number, seed: number) => Buffer.from(Array.from({ length: size }, (_, i) => (i % 7 === 0 ? 0 : (i * seed) % 251)));

async function buildBinaryImage(): Promise<void> {
  const context = buildTar([
    { name: 'Dockerfile', content: 'FROM scratch\nCOPY v1 /blob\nCOPY v2 /blob\n' },
    { name: 'v1', content: blob(1_000, 3) },
    { name: 'v2', content: blob(1_100, 5) },
  ]);
  const stream = await docker.buildImage(Readable.from([context]) as unknown as NodeJS.ReadableStream, { t: BINARY_IMAGE, networkmode: 'none', version: '1' } as object);
  const output = await new Promise<{ error?: string }[]>((resolve, reject) =>
    docker.modem.followProgress(stream, (error: Error | null, result: unknown[]) => (error ? reject(error) : resolve(result as never))),
  );
  assert.equal(output.find((line) => line.error), undefined, `building ${BINARY_IMAGE} failed`);
}

before(async () => {
  await buildBinaryImage();
  session = await openSession({ settings: { 'layerlens.dockerHost': ENGINE, 'workbench.editor.enablePreview': false }, viewport: { width: 1400, height: 860 } });
  page = session.page;
  await openLayerlens(page);
  await waitForEngineStatus(page);
});

after(async () => {
  try {
    await session?.close();
  } finally {
    await docker.getImage(BINARY_IMAGE).remove({ force: true }).catch(() => undefined);
  }
});

const explorer = () => explorerFrame(page);
const backToExplorer = () => page.locator('.tab').filter({ hasText: 'basics:legacy' }).first().click();
/** The editor that shows `text` (a file opened from the explorer). */
const editorWith = (text: string) => page.locator('.editor-instance .view-lines').filter({ hasText: text }).first();

async function clearNotifications(): Promise<void> {
  await runCommand(page, 'Notifications: Clear All Notifications');
}

test('a binary opens in VS Code\'s binary-file placeholder, with no error', async () => {
  await openExplorer(page, BASICS);
  await clearNotifications();
  await selectLayer(page, /COPY/);
  await selectRow(page, '/bin/busybox');
  assert.equal(await detailsButton(page, 'Open').getAttribute('disabled'), null, 'Open is enabled on a binary');
  await explorer().locator('.tree').press('Enter');
  const placeholder = page.locator('.editor-placeholder-label-container').filter({ hasText: /binary/ });
  await placeholder.waitFor({ state: 'visible' });
  await page.locator('.tab').filter({ hasText: 'busybox' }).first().waitFor({ state: 'visible' });
  // Any error would have come with the read, before the placeholder; give a late one a moment anyway.
  await page.waitForTimeout(1_000);
  assert.deepEqual((await notifications(page)).filter((n) => n.startsWith('error') || /binary/i.test(n)), [], 'no error toast');
  await screenshot(page, 'explorer-open-binary');
});

test('Compare on a binary says in one sentence what differs, instead of two binary placeholders; Open shows one', async () => {
  await openExplorer(page, BINARY_IMAGE);
  await clearNotifications();
  // The top layer, selected at first, is the second COPY: its /blob has an earlier version in the first.
  await explorer().locator('.tree[data-view$=" 1:1"]').waitFor({ state: 'attached' });
  await selectRow(page, '/blob');
  assert.equal(await detailsButton(page, 'Compare with Previous Version').getAttribute('disabled'), null);
  await page.keyboard.press('d');
  const sentence = '/blob is a binary file, which the diff editor cannot show: #0 has 1.0 kB and #1 has 1.1 kB, and their bytes differ.';
  const toast = page.locator('.notifications-toasts .notification-list-item').filter({ hasText: sentence }).first();
  await toast.waitFor({ state: 'visible' });
  assert.equal(await page.locator('.monaco-diff-editor').count(), 0, 'no diff editor of two placeholders');
  await toast.locator('.monaco-button').filter({ hasText: 'Open #1' }).click();
  await page.locator('.editor-placeholder-label-container').filter({ hasText: /binary/ }).waitFor({ state: 'visible' });
  assert.deepEqual((await notifications(page)).filter((n) => n.startsWith('error')), []);
});

test('an absolute symlink: "Open Link Target" says where it leads; the button and Enter open the target', async () => {
  await openExplorer(page, BASICS);
  await selectLayer(page, SYMLINK_STEP);
  await selectRow(page, '/app/lib/abs-symlink');
  const open = detailsButton(page, 'Open Link Target');
  await open.waitFor({ state: 'visible' });
  assert.equal(await open.getAttribute('disabled'), null);
  assert.match((await open.getAttribute('title')) ?? '', /^Opens \/app\/lib\/target\.txt, where this link leads\. \(Enter\)$/);
  const leadsTo = await explorer().locator('.details dd').allTextContents();
  assert.ok(leadsTo.includes('/app/lib/target.txt'), `the details say where it leads: ${leadsTo.join(' | ')}`);
  // target.txt has one version only: Compare says so instead of failing.
  const compare = detailsButton(page, 'Compare Link Target with Previous Version');
  assert.equal(await compare.getAttribute('disabled'), '');
  assert.match((await compare.getAttribute('title')) ?? '', /target\.txt, where this link leads, has no earlier version/);

  await open.click();
  await editorWith('target').waitFor({ state: 'visible' });
  await page.locator('.tab').filter({ hasText: 'target.txt' }).first().waitFor({ state: 'visible' });

  await runCommand(page, 'View: Close Editor');
  await backToExplorer();
  await treeRow(page, '/app/lib/abs-symlink').click();
  await page.keyboard.press('Enter');
  await page.locator('.tab').filter({ hasText: 'target.txt' }).first().waitFor({ state: 'visible' });
  await editorWith('target').waitFor({ state: 'visible' });
});

test('a relative symlink: the context menu offers "Open Link Target", resolved inside the image, and opens it', async () => {
  await openExplorer(page, BASICS);
  await selectLayer(page, SYMLINK_STEP);
  await selectRow(page, '/app/data/rel-symlink');
  await treeRow(page, '/app/data/rel-symlink').click({ button: 'right' });
  const item = explorerMenu(page).locator('.menu-item').filter({ hasText: 'Open Link Target' });
  await item.waitFor({ state: 'visible' });
  assert.equal(await item.getAttribute('aria-disabled'), 'false');
  assert.match((await item.getAttribute('title')) ?? '', /^Opens \/app\/lib\/target\.txt/, '../lib/target.txt from /app/data');
  assert.equal(await page.locator('.context-view .monaco-menu').count(), 0, "VS Code's own menu stayed closed");
  await item.click();
  await page.locator('.tab').filter({ hasText: 'target.txt' }).first().waitFor({ state: 'visible' });
  await editorWith('target').waitFor({ state: 'visible' });
});

test('a dangling symlink: button and menu item disabled with the reason; Enter says the same and opens nothing', async () => {
  await openExplorer(page, BASICS);
  await clearNotifications();
  await selectLayer(page, SYMLINK_STEP);
  await selectRow(page, '/app/lib/dangling-symlink');
  const reason = /^This link leads to \/nonexistent\/nowhere, which does not exist at layer \d+\.$/;
  const open = detailsButton(page, 'Open Link Target');
  assert.equal(await open.getAttribute('disabled'), '');
  assert.match(((await open.getAttribute('title')) ?? '').replace(/ \(Enter\)$/, ''), reason);

  await treeRow(page, '/app/lib/dangling-symlink').click({ button: 'right' });
  const item = explorerMenu(page).locator('.menu-item').filter({ hasText: 'Open Link Target' });
  await item.waitFor({ state: 'visible' });
  assert.equal(await item.getAttribute('aria-disabled'), 'true');
  assert.match((await item.getAttribute('title')) ?? '', reason);
  await page.keyboard.press('Escape');
  await explorerMenu(page).waitFor({ state: 'hidden' });

  const tabs = await page.locator('.tab').count();
  await page.keyboard.press('Enter');
  const toast = page.locator('.notifications-toasts .notification-list-item-message').filter({ hasText: reason });
  await toast.first().waitFor({ state: 'visible' });
  assert.equal(await page.locator('.tab').count(), tabs, 'no editor opened');
  assert.deepEqual((await notifications(page)).filter((n) => n.startsWith('error')), [], 'an information, not an error');
});

test('a symlink to a directory: "Reveal Link Target" selects the directory in the tree, from the button and from Enter', async () => {
  await openExplorer(page, BASICS);
  await selectLayer(page, SYMLINK_STEP);
  await selectRow(page, '/app/dir-symlink');
  const reveal = detailsButton(page, 'Reveal Link Target');
  assert.equal(await reveal.getAttribute('disabled'), null);
  assert.match((await reveal.getAttribute('title')) ?? '', /^Shows \/app\/lib, the directory this link leads to, in the tree\./);
  await page.keyboard.press('Enter');
  await explorer().locator('.tree-row.focused[data-path="/app/lib"]').waitFor({ state: 'visible' });
  assert.equal(await focusInExplorer(page), 'tree', 'the tree keeps the keyboard focus');

  await treeRow(page, '/app/dir-symlink').click();
  await explorer().locator('.details-path').filter({ hasText: '/app/dir-symlink' }).waitFor({ state: 'visible' });
  await detailsButton(page, 'Reveal Link Target').click();
  await explorer().locator('.tree-row.focused[data-path="/app/lib"]').waitFor({ state: 'visible' });
});

test('Shift+F10 opens the explorer\'s menu; after Escape the row keeps the focus, and D and Ctrl+C act', async () => {
  await openExplorer(page, BASICS);
  await selectLayer(page, 'chmod 600 /app/big.bin');
  await selectRow(page, '/app/data/config.txt');
  await page.keyboard.press('Shift+F10');
  await explorerMenu(page).locator('.menu-item').filter({ hasText: 'Compare with Previous Version' }).waitFor({ state: 'visible' });
  assert.equal(await page.locator('.context-view .monaco-menu').count(), 0, "not VS Code's Cut/Copy/Paste menu");
  assert.equal(await focusInExplorer(page), 'menu-item', 'the menu has the focus');
  await screenshot(page, 'explorer-context-menu', { keepPointer: true });
  await page.keyboard.press('Escape');
  await explorerMenu(page).waitFor({ state: 'hidden' });
  assert.equal(await focusInExplorer(page), 'tree', 'focus is back on the tree, not on <body>');
  assert.equal(await focusedRow(page).getAttribute('data-path'), '/app/data/config.txt');

  await page.keyboard.press('d');
  const diff = page.locator('.monaco-diff-editor');
  await diff.waitFor({ state: 'visible' });
  await diff.locator('.original .view-lines').filter({ hasText: 'config v1' }).waitFor({ state: 'visible' });
  await diff.locator('.modified .view-lines').filter({ hasText: 'config v2' }).waitFor({ state: 'visible' });

  await backToExplorer();
  await treeRow(page, '/app/data/config.txt').click();
  await page.keyboard.press('ContextMenu');
  await explorerMenu(page).waitFor({ state: 'visible' });
  await page.keyboard.press('Escape');
  await explorerMenu(page).waitFor({ state: 'hidden' });
  await clearClipboard(page);
  await page.keyboard.press('Control+c');
  assert.equal(await waitForClipboard(page), '/app/data/config.txt');
});

test('the layer list has its own menu: Shift+F10 and a right-click offer Explain This Layer and Copy Instruction', async () => {
  await openExplorer(page, BASICS);
  await selectLayer(page, 'chmod 600 /app/big.bin');
  await page.keyboard.press('Shift+F10');
  const menu = explorerMenu(page);
  await menu.locator('.menu-item').filter({ hasText: 'Explain This Layer' }).waitFor({ state: 'visible' });
  assert.equal(await page.locator('.context-view .monaco-menu').count(), 0, "not VS Code's Cut/Copy/Paste menu");
  assert.equal(await focusInExplorer(page), 'menu-item', 'the menu has the focus');
  await page.keyboard.press('Escape');
  await menu.waitFor({ state: 'hidden' });
  assert.equal(await focusInExplorer(page), 'layers', 'focus is back on the layer list, not on <body>');

  await clearClipboard(page);
  await page.keyboard.press('ContextMenu');
  await menu.locator('.menu-item').filter({ hasText: 'Copy Instruction' }).click();
  assert.match(await waitForClipboard(page), /chmod 600 \/app\/big\.bin/);

  await explorerFrame(page).locator('.layer').filter({ hasText: 'chmod 600 /app/big.bin' }).first().click({ button: 'right' });
  await menu.locator('.menu-item').filter({ hasText: 'Explain This Layer' }).click();
  await markdownPreview(page).getByText('What it costs').first().waitFor({ state: 'visible', timeout: 60_000 });
  assert.match(await markdownPreview(page).innerText(), /chmod 600 \/app\/big\.bin/);
});

// Driving the VS Code workbench the way a user does: the Layerlens sidebar and its rows, the Command Palette,
// context menus, the clipboard, screenshots. Selectors are the workbench's own (seen in VS Code 1.100).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { activityBarItem } from './browser';
import { ROOT } from './codeServer';
import type { Locator, Page } from './playwright';

/** Where the e2e runs leave their screenshots; the README's pictures are picked from here into media/. */
export const SCREENSHOTS = join(ROOT, 'test', 'e2e', 'screenshots');

export const sidebar = (page: Page): Locator => page.locator('.part.sidebar');

/** The first row of the sidebar whose text matches. */
export const row = (page: Page, text: string | RegExp): Locator => sidebar(page).locator('.monaco-list-row').filter({ hasText: text }).first();

/** The Images view's pane (the Containers view's rows name images too). */
export const imagesPane = (page: Page): Locator =>
  sidebar(page).locator('.pane').filter({ has: page.locator('.pane-header h3.title').filter({ hasText: /^Images$/ }) });

/** The first rendered row of the Images view whose text matches (the tree is virtualized: rows below the fold are not). */
export const imagesRow = (page: Page, text: string | RegExp): Locator => imagesPane(page).locator('.monaco-list-row').filter({ hasText: text }).first();

/**
 * Narrows the Images view to the images whose name contains `text` with its own Filter command, as a user with many
 * images does, and waits for the row `rowText`: other repositories sorting first would keep it below the fold.
 */
export async function filterImages(page: Page, text: string, rowText: string | RegExp = text): Promise<Locator> {
  await runCommand(page, 'Layerlens: Filter Images…');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(text);
  await page.keyboard.press('Enter');
  const found = imagesRow(page, rowText);
  await found.waitFor({ state: 'visible' });
  return found;
}

/** Waits until the Images view has `count` top-level rows: every rendered one states it (aria-setsize). */
export async function waitForImagesRootRows(page: Page, count: number, timeoutMs = 60_000): Promise<void> {
  await imagesPane(page).locator(`.monaco-list-row[aria-level="1"][aria-setsize="${count}"]`).first().waitFor({ state: 'visible', timeout: timeoutMs });
}

/** Waits until the status bar says which Docker Engine answered: the extension is up and connected. */
export async function waitForEngineStatus(page: Page): Promise<void> {
  await page.locator('.statusbar-item').filter({ hasText: /Docker Engine/ }).first().waitFor({ state: 'visible', timeout: 60_000 });
}

/** Clicks the Layerlens item of the activity bar and waits for its Images view. */
export async function openLayerlens(page: Page): Promise<void> {
  const item = activityBarItem(page, 'Layerlens');
  await item.waitFor({ state: 'visible' });
  await item.click();
  await sidebar(page).locator('.pane-header h3.title').filter({ hasText: 'Images' }).waitFor({ state: 'visible' });
}

/** Drags the sidebar's edge so that it is `width` pixels wide: long descriptions then show in screenshots. */
export async function widenSidebar(page: Page, width: number): Promise<void> {
  const box = await sidebar(page).boundingBox();
  if (!box) throw new Error('The sidebar is not shown.');
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width - 1, y);
  await page.mouse.down();
  await page.mouse.move(box.x + width, y, { steps: 8 });
  await page.mouse.up();
}

/** Runs a command by its title from the Command Palette. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const quickInput = page.locator('.quick-input-widget');
  await quickInput.locator('input').waitFor({ state: 'visible' });
  await page.keyboard.type(title);
  await quickInput.locator('.monaco-list-row').filter({ hasText: title }).first().click();
}

export async function chooseDockerHost(page: Page, host: string): Promise<void> {
  await runCommand(page, 'Layerlens: Choose Docker Host…');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(host);
  await page.keyboard.press('Enter');
}

/**
 * Right-clicks `target` and picks `item` from its context menu with the keyboard (VS Code draws the menu in a shadow
 * root; locators pierce it). A mouse click on an item was seen ignored on a loaded machine, leaving the menu open;
 * arrows and Enter are what the menu itself guarantees. With `screenshotName`, the open menu is saved first.
 */
export async function contextMenu(page: Page, target: Locator, item: string, screenshotName?: string): Promise<void> {
  await target.click({ button: 'right' });
  const menu = page.locator('.context-view .monaco-menu');
  await menu.waitFor({ state: 'visible' });
  const labels = (await menu.locator('.action-item .action-label').allTextContents()).map((l) => l.trim()).filter(Boolean);
  if (!labels.includes(item)) throw new Error(`The context menu has no "${item}": ${labels.join(', ')}.`);
  if (screenshotName) await screenshot(page, screenshotName, { keepPointer: true });
  for (let step = 0; step <= labels.length; step++) {
    await page.keyboard.press('ArrowDown');
    const focused = menu.locator('.action-item.focused .action-label');
    if ((await focused.count()) && (await focused.first().innerText()).trim() === item) {
      await page.keyboard.press('Enter');
      await menu.waitFor({ state: 'hidden' });
      return;
    }
  }
  throw new Error(`Could not move to "${item}" in the context menu.`);
}

/** What the page's `navigator.clipboard` offers (the project type-checks without the DOM library). */
type PageGlobals = { navigator: { clipboard: { readText(): Promise<string>; writeText(text: string): Promise<void> } } };

/** The browser's clipboard, which VS Code's Copy commands write (see launchBrowser's permissions). */
export function readClipboard(page: Page): Promise<string> {
  return page.evaluate(() => (globalThis as unknown as PageGlobals).navigator.clipboard.readText());
}

/** Empties the clipboard, so that a copy the test waits for cannot be an older one. */
export async function clearClipboard(page: Page): Promise<void> {
  await page.evaluate(() => (globalThis as unknown as PageGlobals).navigator.clipboard.writeText(''));
}

/** Waits until the clipboard holds something (a Copy command writes it asynchronously) and returns it. */
export async function waitForClipboard(page: Page, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await readClipboard(page);
    if (text || Date.now() > deadline) return text;
    await page.waitForTimeout(100);
  }
}

/** The text of the active Markdown preview (a webview: an iframe holding the content's iframe). */
export function markdownPreview(page: Page): Locator {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame').locator('body');
}

/** Saves a screenshot under test/e2e/screenshots/ (ignored by git), once the UI has settled. */
export async function screenshot(page: Page, name: string, options: { keepPointer?: boolean } = {}): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // Generated output only: keep it out of git without touching the project's .gitignore.
  writeFileSync(join(SCREENSHOTS, '.gitignore'), '*\n');
  // Away from the sidebar, so no hover tooltip covers it (unless a menu must stay open under the pointer).
  if (!options.keepPointer) await page.mouse.move(700, 400);
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

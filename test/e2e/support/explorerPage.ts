// Driving the Layer Explorer webview from a test: its document (VS Code nests each webview in two iframes and
// keeps hidden ones in the DOM), its tree rows and layers, opening an image's explorer alone, and VS Code's
// notifications around it.
import assert from 'node:assert/strict';
import type { Locator, Page } from './playwright';
import { runCommand } from './workbench';

export interface Frame {
  locator(selector: string): Locator;
}
interface FrameList {
  frameLocator(selector: string): FrameList & Frame;
  last(): FrameList & Frame;
}

/** The shown explorer's document. */
export const explorerFrame = (page: Page): Frame => (page as unknown as FrameList).frameLocator('iframe.webview.ready:visible').last().frameLocator('#active-frame');

export const treeRow = (page: Page, path: string): Locator => explorerFrame(page).locator(`.tree-row[data-path="${path}"]`).first();

export const focusedRow = (page: Page): Locator => explorerFrame(page).locator('.tree-row.focused');

/** The explorer's own context menu (not VS Code's). */
export const explorerMenu = (page: Page): Locator => explorerFrame(page).locator('.menu[role="menu"]');

/**
 * Starts opening an image's explorer alone (other editors are closed first, so that the only visible webview is
 * it); resolves once its tab shows, with the time of the click that opened it.
 */
export async function startOpeningExplorer(page: Page, image: string): Promise<number> {
  await page.keyboard.press('Escape');
  await runCommand(page, 'View: Close All Editors');
  await page.locator('iframe.webview.ready:visible').first().waitFor({ state: 'hidden' }).catch(() => undefined);
  await runCommand(page, 'Layerlens: Explore Layers');
  const quickInput = page.locator('.quick-input-widget');
  await quickInput.locator('input').waitFor({ state: 'visible' });
  await page.keyboard.type(image);
  const item = quickInput.locator('.monaco-list-row').filter({ hasText: image }).first();
  await item.waitFor({ state: 'visible' });
  const started = Date.now();
  await item.click();
  await page.locator('.tab').filter({ hasText: image }).first().waitFor({ state: 'visible' });
  return started;
}

/** Opens an image's explorer alone and waits until it is indexed (its layers selectable, the top's tree shown). */
export async function openExplorer(page: Page, image: string): Promise<void> {
  await startOpeningExplorer(page, image);
  await explorerFrame(page).locator('.title').filter({ hasText: image }).waitFor({ state: 'visible', timeout: 120_000 });
  await explorerFrame(page).locator('.layers:not(.waiting) .layer.selected').first().waitFor({ state: 'visible', timeout: 180_000 });
}

/** Clicks a layer and waits until the tree shows that layer's rows, not the last one's. */
export async function selectLayer(page: Page, instruction: string | RegExp): Promise<void> {
  const row = explorerFrame(page).locator('.layer').filter({ hasText: instruction }).first();
  await row.click();
  const layer = await row.getAttribute('data-layer');
  assert.ok(layer !== null, `the step "${instruction}" has a layer`);
  await explorerFrame(page).locator(`.tree[data-view$=" ${layer}:${layer}"]`).waitFor({ state: 'attached' });
}

/** Expands the directory rows of `path` from the root down (e.g. "/app/lib" expands /app, then /app/lib). */
export async function expandTo(page: Page, path: string): Promise<void> {
  let dir = '';
  for (const name of path.split('/').filter(Boolean)) {
    dir += `/${name}`;
    const row = treeRow(page, dir);
    await row.waitFor({ state: 'visible' });
    if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
    await explorerFrame(page).locator(`.tree-row[data-path="${dir}"][aria-expanded="true"]`).waitFor({ state: 'visible' });
  }
}

/** Clicks a row (its directory expanded first) and waits for its details. */
export async function selectRow(page: Page, path: string): Promise<void> {
  const parent = path.slice(0, path.lastIndexOf('/'));
  if (parent) await expandTo(page, parent);
  await treeRow(page, path).click();
  await explorerFrame(page).locator('.details-path').filter({ hasText: path }).waitFor({ state: 'visible' });
}

/** The details pane's action button with this label. */
export const detailsButton = (page: Page, label: string): Locator =>
  explorerFrame(page).locator('.details .actions vscode-button').filter({ hasText: new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) }).first();

/** What has focus inside the explorer's document: "tree", "menu-item", "body"… (its first class, or its tag). */
export async function focusInExplorer(page: Page): Promise<string> {
  return explorerFrame(page)
    .locator('body')
    .evaluateAll((bodies) => {
      const doc = (bodies[0] as { ownerDocument: { activeElement: { className: string; tagName: string } | null } }).ownerDocument;
      const active = doc.activeElement;
      return active ? (active.className.split(' ')[0] || active.tagName.toLowerCase()) : 'none';
    });
}

/** The texts of VS Code's notification toasts shown now, each prefixed with its severity ("error: …"). */
export async function notifications(page: Page): Promise<string[]> {
  const toasts = page.locator('.notifications-toasts .notification-list-item');
  const texts: string[] = [];
  for (let i = 0; i < (await toasts.count()); i++) {
    const toast = toasts.nth(i);
    const severity = (await toast.locator('.notification-list-item-icon.codicon-error').count()) ? 'error' : 'info';
    texts.push(`${severity}: ${(await toast.locator('.notification-list-item-message').innerText()).trim()}`);
  }
  return texts;
}

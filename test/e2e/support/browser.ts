// Debian's Chromium, headless, driven by playwright-core, with a fresh profile (and HOME/XDG dirs) per launch.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPlaywright, type BrowserContext, type Locator, type Page } from './playwright';

export const CHROMIUM = '/usr/bin/chromium';

export interface Browser {
  page: Page;
  /** Closes Chromium (all its processes) and removes its profile. */
  close(): Promise<void>;
}

export async function launchBrowser(options: { timeoutMs?: number; viewport?: { width: number; height: number } } = {}): Promise<Browser> {
  const dir = mkdtempSync(join(tmpdir(), 'layerlens-e2e-chromium-'));
  const home = join(dir, 'home');
  for (const d of ['config', 'data', 'cache']) mkdirSync(join(home, d), { recursive: true });
  let context: BrowserContext;
  try {
    // Playwright passes the profile as --user-data-dir.
    context = await loadPlaywright().chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      // Chromium writes ~/.pki, ~/.config/chromium crash reports and caches otherwise.
      env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, 'config'), XDG_DATA_HOME: join(home, 'data'), XDG_CACHE_HOME: join(home, 'cache') },
      viewport: options.viewport ?? { width: 1280, height: 800 },
      timeout: options.timeoutMs ?? 30_000,
      // VS Code's Copy commands write the browser's clipboard; the tests read it back.
      permissions: ['clipboard-read', 'clipboard-write'],
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  let closing: Promise<void> | undefined;
  return {
    page,
    close: () =>
      (closing ??= (async () => {
        try {
          await context.close();
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      })()),
  };
}

/** Opens the workbench and waits until it is usable: the workbench, its activity bar and its status bar shown. */
export async function openWorkbench(page: Page, url: string, timeoutMs = 60_000): Promise<void> {
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('.part.activitybar').waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('.part.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
}

/** A view container's item in the activity bar: its aria-label is the container's title. */
export function activityBarItem(page: Page, title: string): Locator {
  return page.locator(`.part.activitybar .action-item a.action-label[aria-label="${title}"]`);
}

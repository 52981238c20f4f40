// One real VS Code for a test file: the extension packaged as a user gets it, installed into a fresh code-server,
// and the workbench open in headless Chromium. close() ends code-server first, while the browser is still connected
// (see stopProcessGroup), then the browser, and removes the package; it always does all three.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser, openWorkbench, type Browser } from './browser';
import { assertInstalled, packageExtension, startCodeServer, type CodeServer, type StartOptions } from './codeServer';
import type { Page } from './playwright';

export interface Session {
  server: CodeServer;
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

export interface SessionOptions {
  /** User settings, e.g. `layerlens.dockerHost`. */
  settings?: StartOptions['settings'];
  viewport?: { width: number; height: number };
  /** Playwright's default timeout for the page (default 30 s). */
  timeoutMs?: number;
  /** A folder to open as the workspace (default: an empty one). */
  workspace?: string;
}

export async function openSession(options: SessionOptions = {}): Promise<Session> {
  assertInstalled();
  const vsixDir = mkdtempSync(join(tmpdir(), 'layerlens-e2e-vsix-'));
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    try {
      await server?.stop();
    } finally {
      try {
        await browser?.close();
      } finally {
        rmSync(vsixDir, { recursive: true, force: true });
      }
    }
  };
  try {
    const vsix = await packageExtension(vsixDir);
    server = await startCodeServer({ vsix, settings: options.settings, workspace: options.workspace });
    browser = await launchBrowser({ viewport: options.viewport });
    browser.page.setDefaultTimeout(options.timeoutMs ?? 30_000);
    await openWorkbench(browser.page, server.url);
    return { server, browser, page: browser.page, close };
  } catch (error) {
    await close();
    throw error;
  }
}

// playwright-core lives in .e2e/ (installed by test/e2e/setup.sh), not in the project's node_modules, so that
// `npm ci` and the type check never need it. It is loaded from there at run time; the few types the tests use are
// declared here (a subset of playwright-core's own), so the project type-checks without .e2e/ present.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { E2E_DIR } from './codeServer';

export interface Locator {
  click(options?: { timeout?: number; button?: 'left' | 'right' | 'middle'; modifiers?: ('Shift' | 'Control' | 'Alt' | 'Meta')[] }): Promise<void>;
  waitFor(options?: { state?: 'attached' | 'detached' | 'visible' | 'hidden'; timeout?: number }): Promise<void>;
  getAttribute(name: string, options?: { timeout?: number }): Promise<string | null>;
  boundingBox(): Promise<{ x: number; y: number; width: number; height: number } | null>;
  hover(options?: { timeout?: number }): Promise<void>;
  innerText(options?: { timeout?: number }): Promise<string>;
  isVisible(): Promise<boolean>;
  count(): Promise<number>;
  allTextContents(): Promise<string[]>;
  first(): Locator;
  locator(selector: string): Locator;
  filter(options: { hasText?: string | RegExp; has?: Locator }): Locator;
  getByText(text: string | RegExp, options?: { exact?: boolean }): Locator;
  press(key: string, options?: { timeout?: number }): Promise<void>;
  fill(value: string, options?: { timeout?: number }): Promise<void>;
  nth(index: number): Locator;
  evaluateAll<T>(fn: (elements: unknown[]) => T): Promise<T>;
}

export interface FrameLocator {
  frameLocator(selector: string): FrameLocator;
  locator(selector: string): Locator;
}

export interface Page {
  goto(url: string, options?: { timeout?: number; waitUntil?: 'load' | 'domcontentloaded' | 'networkidle' | 'commit' }): Promise<unknown>;
  reload(options?: { timeout?: number; waitUntil?: 'load' | 'domcontentloaded' | 'networkidle' | 'commit' }): Promise<unknown>;
  locator(selector: string): Locator;
  frameLocator(selector: string): FrameLocator;
  getByText(text: string | RegExp, options?: { exact?: boolean }): Locator;
  evaluate<T>(fn: () => T | Promise<T>): Promise<T>;
  keyboard: { press(key: string): Promise<void>; type(text: string): Promise<void> };
  mouse: {
    move(x: number, y: number, options?: { steps?: number }): Promise<void>;
    down(): Promise<void>;
    up(): Promise<void>;
    wheel(deltaX: number, deltaY: number): Promise<void>;
  };
  screenshot(options: { path: string; fullPage?: boolean }): Promise<Buffer>;
  waitForTimeout(ms: number): Promise<void>;
  waitForEvent(event: 'load' | 'domcontentloaded', options?: { timeout?: number }): Promise<unknown>;
  on(event: 'console', listener: (message: { type(): string; text(): string }) => void): void;
  on(event: 'pageerror', listener: (error: Error) => void): void;
  setDefaultTimeout(ms: number): void;
}

export interface BrowserContext {
  pages(): Page[];
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

interface LaunchOptions {
  executablePath?: string;
  headless?: boolean;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  viewport?: { width: number; height: number };
  timeout?: number;
  permissions?: string[];
}

interface PlaywrightCore {
  chromium: { launchPersistentContext(userDataDir: string, options: LaunchOptions): Promise<BrowserContext> };
}

export function loadPlaywright(): PlaywrightCore {
  try {
    return createRequire(join(E2E_DIR, 'package.json'))('playwright-core') as PlaywrightCore;
  } catch {
    throw new Error(`playwright-core is not installed in ${E2E_DIR}: run test/e2e/setup.sh first.`);
  }
}

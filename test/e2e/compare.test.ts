// End to end, in code-server + Chromium on Engine 20.10: comparing two images (issue 13). Compare with… from the
// Images view's context menu opens the Layer Explorer's compare mode with the markers the two images call for;
// Open Changes shows both versions in the diff editor; after a rebuild, Compare with Previous Build compares the
// tag's old image with its new one, and says so in one sentence when the old image is gone.
// The images are built by the test (legacy builder, FROM scratch) and removed after it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { endpointFor } from '../../src/docker/connection';
import { DockerEngine } from '../../src/docker/engine';
import { buildTar, type TarMember } from '../support/tarBuilder';
import { expandTo, explorerFrame, notifications, treeRow } from './support/explorerPage';
import type { Page } from './support/playwright';
import { openSession, type Session } from './support/session';
import { contextMenu, filterImages, imagesRow, openLayerlens, runCommand, screenshot } from './support/workbench';

const ENGINE = 'unix:///var/run/docker.sock';
const RUN = randomBytes(4).toString('hex');
const REPOSITORY = `layerlens-e2e/compare-${RUN}`;
const BEFORE = `${REPOSITORY}:before`;
const AFTER = `${REPOSITORY}:after`;
const REBUILT = `${REPOSITORY}:rebuild`;

let session: Session | undefined;
let page: Page;
const docker = new DockerEngine(endpointFor(ENGINE, 'test', undefined)).docker;
const built = new Set<string>();

const dirs = (...names: string[]): TarMember[] => names.map((name) => ({ name, type: 'dir', mode: 0o755 }));

/** A: a file to rewrite, one to chmod, one to remove, one that becomes a directory, one that stays. */
const BEFORE_CONTEXT: TarMember[] = [
  { name: 'Dockerfile', content: 'FROM scratch\nCOPY app/ /app/\n' },
  ...dirs('app/'),
  { name: 'app/config.txt', content: 'version one\n', mode: 0o644 },
  { name: 'app/run.sh', content: '#!/bin/sh\necho run\n', mode: 0o755 },
  { name: 'app/gone.txt', content: 'bye\n', mode: 0o644 },
  { name: 'app/kind', content: 'a file for now\n', mode: 0o644 },
  { name: 'app/same.txt', content: 'same\n', mode: 0o644 },
];
/** B: the same step with other files, and one more step. */
const AFTER_CONTEXT: TarMember[] = [
  { name: 'Dockerfile', content: 'FROM scratch\nCOPY app/ /app/\nCOPY extra/ /app/extra/\n' },
  ...dirs('app/', 'app/kind/', 'extra/'),
  { name: 'app/config.txt', content: 'version two, a little longer\n', mode: 0o644 },
  { name: 'app/run.sh', content: '#!/bin/sh\necho run\n', mode: 0o700 },
  { name: 'app/kind/inside.txt', content: 'now a directory\n', mode: 0o644 },
  { name: 'app/new.txt', content: 'hello\n', mode: 0o644 },
  { name: 'app/same.txt', content: 'same\n', mode: 0o644 },
  { name: 'extra/more.txt', content: 'more\n', mode: 0o644 },
];
/** What the compare mode must mark (the explorer's letters: A added, D removed, M content, m metadata, T type). */
const MARKERS: [string, string][] = [
  ['/app/config.txt', 'M'],
  ['/app/extra', 'A'],
  ['/app/gone.txt', 'D'],
  ['/app/kind', 'T'],
  ['/app/new.txt', 'A'],
  ['/app/run.sh', 'm'],
];

async function buildImage(tag: string, context: TarMember[]): Promise<string> {
  const stream = await docker.buildImage(Readable.from([buildTar(context)]) as unknown as NodeJS.ReadableStream, { t: tag, networkmode: 'none', version: '1' } as object);
  const output = await new Promise<{ error?: string }[]>((resolve, reject) =>
    docker.modem.followProgress(stream, (error: Error | null, result: unknown[]) => (error ? reject(error) : resolve(result as never))),
  );
  assert.equal(output.find((line) => line.error), undefined, `building ${tag} failed`);
  const { Id } = await docker.getImage(tag).inspect();
  built.add(Id);
  return Id;
}

before(async () => {
  await buildImage(BEFORE, BEFORE_CONTEXT);
  await buildImage(AFTER, AFTER_CONTEXT);
  session = await openSession({ settings: { 'layerlens.dockerHost': ENGINE, 'workbench.editor.enablePreview': false }, viewport: { width: 1400, height: 860 } });
  page = session.page;
  await openLayerlens(page);
  await page.locator('.statusbar-item').filter({ hasText: /Docker Engine/ }).first().waitFor({ state: 'visible', timeout: 60_000 });
});

after(async () => {
  try {
    await session?.close();
  } finally {
    for (const id of built) await docker.getImage(id).remove({ force: true }).catch(() => undefined);
  }
});

const compare = () => explorerFrame(page);

async function closeEditors(): Promise<void> {
  await page.keyboard.press('Escape');
  await runCommand(page, 'View: Close All Editors');
  await runCommand(page, 'Notifications: Clear All Notifications');
}

/** Waits until the compare panel has compared (its summary shown) and its root rows are listed. */
async function waitForComparison(): Promise<void> {
  await compare().locator('.subtitle .fact-changes').waitFor({ state: 'visible', timeout: 180_000 });
  await compare().locator('.tree[data-view^="compare"]').waitFor({ state: 'attached' });
}

/** Picks `label` in the open quick pick (typed, then clicked). */
async function pick(label: string): Promise<void> {
  const quickInput = page.locator('.quick-input-widget');
  await quickInput.locator('input').waitFor({ state: 'visible' });
  await page.keyboard.type(label);
  await quickInput.locator('.monaco-list-row').filter({ hasText: label }).first().click();
}

async function waitForNotification(pattern: RegExp): Promise<string> {
  for (;;) {
    const found = (await notifications(page)).find((n) => pattern.test(n));
    if (found) return found;
    await page.waitForTimeout(200);
  }
}

test('Compare with… from the Images view opens the compare mode with the markers of what changed', async () => {
  await (await filterImages(page, REPOSITORY)).click();
  const after = imagesRow(page, /^after/);
  await after.waitFor({ state: 'visible' });
  await contextMenu(page, after, 'Compare with…');
  // The same repository's other tag is offered first.
  const quickInput = page.locator('.quick-input-widget');
  const first = quickInput.locator('.monaco-list-row').first();
  await first.waitFor({ state: 'visible' });
  assert.match(await first.innerText(), new RegExp(BEFORE.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')));
  await pick(BEFORE);
  await waitForComparison();
  // The older image is A: "before" ↔ "after".
  assert.equal((await compare().locator('.title').innerText()).trim(), `${BEFORE} ↔ ${AFTER}`);
  await expandTo(page, '/app');
  for (const [path, marker] of MARKERS) {
    const row = treeRow(page, path);
    await row.waitFor({ state: 'visible' });
    assert.equal((await row.locator('.marker').innerText()).trim(), marker, `${path} is marked ${marker}`);
  }
  // An unchanged file is not in the comparison; a rewritten one shows both sizes and both steps.
  assert.equal(await treeRow(page, '/app/same.txt').count(), 0);
  const config = treeRow(page, '/app/config.txt');
  assert.equal(await config.locator('.size-a').getAttribute('data-bytes'), String('version one\n'.length));
  assert.equal(await config.locator('.size-b').getAttribute('data-bytes'), String('version two, a little longer\n'.length));
  assert.match(await config.locator('.compare-step-cell').innerText(), /^#\d+ · #\d+$/);
  // The aligned histories: B's extra COPY is only in B.
  const onlyB = compare().locator('.compare-step.step-onlyB');
  assert.equal(await onlyB.count(), 1);
  assert.match(await onlyB.innerText(), /COPY .*extra/);
  await screenshot(page, 'compare-mode');

  // The explorer's filter: a glob keeps the matches and their directories.
  const field = compare().locator('vscode-textfield[aria-label="Filter by text or glob"] input');
  await field.fill('*.sh');
  await compare().locator('.status').filter({ hasText: /^1 match · filtered in \d+ ms/ }).waitFor({ state: 'visible' });
  await treeRow(page, '/app/run.sh').waitFor({ state: 'visible' });
  assert.equal(await treeRow(page, '/app/config.txt').count(), 0);
  await field.fill('');
  await compare().locator('.status').filter({ hasText: /rows? · loaded in/ }).waitFor({ state: 'visible' });
});

test('Open Changes shows both versions of a changed file in the diff editor', async () => {
  await expandTo(page, '/app');
  await treeRow(page, '/app/config.txt').click();
  await compare().locator('.details-path').filter({ hasText: '/app/config.txt' }).waitFor({ state: 'visible' });
  assert.match(await compare().locator('.compare-side-a .made-by').innerText(), /^#\d+ COPY/);
  await page.keyboard.press('Enter');
  const diff = page.locator('.monaco-diff-editor');
  await diff.locator('.editor.original .view-lines').filter({ hasText: 'version one' }).waitFor({ state: 'visible', timeout: 60_000 });
  await diff.locator('.editor.modified .view-lines').filter({ hasText: 'version two, a little longer' }).waitFor({ state: 'visible' });
  const tab = page.locator('.tab').filter({ hasText: `config.txt (${BEFORE} ↔ ${AFTER})` }).first();
  await tab.waitFor({ state: 'visible' });
  await screenshot(page, 'compare-open-changes');
});

test('after a rebuild, Compare with Previous Build compares the old image with the new; once the old one is gone, it says so', async () => {
  await closeEditors();
  const first = await buildImage(REBUILT, BEFORE_CONTEXT);
  // Before any rebuild there is nothing to compare with (this also makes sure the extension has seen the tag).
  await runCommand(page, 'Layerlens: Compare with Previous Build');
  await pick(REBUILT);
  assert.match(await waitForNotification(/has not seen/), new RegExp(`^info: Layerlens has not seen ${REBUILT.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} point to another image yet`));
  await runCommand(page, 'Notifications: Clear All Notifications');

  const second = await buildImage(REBUILT, AFTER_CONTEXT);
  assert.notEqual(second, first);
  await runCommand(page, 'Layerlens: Compare with Previous Build');
  await pick(REBUILT);
  await waitForComparison();
  assert.equal((await compare().locator('.title').innerText()).trim(), `${REBUILT} (previous build ${first.slice(7, 19)}) ↔ ${REBUILT}`);
  await expandTo(page, '/app');
  for (const [path, marker] of MARKERS) assert.equal((await treeRow(page, path).locator('.marker').innerText()).trim(), marker, `${path} is marked ${marker}`);

  // The old image pruned: one sentence, no panel.
  await closeEditors();
  await docker.getImage(first).remove({ force: true });
  await runCommand(page, 'Layerlens: Compare with Previous Build');
  await pick(REBUILT);
  const gone = await waitForNotification(/previous build/);
  assert.equal(gone, `info: The previous build of ${REBUILT} (image ${first.slice(7, 19)}) is no longer on the engine: it was removed or pruned.`);
});

// End to end, in code-server + Chromium on Engine 20.10: "Explain This Layer" (the Markdown preview) on the debian
// fixture's install step names the packages it installed, and its purge step the packages it removed, as
// `layerlens packages --json` (the CLI in its own process) says; the install step's finding names the package a
// later step purges (LL2011).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { PackagesReport } from '../../src/core/packages/packagesReport';
import { runCli } from '../integration/support/cli';
import type { Page } from './support/playwright';
import { openSession, type Session } from './support/session';
import { contextMenu, filterImages, imagesRow, markdownPreview, openLayerlens, screenshot, waitForEngineStatus } from './support/workbench';

const ENGINE = 'unix:///var/run/docker.sock';
const IMAGE = 'layerlens-test/debian:legacy';
const INSTALL_STEP = /dpkg -i \/tmp\/debs\/libonig5/;
const PURGE_STEP = /dpkg --purge less e2fsprogs/;
/** The fixture's layers (test/fixtures/debian/Dockerfile). */
const INSTALL = 2;
const PURGE = 4;

let session: Session | undefined;
let page: Page;
let report: PackagesReport;

before(async () => {
  const result = await runCli(['packages', IMAGE, '--json', '--host', ENGINE]);
  assert.equal(result.code, 0, result.stderr);
  report = JSON.parse(result.stdout) as PackagesReport;
  session = await openSession({ settings: { 'layerlens.dockerHost': ENGINE, 'workbench.editor.enablePreview': false }, viewport: { width: 1400, height: 860 } });
  page = session.page;
  await openLayerlens(page);
  await waitForEngineStatus(page);
  await (await filterImages(page, 'layerlens-test/debian', /^layerlens-test\/debian(?!-)/)).click();
  await imagesRow(page, /^legacy/).click();
  await imagesRow(page, INSTALL_STEP).waitFor({ state: 'visible', timeout: 60_000 });
});

after(async () => {
  await session?.close();
});

/** The preview's list item that holds `text` (the Packages section is a Markdown list). */
async function previewLine(text: RegExp): Promise<string> {
  const preview = markdownPreview(page);
  const item = preview.locator('li').filter({ hasText: text }).first();
  await item.waitFor({ state: 'visible', timeout: 120_000 });
  return (await item.innerText()).replace(/\s+/g, ' ').trim();
}

const changed = (layer: number, change: string) => report.changes.filter((c) => c.layer === layer && c.change === change && c.manager === 'dpkg');

test('Explain This Layer on the install step names the packages it installed, and the one a later step purges', async () => {
  await contextMenu(page, imagesRow(page, INSTALL_STEP), 'Explain This Layer');
  const installed = changed(INSTALL, 'installed');
  assert.equal(installed.length, 4);
  const line = await previewLine(/This RUN installed \d+ dpkg packages/);
  assert.match(line, new RegExp(`^This RUN installed ${installed.length} dpkg packages \\(`));
  for (const p of installed) assert.ok(line.includes(`${p.name} (`), `${p.name} in: ${line}`);
  const removedLater = changed(PURGE, 'removed').map((c) => c.name).filter((name) => installed.some((p) => p.name === name));
  assert.deepEqual(removedLater, ['less']);
  const evidence = await previewLine(/removed in layer \d+, the biggest file/);
  assert.match(evidence, new RegExp(`^less ${changed(PURGE, 'removed').find((c) => c.name === 'less')!.from!.replace(/[.+~]/g, '\\$&')} \\(dpkg\\) — .* removed in layer ${PURGE}, the biggest file /usr/bin/less$`));
  const text = await markdownPreview(page).innerText();
  assert.match(text, /LL2011/);
  await screenshot(page, 'packages-explain-install');
});

test('Explain This Layer on the purge step names the packages it removed, with their versions', async () => {
  await contextMenu(page, imagesRow(page, PURGE_STEP), 'Explain This Layer');
  const removed = changed(PURGE, 'removed');
  const line = await previewLine(/It removed \d+ dpkg packages/);
  assert.equal(line, `It removed ${removed.length} dpkg packages: ${removed.map((c) => `${c.name} ${c.from}`).join(', ')}.`);
});

// End to end, in code-server + Chromium on Engine 20.10: the Layer Explorer's Packages tab on the debian fixture
// (a real debootstrap base, real .debs installed, upgraded, purged and downgraded by dpkg). Its rows equal
// `dpkg-query -W` in a container of the image at the top, and `layerlens packages --json --layer N` (the CLI in
// its own process) for a lower layer; picking a package (click, or Enter from the keyboard) shows its files in the
// tree — the paths `dpkg -L` lists — and the file details name the package that owns the file.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import type { PackagesReport } from '../../src/core/packages/packagesReport';
import { runCli } from '../integration/support/cli';
import { explorerFrame, focusInExplorer, openExplorer, selectLayer } from './support/explorerPage';
import type { Locator, Page } from './support/playwright';
import { openSession, type Session } from './support/session';
import { openLayerlens, screenshot, waitForEngineStatus } from './support/workbench';

const ENGINE = 'unix:///var/run/docker.sock';
const IMAGE = 'layerlens-test/debian:legacy';
const INSTALL_STEP = /dpkg -i \/tmp\/debs\/libonig5/;
const PURGE_STEP = /dpkg --purge less e2fsprogs/;
const run = promisify(execFile);

let session: Session | undefined;
let page: Page;

before(async () => {
  session = await openSession({ settings: { 'layerlens.dockerHost': ENGINE, 'workbench.editor.enablePreview': false }, viewport: { width: 1400, height: 860 } });
  page = session.page;
  await openLayerlens(page);
  await waitForEngineStatus(page);
});

after(async () => {
  await session?.close();
});

const explorer = () => explorerFrame(page);
const tab = (name: string) => explorer().locator('vscode-tab-header').filter({ hasText: name }).first();
const packagesShown = (view: string) => explorer().locator(`.packages[data-view="${view}"]`).waitFor({ state: 'attached' });
const packageRow = (name: string) => explorer().locator(`.package-row[data-name="${name}"]`).first();

/** dpkg's own answer, in a throwaway container without network. */
async function inContainer(...command: string[]): Promise<string[]> {
  const { stdout } = await run('/usr/bin/docker', ['-H', ENGINE, 'run', '--rm', '--network', 'none', '--entrypoint', command[0], IMAGE, ...command.slice(1)], { maxBuffer: 16 * 1024 * 1024 });
  return stdout.split('\n').filter(Boolean);
}

async function cliPackages(layer: number): Promise<PackagesReport> {
  const result = await runCli(['packages', IMAGE, '--json', '--layer', String(layer), '--host', ENGINE]);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as PackagesReport;
}

/** The tab's rows as "name version" (the webview sorts them; compared sorted). */
async function rowsShown(): Promise<string[]> {
  const rows = explorer().locator('.package-row');
  const out: string[] = [];
  for (let i = 0; i < (await rows.count()); i++) out.push(`${await rows.nth(i).getAttribute('data-name')} ${await rows.nth(i).getAttribute('data-version')}`);
  return out.sort();
}

/** Picks the first or the second option of a vscode-single-select from the keyboard, as a user may. */
async function choose(select: Locator, option: 'first' | 'second'): Promise<void> {
  await select.press('ArrowDown'); // opens the list on the selected option
  for (let i = 0; i < 2; i++) await page.keyboard.press(option === 'first' ? 'ArrowUp' : 'ArrowDown');
  await page.keyboard.press('Enter');
}

/** The tree's file rows (directories, all expanded in a filter result, carry aria-expanded). */
async function fileRowsInTree(): Promise<string[]> {
  const rows = explorer().locator('.tree-row:not([aria-expanded])');
  const paths: string[] = [];
  for (let i = 0; i < (await rows.count()); i++) paths.push((await rows.nth(i).getAttribute('data-path'))!);
  return paths.sort();
}

test('at the top, the Packages tab lists what dpkg-query lists in a container of the image', async () => {
  const [oracle, cli] = await Promise.all([inContainer('dpkg-query', '-W', '-f', '${Package} ${Version}\n'), cliPackages(6)]);
  assert.ok(oracle.length > 100, `dpkg-query listed ${oracle.length} packages`);
  await openExplorer(page, IMAGE);
  await tab('Packages').click();
  await packagesShown('present 6:6');
  assert.deepEqual(await rowsShown(), oracle.sort());
  // Bytes and files as the CLI counts them: jq, downgraded again in #5.
  const jq = cli.packages.find((p) => p.name === 'jq')!;
  assert.equal((await packageRow('jq').locator('.package-files').innerText()).trim(), `${jq.files} files`);
  assert.match(await packageRow('jq').locator('.package-where').innerText(), /^from #5\b/);
  assert.match(await explorer().locator('.packages-summary').innerText(), new RegExp(`^${oracle.length} packages present at #6 · `));
});

test('a layer lists what it installed; "Present" lists what layerlens packages --layer N lists', async () => {
  const cli = await cliPackages(2);
  const installed = cli.changes.filter((c) => c.layer === 2).map((c) => `${c.name} ${c.to}`);
  assert.deepEqual(installed.length, 4, 'the fixture installs four packages in #2');
  await selectLayer(page, INSTALL_STEP);
  await packagesShown('changes 2:2');
  assert.deepEqual(await rowsShown(), installed.sort());
  assert.match(await packageRow('jq').locator('.package-where').innerText(), /^installed in #2\b/);
  assert.match(await explorer().locator('.packages-summary').innerText(), /^#2: 4 installed · \d+ present at #2 · /);
  await screenshot(page, 'explorer-packages');

  await choose(explorer().locator('vscode-single-select[aria-label="Which packages"]'), 'second'); // Present at the selected layer
  await packagesShown('present 2:2');
  assert.deepEqual(await rowsShown(), cli.packages.map((p) => `${p.name} ${p.version}`).sort());
  await choose(explorer().locator('vscode-single-select[aria-label="Which packages"]'), 'first'); // Changed in the selected layers
  await packagesShown('changes 2:2');
});

test("a click shows the package's files in the tree (those dpkg -L lists), and the details name their owner", async () => {
  const [listed, cli] = await Promise.all([inContainer('dpkg', '-L', 'jq'), cliPackages(2)]);
  const jq = cli.packages.find((p) => p.name === 'jq')!;
  assert.equal(jq.version, '1.6-2.1+deb12u2', 'the top holds the version #2 installed: dpkg -L lists its files');
  await packageRow('jq').click();
  const id = await packageRow('jq').getAttribute('data-id');
  await explorer().locator(`.tree[data-package="${id}"][data-view="changes 2:2 filtered"]`).waitFor({ state: 'attached' });
  const files = await fileRowsInTree();
  assert.equal(files.length, jq.files, `the tree shows jq's ${jq.files} files: ${files.join(', ')}`);
  for (const path of files) assert.ok(listed.includes(path), `${path} is listed by dpkg -L jq`);
  assert.match(await explorer().locator('.package-filter-text').innerText(), /^Files of dpkg package jq 1\.6-2\.1\+deb12u2 \(\d+ files, installed in #2\)$/);
  // The first file is selected: its details name the package.
  await explorer().locator('.details dd').filter({ hasText: /^Owned by / }).first().waitFor({ state: 'visible' });
  assert.ok(files.includes((await explorer().locator('.details-path').innerText()).trim()), 'the details are of one of its files');
  const facts = await explorer().locator('.details dd').allTextContents();
  assert.ok(facts.includes('Owned by dpkg package jq 1.6-2.1+deb12u2, installed in #2'), facts.join(' | '));
  await screenshot(page, 'explorer-package-files');

  // Show All Files: the tree is the layer's changes again.
  await explorer().locator('.package-filter vscode-button').click();
  await explorer().locator('.tree[data-view="changes 2:2"]:not([data-package])').waitFor({ state: 'attached' });
});

test('keyboard: filter the list, arrows move, Enter shows the package picked', async () => {
  await tab('Packages').click();
  await packagesShown('changes 2:2');
  await explorer().locator('vscode-textfield[aria-label="Filter packages"] input').fill('lib');
  await explorer().locator('.package-row[data-name="jq"]').waitFor({ state: 'detached' });
  assert.deepEqual((await rowsShown()).map((r) => r.split(' ')[0]), ['libjq1', 'libonig5']);
  // Escape in the filter comes back to the list (not to the hidden Files tab), and "/" goes to the filter again.
  await explorer().locator('vscode-textfield[aria-label="Filter packages"] input').press('Escape');
  assert.equal(await focusInExplorer(page), 'package-list');
  const list = explorer().locator('.package-list');
  await page.keyboard.press('/');
  assert.notEqual(await tab('Packages').getAttribute('active'), null, 'still on the Packages tab');
  assert.equal(await focusInExplorer(page), 'vscode-textfield', "the tab's own filter has the focus");
  await page.keyboard.press('Escape');
  assert.equal(await focusInExplorer(page), 'package-list');
  await list.press('End');
  const second = explorer().locator('.package-row').nth(1);
  assert.equal(await list.getAttribute('aria-activedescendant'), await second.getAttribute('id'));
  await list.press('ArrowUp');
  await list.press('ArrowDown');
  const id = await second.getAttribute('data-id');
  await list.press('Enter');
  await explorer().locator(`.tree[data-package="${id}"]`).waitFor({ state: 'attached' });
  assert.ok((await fileRowsInTree()).length > 0);
});

test('a purge lists the removed packages; picking one shows its deleted files, owned by the version that shipped them', async () => {
  const cli = await cliPackages(4);
  await selectLayer(page, PURGE_STEP);
  await tab('Packages').click();
  await explorer().locator('vscode-textfield[aria-label="Filter packages"] input').fill('');
  await packagesShown('changes 4:4');
  assert.deepEqual(await rowsShown(), cli.changes.filter((c) => c.layer === 4).map((c) => `${c.name} ${c.from}`).sort());
  assert.match(await packageRow('less').locator('.package-where').innerText(), /^removed in #4 \(from #2\)/);
  await packageRow('less').click();
  await explorer().locator('.tree[data-view="changes 4:4 filtered"][data-package]').waitFor({ state: 'attached' });
  const files = await fileRowsInTree();
  assert.ok(files.includes('/usr/bin/less'), files.join(', '));
  await explorer().locator('.details dd').filter({ hasText: /^Owned by / }).first().waitFor({ state: 'visible' });
  const facts = await explorer().locator('.details dd').allTextContents();
  assert.ok(facts.includes('Owned by dpkg package less 590-2.1~deb12u2, installed in #2'), facts.join(' | '));
});

test('an image without a package database says so in one sentence', async () => {
  await openExplorer(page, 'layerlens-test/basics:legacy');
  await tab('Packages').click();
  const hint = explorer().locator('.packages .hint');
  await hint.waitFor({ state: 'visible' });
  assert.equal(await hint.innerText(), 'This image has no package database that Layerlens reads (dpkg, apk, rpm, Python, npm).');
});
